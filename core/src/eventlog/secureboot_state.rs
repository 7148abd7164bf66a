//! The Secure Boot state recorded in PCR 7 (TCG PC Client PFP 1.05, sections 3.3.4.8 and
//! 10.4.4). Firmware measures the `SecureBoot`, `PK`, `KEK`, `db` and `dbx` variables before the
//! separator. It measures the `db` entries (authorities) that allowed drivers before the
//! separator, and those that allowed boot applications after it.
//!
//! Entry point: [`SecureBootState::from_events`]. The rules are those of go-attestation's
//! reference algorithm:
//! 1. PCR 7 holds only separators, EFI actions, variable and authority events.
//! 2. There is exactly one separator; its data is `00000000` and its digest matches.
//! 3. Each configuration variable appears at most once, before the separator, with a digest
//!    that matches its data.
//! 4. `SecureBoot` holds exactly one byte; Secure Boot is enabled when it is 1.
//! 5. The EFI action `"UEFI Debug Mode"` fails the state, `"DMA Protection Disabled"` is
//!    reported, any other action fails.
//! 6. When Secure Boot is enabled, `PK`, `KEK` and `db` are non-empty and at least one
//!    authority was measured.

use alloc::vec::Vec;

use crate::error::{Error, ErrorKind};
use crate::eventlog::claims::{VerifiedEvents, require_digest_match};
use crate::eventlog::data::{EventData, Separator, Utf16Str, VariableData};
use crate::eventlog::event_type::EventType;
use crate::eventlog::replay::{DigestCheck, Quirk};
use crate::reader::Reader;
use crate::uefi::guid::{EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE, Guid, SHIM_LOCK};

/// Maximum number of signature entries walked in one variable.
pub const MAX_SIGNATURE_ENTRIES: usize = 65_536;

/// A variable measured in PCR 7.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeasuredVariable<'a> {
    /// Index of the event.
    pub event_index: usize,
    /// The decoded `UEFI_VARIABLE_DATA`.
    pub variable: VariableData<'a>,
    /// The quirk under which the digest matched, if any.
    pub quirk: Option<Quirk>,
}

impl MeasuredVariable<'_> {
    /// Whether the variable is `vendor`:`name`.
    pub fn is(&self, vendor: Guid, name: &str) -> bool {
        self.variable.vendor == vendor && self.variable.name.eq_str(name)
    }
}

/// The content kind of an `EV_EFI_VARIABLE_AUTHORITY` event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorityKind {
    /// An `EFI_SIGNATURE_DATA` of a signature database (`db`, or shim's `MokList` and vendor
    /// certificate): the entry that verified an image.
    Signature,
    /// shim's `SbatLevel` variable: not a certificate.
    SbatLevel,
    /// shim's `MokListTrusted` setting: not a certificate.
    MokListTrusted,
}

/// An authority: the database entry that allowed an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Authority<'a> {
    /// Index of the event.
    pub event_index: usize,
    /// The decoded `UEFI_VARIABLE_DATA` (its name is the database, such as `db` or `Shim`).
    pub variable: VariableData<'a>,
    /// The content kind.
    pub kind: AuthorityKind,
    /// The quirk under which the digest matched, if any.
    pub quirk: Option<Quirk>,
}

impl<'a> Authority<'a> {
    /// The `SignatureOwner` and `SignatureData` of an `EFI_SIGNATURE_DATA` authority from
    /// `db`. shim measures its vendor certificate and `MokList` entries without an owner.
    pub fn signature(&self) -> Option<(Guid, &'a [u8])> {
        if self.kind != AuthorityKind::Signature || self.variable.vendor != EFI_IMAGE_SECURITY_DATABASE {
            return None;
        }
        let owner: [u8; 16] = self.variable.data.get(..16)?.try_into().ok()?;
        Some((Guid::from_bytes(owner), self.variable.data.get(16..)?))
    }
}

/// The Secure Boot state of a verified PCR 7.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecureBootState<'a> {
    /// `SecureBoot` is 1.
    pub enabled: bool,
    /// Every configuration variable, in log order.
    pub variables: Vec<MeasuredVariable<'a>>,
    /// Authorities measured before the separator (drivers, option ROMs).
    pub pre_separator_authorities: Vec<Authority<'a>>,
    /// Authorities measured after the separator (boot applications).
    pub post_separator_authorities: Vec<Authority<'a>>,
    /// The EFI action `"DMA Protection Disabled"` was measured.
    pub dma_protection_disabled: bool,
}

const STRUCTURE: &str = "PCR 7 event";

fn event_error(field: &'static str, offset: usize) -> Error {
    Error::invalid(STRUCTURE, field, offset)
}

impl<'a> SecureBootState<'a> {
    /// Reads the state from the verified PCR 7 events; `Ok(None)` when PCR 7 is not verified.
    /// An `Err` names the event that breaks a rule of the module documentation.
    pub fn from_events(events: &VerifiedEvents<'_, 'a>) -> Result<Option<Self>, Error> {
        if !events.is_verified(7) {
            return Ok(None);
        }
        let mut state = Self {
            enabled: false,
            variables: Vec::new(),
            pre_separator_authorities: Vec::new(),
            post_separator_authorities: Vec::new(),
            dma_protection_disabled: false,
        };
        let mut separator_seen = false;
        for event in events.events_of(7) {
            match event.event_type {
                EventType::EV_SEPARATOR => {
                    if separator_seen {
                        return Err(event_error("duplicate EV_SEPARATOR", event.offset));
                    }
                    if EventData::decode(event)? != EventData::Separator(Separator::Normal) {
                        return Err(event_error("EV_SEPARATOR data", event.data_offset));
                    }
                    require_digest_match(event, "EV_SEPARATOR")?;
                    separator_seen = true;
                }
                EventType::EV_EFI_ACTION => match event.data {
                    b"DMA Protection Disabled" => {
                        require_digest_match(event, "EV_EFI_ACTION")?;
                        state.dma_protection_disabled = true;
                    }
                    b"UEFI Debug Mode" => return Err(event_error("EV_EFI_ACTION UEFI Debug Mode", event.offset)),
                    _ => return Err(event_error("EV_EFI_ACTION", event.offset)),
                },
                EventType::EV_EFI_VARIABLE_DRIVER_CONFIG => {
                    if separator_seen {
                        return Err(event_error("EV_EFI_VARIABLE_DRIVER_CONFIG after EV_SEPARATOR", event.offset));
                    }
                    let quirk = quirk_of(require_digest_match(event, "EV_EFI_VARIABLE_DRIVER_CONFIG")?);
                    let EventData::Variable(variable) = event.decode()? else {
                        return Err(event_error("UEFI_VARIABLE_DATA", event.data_offset));
                    };
                    let measured = MeasuredVariable { event_index: event.index, variable, quirk };
                    if state
                        .variables
                        .iter()
                        .any(|seen| seen.variable.vendor == variable.vendor && seen.variable.name == variable.name)
                    {
                        return Err(event_error("duplicate variable", event.offset));
                    }
                    if measured.is(EFI_GLOBAL_VARIABLE, "SecureBoot") {
                        match variable.data {
                            [value] => state.enabled = *value == 1,
                            _ => return Err(event_error("SecureBoot", variable.data_offset)),
                        }
                    }
                    state.variables.push(measured);
                }
                EventType::EV_EFI_VARIABLE_AUTHORITY => {
                    let quirk = quirk_of(require_digest_match(event, "EV_EFI_VARIABLE_AUTHORITY")?);
                    let EventData::Variable(variable) = event.decode()? else {
                        return Err(event_error("UEFI_VARIABLE_DATA", event.data_offset));
                    };
                    let kind = authority_kind(&variable);
                    let authority = Authority { event_index: event.index, variable, kind, quirk };
                    if separator_seen {
                        state.post_separator_authorities.push(authority);
                    } else {
                        state.pre_separator_authorities.push(authority);
                    }
                }
                _ => return Err(event_error("eventType", event.offset.saturating_add(4))),
            }
        }
        if !separator_seen {
            return Err(Error::new(ErrorKind::InvalidField { field: "missing EV_SEPARATOR" }, STRUCTURE, 0));
        }
        if state.enabled {
            state.check_enabled_requirements()?;
        }
        Ok(Some(state))
    }

    fn check_enabled_requirements(&self) -> Result<(), Error> {
        for (vendor, name, field) in [
            (EFI_GLOBAL_VARIABLE, "PK", "PK is empty"),
            (EFI_GLOBAL_VARIABLE, "KEK", "KEK is empty"),
            (EFI_IMAGE_SECURITY_DATABASE, "db", "db is empty"),
        ] {
            if self.variable(vendor, name).is_none_or(|variable| variable.variable.data.is_empty()) {
                return Err(Error::new(ErrorKind::InvalidField { field }, STRUCTURE, 0));
            }
        }
        if self.pre_separator_authorities.is_empty() && self.post_separator_authorities.is_empty() {
            return Err(Error::new(ErrorKind::InvalidField { field: "no EV_EFI_VARIABLE_AUTHORITY" }, STRUCTURE, 0));
        }
        Ok(())
    }

    /// The measured variable `vendor`:`name`.
    pub fn variable(&self, vendor: Guid, name: &str) -> Option<&MeasuredVariable<'a>> {
        self.variables.iter().find(|variable| variable.is(vendor, name))
    }

    /// The data of `PK`, `KEK` (global variables), `db`, `dbx` or `dbt` (image security
    /// database variables).
    pub fn database(&self, name: &str) -> Option<&'a [u8]> {
        let vendor = if matches!(name, "PK" | "KEK") { EFI_GLOBAL_VARIABLE } else { EFI_IMAGE_SECURITY_DATABASE };
        self.variable(vendor, name).map(|variable| variable.variable.data)
    }
}

fn quirk_of(check: DigestCheck) -> Option<Quirk> {
    match check {
        DigestCheck::MatchesWithQuirk(quirk) => Some(quirk),
        _ => None,
    }
}

fn authority_kind(variable: &VariableData<'_>) -> AuthorityKind {
    let name: Utf16Str<'_> = variable.name;
    if variable.vendor == SHIM_LOCK && name.eq_str("SbatLevel") {
        AuthorityKind::SbatLevel
    } else if variable.vendor == SHIM_LOCK && name.eq_str("MokListTrusted") {
        AuthorityKind::MokListTrusted
    } else {
        AuthorityKind::Signature
    }
}

/// One `EFI_SIGNATURE_DATA` of a measured signature database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignatureEntry<'a> {
    /// `SignatureType` of the list (`EFI_CERT_X509_GUID`, `EFI_CERT_SHA256_GUID`, …).
    pub signature_type: Guid,
    /// `SignatureOwner`.
    pub owner: Guid,
    /// `SignatureData`: a DER certificate or a hash.
    pub data: &'a [u8],
}

/// Walks the `EFI_SIGNATURE_LIST`s of a measured `PK`, `KEK`, `db` or `dbx` (UEFI 2.10,
/// section 32.4.1). This is a reporting view for the event log; the full parser with its
/// checks is [`crate::uefi::siglist`].
pub fn signature_entries(database: &[u8]) -> Result<Vec<SignatureEntry<'_>>, Error> {
    const LIST: &str = "EFI_SIGNATURE_LIST";
    let mut reader = Reader::new(database, 0, LIST);
    let mut entries = Vec::new();
    while !reader.is_empty() {
        let list_offset = reader.offset();
        let signature_type = Guid::from_bytes(reader.array()?);
        let list_size = usize::try_from(reader.u32_le()?).unwrap_or(usize::MAX);
        let header_size = usize::try_from(reader.u32_le()?).unwrap_or(usize::MAX);
        let size_offset = reader.offset();
        let signature_size = usize::try_from(reader.u32_le()?).unwrap_or(usize::MAX);
        let body_size = list_size.checked_sub(28).ok_or(Error::invalid(LIST, "SignatureListSize", list_offset))?;
        let body = reader.bytes(body_size)?;
        let signatures = body.get(header_size..).ok_or(Error::invalid(LIST, "SignatureHeaderSize", list_offset))?;
        if signature_size < 16 || signatures.len().checked_rem(signature_size) != Some(0) {
            return Err(Error::invalid(LIST, "SignatureSize", size_offset));
        }
        for signature in signatures.chunks_exact(signature_size) {
            if entries.len() >= MAX_SIGNATURE_ENTRIES {
                return Err(Error::new(
                    ErrorKind::LimitExceeded { what: "signature entries", max: MAX_SIGNATURE_ENTRIES },
                    LIST,
                    list_offset,
                ));
            }
            let (owner, data) =
                signature.split_at_checked(16).ok_or(Error::invalid(LIST, "SignatureSize", size_offset))?;
            let owner: [u8; 16] = owner.try_into().map_err(|_| Error::invalid(LIST, "SignatureSize", size_offset))?;
            entries.push(SignatureEntry { signature_type, owner: Guid::from_bytes(owner), data });
        }
    }
    Ok(entries)
}
