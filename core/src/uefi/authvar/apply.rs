//! The rules of a time-based authenticated write to `PK`, `KEK`, `db`, `dbx`, `dbt` or `dbr`
//! (UEFI 2.10 sections 8.2.2 and 32.3), in EDK2's order and with EDK2's choices where the
//! specification leaves room. Entry point: [`apply_update`].
//!
//! Setup Mode: when no `PK` is enrolled, EDK2 (with its default `PcdRequireSelfSignedPk` off)
//! checks neither the signature nor the time stamp order. The update must still be a
//! well-formed descriptor: time-based attributes, zero time stamp fields, a
//! `WIN_CERTIFICATE_UEFI_GUID` header with the PKCS#7 `CertType`, and a valid payload. The
//! `CertData` is not decoded at all, so it may be empty.
//!
//! Not modelled: EDK2's `CustomMode` with physical presence (which also skips authentication),
//! `AuditMode` and `DeployedMode`, and the store's free space (see the store writers).

use alloc::vec::Vec;

use crate::error::Error;
use crate::uefi::guid::{EFI_CERT_TYPE_PKCS7, EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE, Guid};
use crate::uefi::sigdb::{SignatureDatabase, SignatureEntry};
use crate::uefi::siglist::{
    ParseOptions, SignatureList, build_signature_list, parse_signature_lists, parse_signature_lists_with,
};
use crate::uefi::time::EfiTime;

use super::descriptor::{VariableAuthentication2, WIN_CERT_REVISION_2_0, WIN_CERT_TYPE_EFI_GUID};
use super::verdict::{Authority, RefusalReason, UpdateVerdict};
use super::verify::{Required, check_signature, platform_key_certificate, signed_message};
use super::{
    EFI_VARIABLE_APPEND_WRITE, EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS, SECURE_BOOT_VARIABLE_ATTRIBUTES,
};

/// The stored state of the variable being written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VariableState<'a> {
    /// Stored attributes.
    pub attributes: u32,
    /// Stored time stamp, or `None` when the store does not record it (efivarfs).
    pub timestamp: Option<EfiTime>,
    /// Stored data: concatenated signature lists.
    pub data: &'a [u8],
}

/// The enrolled keys that authorize writes: the data of the `PK` and `KEK` variables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Authorities<'a> {
    /// `PK` data; `None` or empty means no `PK` is enrolled (Setup Mode).
    pub pk: Option<&'a [u8]>,
    /// `KEK` data; `None` means no `KEK`.
    pub kek: Option<&'a [u8]>,
}

/// The variables this module handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    PlatformKey,
    KeyExchangeKey,
    /// `db`, `dbx`, `dbt` or `dbr`.
    ImageSecurityDatabase,
}

fn classify(name: &str, guid: &Guid) -> Option<Target> {
    match (name, *guid) {
        ("PK", g) if g == EFI_GLOBAL_VARIABLE => Some(Target::PlatformKey),
        ("KEK", g) if g == EFI_GLOBAL_VARIABLE => Some(Target::KeyExchangeKey),
        ("db" | "dbx" | "dbt" | "dbr", g) if g == EFI_IMAGE_SECURITY_DATABASE => Some(Target::ImageSecurityDatabase),
        _ => None,
    }
}

/// Decides whether firmware accepts `SetVariable(name, guid, attributes, update)` and computes
/// the variable afterwards. `current` is the stored variable (`None` when absent), `update` the
/// `Data` argument: an `EFI_VARIABLE_AUTHENTICATION_2` descriptor followed by the payload.
///
/// Rules, in order:
/// 1. The variable is `PK`/`KEK` under `EFI_GLOBAL_VARIABLE` or `db`/`dbx`/`dbt`/`dbr` under
///    `EFI_IMAGE_SECURITY_DATABASE_GUID`; the attributes are 0x27, optionally with
///    `APPEND_WRITE` (not for `PK`), and equal the stored ones.
/// 2. The descriptor: zero `Pad1`, `Nanosecond`, `TimeZone`, `Daylight`, `Pad2`; `wRevision`
///    0x0200, `wCertificateType` 0x0EF1, `CertType` `EFI_CERT_TYPE_PKCS7_GUID`.
/// 3. The payload: strict signature lists, no entry twice, and for `PK` one `EFI_CERT_X509` entry
///    or nothing.
/// 4. In User Mode, the signature over [`signed_message`](super::signed_message) and the
///    authority (see the `verify` module); in Setup Mode neither is checked.
/// 5. In User Mode, a write without `APPEND_WRITE` needs a time stamp later than the stored one
///    (compared by year to second); an append keeps the later of the two.
/// 6. An empty payload without `APPEND_WRITE` deletes the variable; an empty append changes
///    nothing. An append to a signature database skips entries already present (same type,
///    owner and data) and adds the remaining ones as new lists after the stored data, as EDK2's
///    `FilterSignatureList` does.
///
/// Stricter than EDK2: a payload that contains the same entry twice is refused.
///
/// Returns `Err` when the descriptor's framing or its PKCS#7 cannot be decoded, or when the
/// stored data of an appended variable is not a sequence of signature lists.
pub fn apply_update(
    current: Option<&VariableState<'_>>,
    name: &str,
    guid: &Guid,
    attributes: u32,
    update: &[u8],
    authorities: &Authorities<'_>,
) -> Result<UpdateVerdict, Error> {
    let refuse = |reason| Ok(UpdateVerdict::Refused { reason });

    // Rule 1: variable and attributes.
    let Some(target) = classify(name, guid) else {
        return refuse(RefusalReason::UnsupportedVariable);
    };
    if attributes & EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS == 0 {
        return refuse(RefusalReason::NotTimeBased);
    }
    let append = attributes & EFI_VARIABLE_APPEND_WRITE != 0;
    let stored_attributes = attributes & !EFI_VARIABLE_APPEND_WRITE;
    if stored_attributes != SECURE_BOOT_VARIABLE_ATTRIBUTES || (append && target == Target::PlatformKey) {
        return refuse(RefusalReason::InvalidAttributes);
    }
    if current.is_some_and(|state| state.attributes != stored_attributes) {
        return refuse(RefusalReason::AttributesMismatch);
    }

    // Rule 2: the descriptor.
    let descriptor = VariableAuthentication2::parse(update)?;
    if descriptor.timestamp.validate_authenticated().is_err() {
        return refuse(RefusalReason::InvalidTimestamp);
    }
    if descriptor.revision != WIN_CERT_REVISION_2_0 || descriptor.certificate_type != WIN_CERT_TYPE_EFI_GUID {
        return refuse(RefusalReason::InvalidWinCertificate);
    }
    if descriptor.cert_type != EFI_CERT_TYPE_PKCS7 {
        return refuse(RefusalReason::UnsupportedCertType);
    }

    // Rule 3: the payload.
    let payload = descriptor.payload;
    let lists = match parse_signature_lists(payload, descriptor.payload_offset) {
        Ok(lists) => lists,
        Err(error) => return refuse(RefusalReason::InvalidSignatureList(error)),
    };
    let mut payload_entries = SignatureDatabase::new();
    for list in &lists {
        if payload_entries.append_list(list) != list.len() {
            return refuse(RefusalReason::DuplicateEntry);
        }
    }
    if target == Target::PlatformKey && !payload.is_empty() && platform_key_certificate(&payload_entries).is_none() {
        return refuse(RefusalReason::InvalidPlatformKey);
    }

    // Rule 4: signature and authority, in User Mode only.
    let pk = authorities.pk.filter(|data| !data.is_empty());
    let authority = match pk {
        None => Authority::SetupMode,
        Some(pk_data) => {
            let pk_database = lenient_database(pk_data).unwrap_or_default();
            let pk_certificate = platform_key_certificate(&pk_database).map(|entry| entry.data.as_slice());
            let kek = authorities.kek.map(lenient_database).transpose()?.unwrap_or_default();
            let required = match target {
                Target::PlatformKey | Target::KeyExchangeKey => Required::PlatformKey,
                Target::ImageSecurityDatabase => Required::KeyExchangeKeyOrPlatformKey,
            };
            let message = signed_message(name, guid, attributes, &descriptor.timestamp_bytes, payload);
            match check_signature(
                descriptor.cert_data,
                descriptor.cert_data_offset,
                &message,
                required,
                pk_certificate.unwrap_or_default(),
                &kek,
            )? {
                Ok(authority) => authority,
                Err(reason) => return refuse(reason),
            }
        }
    };

    // Rule 5: time stamps, in User Mode only.
    let new_timestamp = descriptor.timestamp;
    let stored_timestamp = current.and_then(|state| state.timestamp);
    if !append && pk.is_some() && current.is_some() {
        match stored_timestamp {
            None => return refuse(RefusalReason::StoredTimestampUnknown),
            Some(stored) if new_timestamp.compare_fields(&stored).is_le() => {
                return refuse(RefusalReason::StaleTimestamp);
            }
            Some(_) => {}
        }
    }

    // Rule 6: the new value.
    let stored_data = current.map(|state| state.data).unwrap_or_default();
    let stored = lenient_database(stored_data)?;
    let entries_before = stored.len();
    let accepted = |new_data: Vec<u8>, entries_after: usize, timestamp: EfiTime, deleted: bool| {
        Ok(UpdateVerdict::Accepted {
            entries_before,
            entries_after,
            new_data,
            new_timestamp: timestamp,
            new_attributes: stored_attributes,
            deleted,
            authority: authority.clone(),
        })
    };

    if !append {
        if payload.is_empty() {
            if current.is_none() {
                return refuse(RefusalReason::VariableNotFound);
            }
            return accepted(Vec::new(), 0, new_timestamp, true);
        }
        return accepted(payload.to_vec(), payload_entries.len(), new_timestamp, false);
    }

    // An append keeps the later time stamp, so an old signed update cannot roll it back.
    let timestamp = match stored_timestamp {
        Some(stored) if current.is_some() && stored.compare_fields(&new_timestamp).is_ge() => stored,
        _ => new_timestamp,
    };
    if payload.is_empty() {
        return match current {
            Some(state) => accepted(state.data.to_vec(), entries_before, stored_timestamp.unwrap_or(timestamp), false),
            // NOTE: firmware returns success here without creating the variable; this reports
            // it as not found because an accepted verdict would make callers store an empty value.
            None => refuse(RefusalReason::VariableNotFound),
        };
    }
    let mut new_data = stored_data.to_vec();
    let mut entries_after = entries_before;
    for list in &lists {
        let (bytes, added) = filtered_list(list, &stored)?;
        new_data.extend_from_slice(&bytes);
        entries_after = entries_after.saturating_add(added);
    }
    accepted(new_data, entries_after, timestamp, false)
}

/// Reads stored signature lists, accepting types UEFI does not define, as firmware stores
/// whatever a past write put there.
fn lenient_database(data: &[u8]) -> Result<SignatureDatabase, Error> {
    let mut database = SignatureDatabase::new();
    for list in parse_signature_lists_with(data, 0, &ParseOptions { allow_unknown_types: true })? {
        database.add_list(&list);
    }
    Ok(database)
}

/// Rebuilds `list` without the entries that `stored` already contains. Returns the encoded list
/// (empty when every entry was present) and the number of entries kept.
fn filtered_list(list: &SignatureList<'_>, stored: &SignatureDatabase) -> Result<(Vec<u8>, usize), Error> {
    let kept: Vec<(Guid, &[u8])> = list
        .entries()
        .filter(|entry| {
            let candidate =
                SignatureEntry { signature_type: list.signature_type, owner: entry.owner, data: entry.data.to_vec() };
            !stored.contains_entry(&candidate)
        })
        .map(|entry| (entry.owner, entry.data))
        .collect();
    if kept.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let count = kept.len();
    Ok((build_signature_list(list.signature_type, &kept)?, count))
}
