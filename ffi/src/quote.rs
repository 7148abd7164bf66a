//! TPM 2.0 quote verification: attestation-key, PCR-selection and PCR-value handles, and
//! `tl_verify_quote`.

use core::ffi::c_char;

use trusted_launch::digest::{Digest, HashAlgorithm};
use trusted_launch::tpm::attestation_key::{AttestationKey, Hierarchy};
use trusted_launch::tpm::pcr_values::PcrValues;
use trusted_launch::tpm::quote::{QuoteOptions, QuoteVerdict, VerifiedQuote, verify_quote_with_options};
use trusted_launch::tpm::selection::{PcrSelection, PcrSelectionList};

use crate::{guarded, input, input_error, null_argument, tl_hash_algorithm, tl_status};

/// Flag for `tl_verify_quote`: accept signatures over SHA-1.
pub const TL_QUOTE_ALLOW_SHA1: u32 = 1;
/// Flag for `tl_verify_quote`: accept a key not shown to be restricted, sign and fixedTPM (every
/// key read from a SubjectPublicKeyInfo). Such a key can sign a forged quote.
pub const TL_QUOTE_DANGER_ACCEPT_UNRESTRICTED_KEY: u32 = 2;

/// The hierarchy of an attestation key, which decides whether resetCount, restartCount and
/// firmwareVersion of its quotes are real or obfuscated.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tl_hierarchy {
    /// Not known (the default).
    Unknown = 0,
    /// The endorsement hierarchy (an AK made by `tpm2_createak`).
    Endorsement = 1,
    /// The platform hierarchy.
    Platform = 2,
    /// The owner hierarchy (for example the Windows PCP AK).
    Owner = 3,
    /// The null hierarchy.
    Null = 4,
}

/// Whether the counters of a verified quote are real.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tl_obfuscation {
    /// The key's hierarchy was not given; the counters may be obfuscated.
    Unknown = 0,
    /// The key is in the endorsement or platform hierarchy: the counters are real.
    NotApplied = 1,
    /// The key is in the owner or null hierarchy: the counters are obfuscated.
    Applied = 2,
}

/// An attestation key.
pub struct tl_attestation_key {
    pub(crate) key: AttestationKey,
}

/// A PCR selection: banks in order, each with a set of PCRs.
pub struct tl_pcr_selection {
    selection: PcrSelectionList,
}

/// PCR values by bank and index.
pub struct tl_pcr_values {
    pub(crate) values: PcrValues,
}

/// The verdict on one quote.
pub struct tl_quote_verdict {
    verdict: QuoteVerdict,
    reason: std::ffi::CString,
    detail: std::ffi::CString,
}

/// The clock and counters of a verified quote.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tl_quote_clock {
    /// `clockInfo.clock`: milliseconds the TPM has been powered since it was cleared.
    pub clock: u64,
    /// `clockInfo.resetCount`.
    pub reset_count: u32,
    /// `clockInfo.restartCount`.
    pub restart_count: u32,
    /// `clockInfo.safe`.
    pub safe: bool,
    /// `firmwareVersion`.
    pub firmware_version: u64,
    /// Whether `reset_count`, `restart_count` and `firmware_version` are obfuscated.
    pub obfuscation: tl_obfuscation,
}

fn hash_algorithm(value: u32) -> Result<HashAlgorithm, (tl_status, String)> {
    match value {
        v if v == tl_hash_algorithm::Sha1 as u32 => Ok(HashAlgorithm::Sha1),
        v if v == tl_hash_algorithm::Sha256 as u32 => Ok(HashAlgorithm::Sha256),
        v if v == tl_hash_algorithm::Sha384 as u32 => Ok(HashAlgorithm::Sha384),
        v if v == tl_hash_algorithm::Sha512 as u32 => Ok(HashAlgorithm::Sha512),
        _ => Err((tl_status::InvalidArgument, format!("unknown hash algorithm {value}"))),
    }
}

/// Reads an attestation key from a TPM2B_PUBLIC or TPMT_PUBLIC (`tpm2_createak -u`), else a PEM
/// or DER SubjectPublicKeyInfo. A SubjectPublicKeyInfo does not show that the key is restricted,
/// so its quotes are refused unless `TL_QUOTE_DANGER_ACCEPT_UNRESTRICTED_KEY` is set. On success
/// `*out` owns a key to release with `tl_attestation_key_free`.
///
/// # Safety
/// `data` is valid for `length` bytes; `out` is valid; `message` is NULL or valid for
/// `message_capacity` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_attestation_key_new(
    data: *const u8,
    length: usize,
    out: *mut *mut tl_attestation_key,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        if out.is_null() {
            return Err(null_argument("out"));
        }
        // SAFETY: forwarded from this function's contract.
        let bytes = unsafe { input(data, length) }.ok_or_else(|| null_argument("data"))?;
        let key = match AttestationKey::from_tpm_public(bytes) {
            Ok(key) => key,
            Err(tpm_error) => match std::str::from_utf8(bytes) {
                Ok(text) if text.contains("-----BEGIN") => {
                    AttestationKey::from_spki_pem(text).map_err(|error| input_error("attestation key", &error))?
                }
                _ => AttestationKey::from_spki_der(bytes).map_err(|_| input_error("attestation key", &tpm_error))?,
            },
        };
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { *out = Box::into_raw(Box::new(tl_attestation_key { key })) };
        Ok(())
    })
}

/// Records the key's hierarchy (a `tl_hierarchy` value).
///
/// # Safety
/// `key` is a live handle or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_attestation_key_set_hierarchy(key: *mut tl_attestation_key, hierarchy: u32) -> tl_status {
    guarded(core::ptr::null_mut(), 0, || {
        // SAFETY: the caller passes a live handle or NULL.
        let handle = unsafe { key.as_mut() }.ok_or_else(|| null_argument("key"))?;
        let hierarchy = match hierarchy {
            0 => Hierarchy::Unknown,
            1 => Hierarchy::Endorsement,
            2 => Hierarchy::Platform,
            3 => Hierarchy::Owner,
            4 => Hierarchy::Null,
            _ => return Err((tl_status::InvalidArgument, format!("unknown hierarchy {hierarchy}"))),
        };
        handle.key = handle.key.clone().with_hierarchy(hierarchy);
        Ok(())
    })
}

/// Copies the key's `objectAttributes` into `*attributes` and returns true, or returns false
/// when they are unknown (a SubjectPublicKeyInfo key) or an argument is NULL.
///
/// # Safety
/// `key` is NULL or a live handle; `attributes` is NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_attestation_key_object_attributes(
    key: *const tl_attestation_key,
    attributes: *mut u32,
) -> bool {
    // SAFETY: the caller passes a live handle or NULL.
    let Some(attributes_value) = (unsafe { key.as_ref() }).and_then(|key| key.key.object_attributes()) else {
        return false;
    };
    if attributes.is_null() {
        return false;
    }
    // SAFETY: `attributes` was checked non-NULL and the caller guarantees it is writable.
    unsafe { *attributes = attributes_value.0 };
    true
}

/// Releases a key. NULL is ignored.
///
/// # Safety
/// `key` is NULL or a handle from `tl_attestation_key_new` not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_attestation_key_free(key: *mut tl_attestation_key) {
    // SAFETY: forwarded from this function's contract.
    unsafe { crate::free_handle(key) }
}

/// Creates an empty PCR selection; release it with `tl_pcr_selection_free`.
#[unsafe(no_mangle)]
pub extern "C" fn tl_pcr_selection_new() -> *mut tl_pcr_selection {
    Box::into_raw(Box::new(tl_pcr_selection { selection: PcrSelectionList::new() }))
}

/// Appends a bank (a `tl_hash_algorithm` value) with the PCRs whose bits are set in `pcr_mask`
/// (bit i selects PCR i). Banks are quoted in the order they are added.
///
/// # Safety
/// `selection` is a live handle or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_pcr_selection_add(
    selection: *mut tl_pcr_selection,
    algorithm: u32,
    pcr_mask: u32,
) -> tl_status {
    guarded(core::ptr::null_mut(), 0, || {
        // SAFETY: the caller passes a live handle or NULL.
        let handle = unsafe { selection.as_mut() }.ok_or_else(|| null_argument("selection"))?;
        let bank = hash_algorithm(algorithm)?;
        let pcrs = (0..32u32).filter(|index| 1u32.checked_shl(*index).is_some_and(|bit| pcr_mask & bit != 0));
        let entry =
            PcrSelection::new(bank, pcrs).ok_or((tl_status::InvalidArgument, "PCR index above 31".to_owned()))?;
        handle.selection.push(entry).map_err(|error| (tl_status::InvalidArgument, error.to_string()))
    })
}

/// Releases a selection. NULL is ignored.
///
/// # Safety
/// `selection` is NULL or a handle from `tl_pcr_selection_new` not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_pcr_selection_free(selection: *mut tl_pcr_selection) {
    // SAFETY: forwarded from this function's contract.
    unsafe { crate::free_handle(selection) }
}

/// Creates an empty set of PCR values; release it with `tl_pcr_values_free`.
#[unsafe(no_mangle)]
pub extern "C" fn tl_pcr_values_new() -> *mut tl_pcr_values {
    Box::into_raw(Box::new(tl_pcr_values { values: PcrValues::new() }))
}

/// Sets PCR `index` of a bank (a `tl_hash_algorithm` value) to `value`, which must be as long as
/// the bank's digest.
///
/// # Safety
/// `values` is a live handle or NULL; `value` is valid for `value_length` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_pcr_values_set(
    values: *mut tl_pcr_values,
    algorithm: u32,
    index: u32,
    value: *const u8,
    value_length: usize,
) -> tl_status {
    guarded(core::ptr::null_mut(), 0, || {
        // SAFETY: the caller passes a live handle or NULL.
        let handle = unsafe { values.as_mut() }.ok_or_else(|| null_argument("values"))?;
        let bank = hash_algorithm(algorithm)?;
        // SAFETY: forwarded from this function's contract.
        let bytes = unsafe { input(value, value_length) }.ok_or_else(|| null_argument("value"))?;
        let digest = Digest::new(bank, bytes).ok_or_else(|| {
            (tl_status::InvalidArgument, format!("a {bank} value has {} bytes, not {value_length}", bank.output_size()))
        })?;
        handle.values.insert(index, digest);
        Ok(())
    })
}

/// Releases a set of PCR values. NULL is ignored.
///
/// # Safety
/// `values` is NULL or a handle from `tl_pcr_values_new` not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_pcr_values_free(values: *mut tl_pcr_values) {
    // SAFETY: forwarded from this function's contract.
    unsafe { crate::free_handle(values) }
}

/// Verifies a quote. `attest` is the TPMS_ATTEST (`tpm2_quote -m`) and `signature` the
/// TPMT_SIGNATURE (`tpm2_quote -s`). `nonce` is the qualifying data sent to the TPM (NULL with
/// length 0 for none), `selection` the PCRs requested, and `values` the PCR values held (NULL to
/// skip the pcrDigest comparison). `flags` combines `TL_QUOTE_*`.
///
/// Returns `TL_STATUS_OK` with a verdict in `*out` (release with `tl_quote_verdict_free`)
/// whether the quote is valid or refused; an error status only when a structure cannot be read.
///
/// # Safety
/// `key` and `selection` are live handles; `values` is NULL or a live handle; the buffers are
/// valid for their lengths; `out` is valid; `message` is NULL or valid for `message_capacity`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_verify_quote(
    key: *const tl_attestation_key,
    attest: *const u8,
    attest_length: usize,
    signature: *const u8,
    signature_length: usize,
    nonce: *const u8,
    nonce_length: usize,
    selection: *const tl_pcr_selection,
    values: *const tl_pcr_values,
    flags: u32,
    out: *mut *mut tl_quote_verdict,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        // SAFETY: the caller passes live handles or NULL.
        let key = unsafe { key.as_ref() }.ok_or_else(|| null_argument("key"))?;
        // SAFETY: as above.
        let selection = unsafe { selection.as_ref() }.ok_or_else(|| null_argument("selection"))?;
        // SAFETY: as above; NULL means no values.
        let values = unsafe { values.as_ref() }.map(|handle| &handle.values);
        if out.is_null() {
            return Err(null_argument("out"));
        }
        // SAFETY: forwarded from this function's contract.
        let attest = unsafe { input(attest, attest_length) }.ok_or_else(|| null_argument("attest"))?;
        // SAFETY: as above.
        let signature = unsafe { input(signature, signature_length) }.ok_or_else(|| null_argument("signature"))?;
        // SAFETY: as above.
        let nonce = unsafe { input(nonce, nonce_length) }.ok_or_else(|| null_argument("nonce"))?;
        if flags & !(TL_QUOTE_ALLOW_SHA1 | TL_QUOTE_DANGER_ACCEPT_UNRESTRICTED_KEY) != 0 {
            return Err((tl_status::InvalidArgument, format!("unknown flags {flags:#x}")));
        }
        let options = QuoteOptions {
            allow_sha1: flags & TL_QUOTE_ALLOW_SHA1 != 0,
            danger_accept_unrestricted_key: flags & TL_QUOTE_DANGER_ACCEPT_UNRESTRICTED_KEY != 0,
        };

        let verdict =
            verify_quote_with_options(&options, &key.key, attest, signature, nonce, &selection.selection, values)
                .map_err(|error| input_error("quote", &error))?;
        let detail = match &verdict {
            QuoteVerdict::Valid(_) => "the quote is genuine, fresh and over the requested PCRs".to_owned(),
            QuoteVerdict::Refused(refusal) => refusal.to_string(),
        };
        let handle = tl_quote_verdict {
            reason: std::ffi::CString::new(verdict.code()).unwrap_or_default(),
            detail: std::ffi::CString::new(detail.replace('\0', " ")).unwrap_or_default(),
            verdict,
        };
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { *out = Box::into_raw(Box::new(handle)) };
        Ok(())
    })
}

fn verified<'a>(verdict: *const tl_quote_verdict) -> Option<&'a VerifiedQuote> {
    // SAFETY: every caller passes a live handle or NULL, as its own contract requires.
    match unsafe { verdict.as_ref() }.map(|handle| &handle.verdict) {
        Some(QuoteVerdict::Valid(quote)) => Some(quote),
        _ => None,
    }
}

/// Whether the quote is valid. False for NULL.
///
/// # Safety
/// `verdict` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_quote_verdict_is_valid(verdict: *const tl_quote_verdict) -> bool {
    verified(verdict).is_some()
}

/// The stable reason code: `"valid"` or a refusal code such as `"nonce_mismatch"`. The string
/// lives as long as the verdict. NULL for a NULL verdict.
///
/// # Safety
/// `verdict` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_quote_verdict_reason(verdict: *const tl_quote_verdict) -> *const c_char {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { verdict.as_ref() }.map_or(core::ptr::null(), |verdict| verdict.reason.as_ptr())
}

/// A sentence explaining the verdict. The string lives as long as the verdict.
///
/// # Safety
/// `verdict` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_quote_verdict_detail(verdict: *const tl_quote_verdict) -> *const c_char {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { verdict.as_ref() }.map_or(core::ptr::null(), |verdict| verdict.detail.as_ptr())
}

/// For a valid quote, writes its clock and counters into `*clock` and returns true; returns
/// false, writing nothing, for a refused quote.
///
/// # Safety
/// `verdict` is NULL or a live handle; `clock` is NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_quote_verdict_clock(verdict: *const tl_quote_verdict, clock: *mut tl_quote_clock) -> bool {
    use trusted_launch::tpm::quote::Obfuscation;

    let Some(quote) = verified(verdict) else { return false };
    if clock.is_null() {
        return false;
    }
    let obfuscation = match quote.obfuscation {
        Obfuscation::NotApplied => tl_obfuscation::NotApplied,
        Obfuscation::Applied => tl_obfuscation::Applied,
        _ => tl_obfuscation::Unknown,
    };
    let info = quote.clock_info;
    // SAFETY: `clock` was checked non-NULL and the caller guarantees it is writable.
    unsafe {
        *clock = tl_quote_clock {
            clock: info.clock,
            reset_count: info.reset_count,
            restart_count: info.restart_count,
            safe: info.safe,
            firmware_version: quote.firmware_version,
            obfuscation,
        };
    }
    true
}

fn copy_out(bytes: &[u8], out: *mut u8, capacity: usize, written: *mut usize) -> Result<(), (tl_status, String)> {
    if out.is_null() || written.is_null() {
        return Err(null_argument("out"));
    }
    if bytes.len() > capacity {
        return Err((tl_status::BufferTooSmall, format!("{} bytes needed", bytes.len())));
    }
    // SAFETY: `out` has `capacity >= bytes.len()` writable bytes and `written` is valid, as the
    // public callers' contracts require.
    unsafe {
        core::ptr::copy_nonoverlapping(bytes.as_ptr(), out, bytes.len());
        *written = bytes.len();
    }
    Ok(())
}

/// Copies a valid quote's pcrDigest into `out` and its length into `*written`.
/// `TL_STATUS_INVALID_ARGUMENT` for a refused quote.
///
/// # Safety
/// `verdict` is a live handle; `out` is valid for `out_capacity` bytes; `written` is valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_quote_verdict_pcr_digest(
    verdict: *const tl_quote_verdict,
    out: *mut u8,
    out_capacity: usize,
    written: *mut usize,
) -> tl_status {
    guarded(core::ptr::null_mut(), 0, || {
        let quote = verified(verdict).ok_or((tl_status::InvalidArgument, "the quote is not valid".to_owned()))?;
        copy_out(quote.pcr_digest.as_bytes(), out, out_capacity, written)
    })
}

/// Copies a valid quote's qualifiedSigner (the signing key's Qualified Name) into `out` and its
/// length into `*written`. `TL_STATUS_INVALID_ARGUMENT` for a refused quote.
///
/// # Safety
/// As for `tl_quote_verdict_pcr_digest`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_quote_verdict_qualified_signer(
    verdict: *const tl_quote_verdict,
    out: *mut u8,
    out_capacity: usize,
    written: *mut usize,
) -> tl_status {
    guarded(core::ptr::null_mut(), 0, || {
        let quote = verified(verdict).ok_or((tl_status::InvalidArgument, "the quote is not valid".to_owned()))?;
        copy_out(&quote.qualified_signer, out, out_capacity, written)
    })
}

/// Releases a verdict. NULL is ignored.
///
/// # Safety
/// `verdict` is NULL or a handle from `tl_verify_quote` not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_quote_verdict_free(verdict: *mut tl_quote_verdict) {
    // SAFETY: forwarded from this function's contract.
    unsafe { crate::free_handle(verdict) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_quote_rejects_null_key() {
        let selection = tl_pcr_selection_new();
        let mut out = core::ptr::null_mut();
        let mut message = [0 as c_char; 64];
        // SAFETY: valid pointers and lengths; the key is NULL on purpose.
        let status = unsafe {
            tl_verify_quote(
                core::ptr::null(),
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                core::ptr::null(),
                0,
                selection,
                core::ptr::null(),
                0,
                &mut out,
                message.as_mut_ptr(),
                message.len(),
            )
        };
        assert_eq!(status, tl_status::NullArgument);
        assert!(out.is_null());
        // SAFETY: the handle came from `tl_pcr_selection_new`.
        unsafe { tl_pcr_selection_free(selection) };
    }

    #[test]
    fn pcr_values_set_checks_length() {
        let values = tl_pcr_values_new();
        let value = [0u8; 20];
        // SAFETY: a live handle and a 20-byte buffer.
        let status = unsafe { tl_pcr_values_set(values, tl_hash_algorithm::Sha256 as u32, 0, value.as_ptr(), 20) };
        assert_eq!(status, tl_status::InvalidArgument);
        // SAFETY: as above.
        let status = unsafe { tl_pcr_values_set(values, tl_hash_algorithm::Sha1 as u32, 0, value.as_ptr(), 20) };
        assert_eq!(status, tl_status::Ok);
        // SAFETY: the handle came from `tl_pcr_values_new`.
        unsafe { tl_pcr_values_free(values) };
    }
}
