//! `TPMS_ATTEST` and `TPM2B_ATTEST` (TPM 2.0 Part 2, Structures): the data the
//! TPM signs in `TPM2_Quote`, `TPM2_Certify`, `TPM2_CertifyCreation`, the audit commands,
//! `TPM2_GetTime` and `TPM2_NV_Certify`, and `TPMS_CLOCK_INFO`.
//!
//! Entry point: [`Attest::parse`] for the `TPMS_ATTEST` that `tpm2_quote -m` writes.
//!
//! Wire format (big-endian): `u32 magic, u16 type, TPM2B_NAME qualifiedSigner, TPM2B_DATA
//! extraData, TPMS_CLOCK_INFO clockInfo, u64 firmwareVersion`, then the `TPMU_ATTEST` member that
//! `type` selects. Parsing does not check `magic`: the quote verifier refuses a wrong one as a
//! verdict. Every `TPMI_ST_ATTEST` type of Part 2 is parsed, and an unknown `type` is
//! `Unsupported`.
//!
//! Budgets: names, `extraData` and digests at most 66 bytes (a `TPMT_HA` of SHA-512),
//! `nvContents` at most 2048 bytes. Nothing may follow the structure: a TPM never appends bytes,
//! and the signature covers the whole buffer.

use crate::error::{Error, ErrorKind};
use crate::reader::Reader;
use crate::tpm::public::read_sized;
use crate::tpm::selection::PcrSelectionList;

const STRUCTURE: &str = "TPMS_ATTEST";
const STRUCTURE_2B: &str = "TPM2B_ATTEST";

/// `TPM_GENERATED_VALUE`: the first four bytes of every structure the TPM signs itself.
pub const TPM_GENERATED_VALUE: u32 = 0xFF54_4347;

/// `TPM_ST_ATTEST_NV`.
pub const TPM_ST_ATTEST_NV: u16 = 0x8014;
/// `TPM_ST_ATTEST_COMMAND_AUDIT`.
pub const TPM_ST_ATTEST_COMMAND_AUDIT: u16 = 0x8015;
/// `TPM_ST_ATTEST_SESSION_AUDIT`.
pub const TPM_ST_ATTEST_SESSION_AUDIT: u16 = 0x8016;
/// `TPM_ST_ATTEST_CERTIFY`.
pub const TPM_ST_ATTEST_CERTIFY: u16 = 0x8017;
/// `TPM_ST_ATTEST_QUOTE`.
pub const TPM_ST_ATTEST_QUOTE: u16 = 0x8018;
/// `TPM_ST_ATTEST_TIME`.
pub const TPM_ST_ATTEST_TIME: u16 = 0x8019;
/// `TPM_ST_ATTEST_CREATION`.
pub const TPM_ST_ATTEST_CREATION: u16 = 0x801A;
/// `TPM_ST_ATTEST_NV_DIGEST`.
pub const TPM_ST_ATTEST_NV_DIGEST: u16 = 0x801C;

/// Largest `TPM2B_NAME`, `TPM2B_DATA` or `TPM2B_DIGEST` accepted: `sizeof(TPMT_HA)` for SHA-512.
const MAX_NAME: usize = 66;
/// Largest `TPM2B_MAX_NV_BUFFER` accepted. `MAX_NV_BUFFER_SIZE` is 1024 on common TPMs.
const MAX_NV_BUFFER: usize = 2048;

/// `TPMS_CLOCK_INFO`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockInfo {
    /// `clock`: milliseconds the TPM has been powered since it was last cleared.
    pub clock: u64,
    /// `resetCount`: TPM Resets since the last clear.
    pub reset_count: u32,
    /// `restartCount`: TPM Restarts and Resumes since the last TPM Reset.
    pub restart_count: u32,
    /// `safe`: whether `clock` has not been reported with a higher value before.
    pub safe: bool,
}

impl ClockInfo {
    fn read(reader: &mut Reader<'_>) -> Result<Self, Error> {
        let clock = reader.u64_be()?;
        let reset_count = reader.u32_be()?;
        let restart_count = reader.u32_be()?;
        Ok(Self { clock, reset_count, restart_count, safe: read_yes_no(reader, "clockInfo.safe")? })
    }
}

/// `TPMU_ATTEST`: the type-specific part of a `TPMS_ATTEST`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attested<'a> {
    /// `TPMS_CERTIFY_INFO` (`TPM2_Certify`).
    Certify {
        /// `name` of the certified object.
        name: &'a [u8],
        /// `qualifiedName` of the certified object.
        qualified_name: &'a [u8],
    },
    /// `TPMS_CREATION_INFO` (`TPM2_CertifyCreation`).
    Creation {
        /// `objectName`.
        object_name: &'a [u8],
        /// `creationHash`.
        creation_hash: &'a [u8],
    },
    /// `TPMS_QUOTE_INFO` (`TPM2_Quote`).
    Quote {
        /// `pcrSelect`.
        selection: PcrSelectionList,
        /// `pcrDigest`: the signing scheme's hash of the selected PCR values.
        pcr_digest: &'a [u8],
    },
    /// `TPMS_COMMAND_AUDIT_INFO` (`TPM2_GetCommandAuditDigest`).
    CommandAudit {
        /// `auditCounter`.
        audit_counter: u64,
        /// `digestAlg`, a `TPM_ALG_ID`.
        digest_algorithm: u16,
        /// `auditDigest`.
        audit_digest: &'a [u8],
        /// `commandDigest`.
        command_digest: &'a [u8],
    },
    /// `TPMS_SESSION_AUDIT_INFO` (`TPM2_GetSessionAuditDigest`).
    SessionAudit {
        /// `exclusiveSession`.
        exclusive_session: bool,
        /// `sessionDigest`.
        session_digest: &'a [u8],
    },
    /// `TPMS_TIME_ATTEST_INFO` (`TPM2_GetTime`).
    Time {
        /// `time.time`: milliseconds since the last TPM Reset or power-on.
        time: u64,
        /// `time.clockInfo`.
        clock_info: ClockInfo,
        /// `firmwareVersion`.
        firmware_version: u64,
    },
    /// `TPMS_NV_CERTIFY_INFO` (`TPM2_NV_Certify`).
    Nv {
        /// `indexName`.
        index_name: &'a [u8],
        /// `offset`.
        offset: u16,
        /// `nvContents`.
        nv_contents: &'a [u8],
    },
    /// `TPMS_NV_DIGEST_CERTIFY_INFO` (`TPM2_NV_Certify` with a zero size and offset).
    NvDigest {
        /// `indexName`.
        index_name: &'a [u8],
        /// `nvDigest`.
        nv_digest: &'a [u8],
    },
}

/// A parsed `TPMS_ATTEST`, borrowing the input. Nothing in it is verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attest<'a> {
    /// `magic`; `TPM_GENERATED_VALUE` in anything a TPM produced.
    pub magic: u32,
    /// `type`, a `TPM_ST_ATTEST_*` value.
    pub attestation_type: u16,
    /// `qualifiedSigner`: the Qualified Name of the signing key, chained through its parents,
    /// so it differs from the key's Name.
    pub qualified_signer: &'a [u8],
    /// `extraData`: the caller's qualifying data, usually a nonce.
    pub extra_data: &'a [u8],
    /// `clockInfo`.
    pub clock_info: ClockInfo,
    /// `firmwareVersion`.
    pub firmware_version: u64,
    /// `attested`.
    pub attested: Attested<'a>,
}

impl<'a> Attest<'a> {
    /// Parses a `TPMS_ATTEST` that fills `bytes` exactly.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut reader = Reader::new(bytes, 0, STRUCTURE);
        let attest = Self::read(&mut reader)?;
        reader.finish()?;
        Ok(attest)
    }

    /// Parses a `TPM2B_ATTEST`: a `u16` size and a `TPMS_ATTEST` of exactly that size, with
    /// nothing after it. Offsets in errors count from the size field.
    pub fn parse_tpm2b(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut reader = Reader::new(bytes, 0, STRUCTURE_2B);
        let size = reader.u16_be()?;
        let inner = reader.bytes(usize::from(size))?;
        reader.finish()?;

        let mut inner_reader = Reader::new(inner, 2, STRUCTURE);
        let attest = Self::read(&mut inner_reader)?;
        inner_reader.finish()?;
        Ok(attest)
    }

    /// Reads a `TPMS_ATTEST` at the reader's position.
    pub fn read(reader: &mut Reader<'a>) -> Result<Self, Error> {
        reader.set_structure(STRUCTURE);
        let magic = reader.u32_be()?;
        let type_offset = reader.offset();
        let attestation_type = reader.u16_be()?;
        let qualified_signer = read_sized(reader, "qualifiedSigner bytes", MAX_NAME)?;
        let extra_data = read_sized(reader, "extraData bytes", MAX_NAME)?;
        let clock_info = ClockInfo::read(reader)?;
        let firmware_version = reader.u64_be()?;

        let attested = match attestation_type {
            TPM_ST_ATTEST_CERTIFY => Attested::Certify {
                name: read_sized(reader, "name bytes", MAX_NAME)?,
                qualified_name: read_sized(reader, "qualifiedName bytes", MAX_NAME)?,
            },
            TPM_ST_ATTEST_CREATION => Attested::Creation {
                object_name: read_sized(reader, "objectName bytes", MAX_NAME)?,
                creation_hash: read_sized(reader, "creationHash bytes", MAX_NAME)?,
            },
            TPM_ST_ATTEST_QUOTE => {
                let selection = PcrSelectionList::read(reader)?;
                reader.set_structure(STRUCTURE);
                Attested::Quote { selection, pcr_digest: read_sized(reader, "pcrDigest bytes", MAX_NAME)? }
            }
            TPM_ST_ATTEST_COMMAND_AUDIT => Attested::CommandAudit {
                audit_counter: reader.u64_be()?,
                digest_algorithm: reader.u16_be()?,
                audit_digest: read_sized(reader, "auditDigest bytes", MAX_NAME)?,
                command_digest: read_sized(reader, "commandDigest bytes", MAX_NAME)?,
            },
            TPM_ST_ATTEST_SESSION_AUDIT => Attested::SessionAudit {
                exclusive_session: read_yes_no(reader, "exclusiveSession")?,
                session_digest: read_sized(reader, "sessionDigest bytes", MAX_NAME)?,
            },
            TPM_ST_ATTEST_TIME => Attested::Time {
                time: reader.u64_be()?,
                clock_info: ClockInfo::read(reader)?,
                firmware_version: reader.u64_be()?,
            },
            TPM_ST_ATTEST_NV => Attested::Nv {
                index_name: read_sized(reader, "indexName bytes", MAX_NAME)?,
                offset: reader.u16_be()?,
                nv_contents: read_sized(reader, "nvContents bytes", MAX_NV_BUFFER)?,
            },
            TPM_ST_ATTEST_NV_DIGEST => Attested::NvDigest {
                index_name: read_sized(reader, "indexName bytes", MAX_NAME)?,
                nv_digest: read_sized(reader, "nvDigest bytes", MAX_NAME)?,
            },
            _ => return Err(Error::new(ErrorKind::Unsupported { field: "type" }, STRUCTURE, type_offset)),
        };

        Ok(Self { magic, attestation_type, qualified_signer, extra_data, clock_info, firmware_version, attested })
    }
}

/// Reads a `TPMI_YES_NO`, which must be 0 or 1.
fn read_yes_no(reader: &mut Reader<'_>, field: &'static str) -> Result<bool, Error> {
    let offset = reader.offset();
    match reader.u8()? {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(Error::invalid(STRUCTURE, field, offset)),
    }
}

/// Reads `magic` and `type`, the first six bytes of a `TPMS_ATTEST`, without parsing the rest.
pub fn read_header(bytes: &[u8]) -> Result<(u32, u16), Error> {
    let mut reader = Reader::new(bytes, 0, STRUCTURE);
    Ok((reader.u32_be()?, reader.u16_be()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::HashAlgorithm;

    /// `TPMS_ATTEST` from `tpm2_quote -l sha256:0,1,2+sha1:3 -q 0102ab -g sha256` on swtpm 0.7.1.
    const SWTPM_QUOTE: &str = "ff54434780180022000b9c0da863f255e12c506cc53aa944eb2681e707bed6feb49728dd9e5af4c8f393\
        00030102ab0000000000000e5d000000010000000001201910230016363600000002000b0307000000040308000000205b517952cbe9\
        c4c147bc3f3434f9d82409e76d09ea58905aefe7fb5415912d9a";

    fn hex(text: &str) -> alloc::vec::Vec<u8> {
        (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn parse_swtpm_quote() {
        let bytes = hex(SWTPM_QUOTE);
        let attest = Attest::parse(&bytes).unwrap();
        assert_eq!(attest.magic, TPM_GENERATED_VALUE);
        assert_eq!(attest.attestation_type, TPM_ST_ATTEST_QUOTE);
        assert_eq!(attest.extra_data, [0x01, 0x02, 0xab]);
        // clock, resetCount, restartCount and safe as tpm2_print 5.4 -t TPMS_ATTEST shows them.
        assert_eq!(attest.clock_info, ClockInfo { clock: 3677, reset_count: 1, restart_count: 0, safe: true });
        // tpm2_print 5.4 shows the same eight bytes reversed, as 3636160023101920; read
        // big-endian as Part 2 specifies, the value begins with libtpms's date 2019-10-23.
        assert_eq!(attest.firmware_version, 0x2019_1023_0016_3636);
        let Attested::Quote { selection, pcr_digest } = &attest.attested else { panic!("not a quote") };
        assert_eq!(selection.pcrs().count(), 4);
        assert_eq!(selection.selections()[1].bank, HashAlgorithm::Sha1);
        assert_eq!(pcr_digest.len(), 32);
    }

    #[test]
    fn trailing_byte_rejected() {
        let mut bytes = hex(SWTPM_QUOTE);
        bytes.push(0);
        let error = Attest::parse(&bytes).unwrap_err();
        assert_eq!(error.kind, ErrorKind::TrailingData);
        assert_eq!(error.offset, bytes.len() - 1);
    }

    #[test]
    fn safe_must_be_yes_or_no() {
        let mut bytes = hex(SWTPM_QUOTE);
        // safe sits after magic, type, the 34-byte name, the 3-byte nonce and clock/reset/restart.
        let safe = 4 + 2 + 2 + 34 + 2 + 3 + 8 + 4 + 4;
        bytes[safe] = 2;
        assert_eq!(Attest::parse(&bytes).unwrap_err(), Error::invalid(STRUCTURE, "clockInfo.safe", safe));
    }

    #[test]
    fn unknown_type_unsupported() {
        let mut bytes = hex(SWTPM_QUOTE);
        bytes[5] = 0x1b;
        assert_eq!(Attest::parse(&bytes).unwrap_err().kind, ErrorKind::Unsupported { field: "type" });
    }
}
