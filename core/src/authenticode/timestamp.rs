//! RFC 3161 timestamps in Authenticode signatures: the unsigned attribute
//! `1.3.6.1.4.1.311.3.3.1` contains a `TimeStampToken` (RFC 3161 section 2.4.2), a CMS
//! `SignedData` over a `TSTInfo` whose `messageImprint` hashes the outer `SignerInfo.signature`.
//! UEFI uses the time to decide whether a `dbx` certificate revocation with a time applies
//! (UEFI 2.10 section 32.6.3.3, `dbt`).
//!
//! Entry point: [`AuthenticodeSignature::rfc3161_timestamps`].

use alloc::vec::Vec;

use der::asn1::ObjectIdentifier;

use super::chain::{ChainOutcome, chain_certificates};
use super::signature::AuthenticodeSignature;
use super::signed_data::{self, SignedData};
use super::signer::{SignerCheck, verify_signed_data};
use super::tlv::{self, TlvReader, tag};
use crate::digest::HashAlgorithm;
use crate::error::{Error, ErrorKind};

/// `SPC_RFC3161_OBJID` unsigned attribute, 1.3.6.1.4.1.311.3.3.1.
pub const OID_RFC3161_COUNTERSIGNATURE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.3.3.1");
/// `id-ct-TSTInfo`, 1.2.840.113549.1.9.16.1.4.
pub const OID_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// Maximum number of RFC 3161 timestamps read from one signature.
const MAX_TIMESTAMPS: usize = 4;

const TST_INFO: &str = "TSTInfo";

/// One RFC 3161 timestamp of a signature, parsed but not verified.
#[derive(Clone, Debug)]
pub struct Rfc3161Timestamp {
    token: SignedData,
    generation_time: u64,
    imprint_algorithm: HashAlgorithm,
    imprint: Vec<u8>,
    timestamped_signature: Vec<u8>,
}

/// The result of verifying a timestamp against a `dbt` certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimestampCheck {
    /// The token is signed, its imprint matches the signature and its signer chains to the anchor.
    Valid {
        /// `genTime` in seconds since 1970-01-01T00:00:00Z.
        generation_time: u64,
        /// The path from the timestamp signer to the anchor, DER certificates.
        path: Vec<Vec<u8>>,
    },
    /// `messageImprint` is not the hash of the signature it claims to time.
    ImprintMismatch,
    /// The token's signer check failed.
    Signer(SignerCheck),
    /// The token's signer does not chain to the anchor.
    Chain(ChainOutcome),
}

impl AuthenticodeSignature {
    /// Reads the RFC 3161 timestamps in the unsigned attribute `1.3.6.1.4.1.311.3.3.1` (at most 4).
    /// Legacy PKCS#9 countersignatures are not read: UEFI firmware ignores them.
    pub fn rfc3161_timestamps(&self) -> Result<Vec<Rfc3161Timestamp>, Error> {
        let values = self
            .signed_data
            .signer
            .unsigned_attributes
            .iter()
            .filter(|attribute| attribute.oid == OID_RFC3161_COUNTERSIGNATURE)
            .flat_map(|attribute| attribute.values.iter());

        let mut timestamps = Vec::new();
        for (der, offset) in values {
            if timestamps.len() >= MAX_TIMESTAMPS {
                return Err(Error::new(
                    ErrorKind::LimitExceeded { what: "timestamps", max: MAX_TIMESTAMPS },
                    "unsignedAttrs",
                    *offset,
                ));
            }
            timestamps.push(Rfc3161Timestamp::parse(der, *offset, self.signer_signature())?);
        }
        Ok(timestamps)
    }
}

impl Rfc3161Timestamp {
    fn parse(der: &[u8], offset: usize, timestamped_signature: &[u8]) -> Result<Self, Error> {
        let token = SignedData::parse(der, offset)?;
        if token.content_type != OID_TST_INFO {
            return Err(Error::invalid("EncapsulatedContentInfo", "eContentType", token.content_type_offset));
        }
        // CMS wraps the TSTInfo in an OCTET STRING (RFC 3161 section 2.4.2).
        if token.content_tag != tag::OCTET_STRING {
            return Err(Error::invalid("EncapsulatedContentInfo", "eContent", token.content_offset));
        }
        let (generation_time, imprint_algorithm, imprint) = parse_tst_info(&token.content, token.content_offset)?;
        Ok(Self {
            token,
            generation_time,
            imprint_algorithm,
            imprint,
            timestamped_signature: timestamped_signature.to_vec(),
        })
    }

    /// `genTime` in seconds since 1970-01-01T00:00:00Z (fractions of a second dropped). Not
    /// trustworthy before [`verify`](Self::verify) returns [`TimestampCheck::Valid`].
    pub const fn generation_time(&self) -> u64 {
        self.generation_time
    }

    /// The `messageImprint` algorithm and hash.
    pub fn message_imprint(&self) -> (HashAlgorithm, &[u8]) {
        (self.imprint_algorithm, &self.imprint)
    }

    /// Verifies the timestamp against `anchor_der`, a `dbt` certificate. The imprint must be the
    /// hash of the timed signature, with exactly the imprint's algorithm and length. The token's
    /// signer must verify, with content type `id-ct-TSTInfo`. Its certificate must chain to the
    /// anchor under the same UEFI rules as image signers.
    pub fn verify(&self, anchor_der: &[u8]) -> Result<TimestampCheck, Error> {
        // EDK2 compared the imprint only when the lengths matched; an exact comparison of the
        // whole value, length included, closes that gap.
        if self.imprint_algorithm.hash(&self.timestamped_signature).as_bytes() != self.imprint.as_slice() {
            return Ok(TimestampCheck::ImprintMismatch);
        }

        let signer = verify_signed_data(&self.token, OID_TST_INFO)?;
        if signer != SignerCheck::Valid {
            return Ok(TimestampCheck::Signer(signer));
        }
        let Some(certificate) = self.token.signer_certificate() else {
            return Ok(TimestampCheck::Signer(SignerCheck::SignerCertificateMissing));
        };
        match chain_certificates(&self.token.certificates, certificate, anchor_der)? {
            ChainOutcome::Chained(path) => Ok(TimestampCheck::Valid { generation_time: self.generation_time, path }),
            other => Ok(TimestampCheck::Chain(other)),
        }
    }
}

/// Reads `TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber, genTime, ... }`.
fn parse_tst_info(der: &[u8], offset: usize) -> Result<(u64, HashAlgorithm, Vec<u8>), Error> {
    let tst_info = tlv::single(der, offset, TST_INFO)?;
    if tst_info.tag != tag::SEQUENCE {
        return Err(Error::invalid(TST_INFO, "tag", offset));
    }
    let mut fields = tst_info.children(TST_INFO);
    fields.expect(tag::INTEGER, "version")?;
    fields.expect(tag::OBJECT_IDENTIFIER, "policy")?;

    let imprint = fields.expect(tag::SEQUENCE, "messageImprint")?;
    let mut imprint_fields = imprint.children("MessageImprint");
    let algorithm_element = imprint_fields.expect(tag::SEQUENCE, "hashAlgorithm")?;
    let algorithm = signed_data::algorithm_identifier(&algorithm_element, "MessageImprint")?;
    let algorithm = signed_data::hash_algorithm(&algorithm, "MessageImprint", algorithm_element.offset)?;
    let hashed = imprint_fields.expect(tag::OCTET_STRING, "hashedMessage")?;
    imprint_fields.finish()?;

    fields.expect(tag::INTEGER, "serialNumber")?;
    let time = fields.expect(tag::GENERALIZED_TIME, "genTime")?;
    let seconds = generalized_time(time.value).ok_or(Error::invalid(TST_INFO, "genTime", time.offset))?;
    // accuracy, ordering, nonce, tsa and extensions follow; none of them is used.
    let _: TlvReader<'_> = fields;

    Ok((seconds, algorithm, hashed.value.to_vec()))
}

/// Converts `YYYYMMDDHHMMSS[.f*]Z` (RFC 3161 section 2.4.2 allows a fraction) to Unix seconds.
fn generalized_time(text: &[u8]) -> Option<u64> {
    let (main, rest) = text.split_at_checked(14)?;
    let rest = rest.strip_suffix(b"Z")?;
    if let Some(fraction) = rest.strip_prefix(b".") {
        if fraction.is_empty() || !fraction.iter().all(u8::is_ascii_digit) {
            return None;
        }
    } else if !rest.is_empty() {
        return None;
    }

    let number = |range: core::ops::Range<usize>| -> Option<u64> {
        main.get(range)?.iter().try_fold(0u64, |value, &digit| {
            digit.is_ascii_digit().then_some(())?;
            value.checked_mul(10)?.checked_add(u64::from(digit.checked_sub(b'0')?))
        })
    };
    let (year, month, day) = (number(0..4)?, number(4..6)?, number(6..8)?);
    let (hour, minute, second) = (number(8..10)?, number(10..12)?, number(12..14)?);
    if !(1970..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }

    let days = days_from_civil(year, month, day)?;
    days.checked_mul(86_400)?
        .checked_add(hour.checked_mul(3600)?)?
        .checked_add(minute.checked_mul(60)?)?
        .checked_add(second)
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (year 1970 or later).
fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    const CUMULATIVE: [u64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let leap = |y: u64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    let mut days = 0u64;
    for y in 1970..year {
        days = days.checked_add(if leap(y) { 366 } else { 365 })?;
    }
    let month_index = usize::try_from(month.checked_sub(1)?).ok()?;
    days = days.checked_add(*CUMULATIVE.get(month_index)?)?;
    if month > 2 && leap(year) {
        days = days.checked_add(1)?;
    }
    days.checked_add(day.checked_sub(1)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generalized_time_epoch() {
        assert_eq!(generalized_time(b"19700101000000Z"), Some(0));
    }

    #[test]
    fn generalized_time_with_fraction() {
        // 2023-06-24T12:00:00Z is 1687608000 (date -u -d 2023-06-24T12:00:00Z +%s).
        assert_eq!(generalized_time(b"20230624120000.123Z"), Some(1_687_608_000));
    }

    #[test]
    fn generalized_time_leap_day() {
        // 2024-02-29T00:00:00Z is 1709164800 (date -u -d 2024-02-29 +%s).
        assert_eq!(generalized_time(b"20240229000000Z"), Some(1_709_164_800));
    }

    #[test]
    fn generalized_time_rejects_local_time() {
        assert_eq!(generalized_time(b"20240229000000"), None);
        assert_eq!(generalized_time(b"20240229000000+0100"), None);
    }
}
