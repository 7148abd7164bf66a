//! C API for judging a boot: evidence is collected into a `tl_boot_evidence`, judged with
//! `tl_verify_boot` against an optional `tl_baseline`, and the resulting `tl_boot_report` is read
//! through its verdict and its JSON form (the core's report JSON, documented in the README under
//! "Boot report").

use core::ffi::c_char;
use std::ffi::CString;

use trusted_launch::boot::report::Verdict;
use trusted_launch::boot::{
    Baseline, BootEvidence, BootImage, BootPolicy, BootReport, PcrEvidence, QuoteEvidence, VariableEvidence,
    verify_boot,
};
use trusted_launch::eventlog::{EventLog, ParseOptions};
use trusted_launch::tpm::attestation_key::AttestationKey;
use trusted_launch::tpm::pcr_values::PcrValues;

use crate::vars::tl_varstore;
use crate::{guarded, input, input_error, null_argument, tl_attestation_key, tl_pcr_values, tl_status};

/// Require Secure Boot to be shown enabled (`tl_verify_boot` flags).
pub const TL_BOOT_REQUIRE_SECURE_BOOT: u32 = 1;

/// The verdict of a boot report.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tl_boot_verdict {
    /// Every check passed and the evidence was complete.
    Trusted = 0,
    /// Something is wrong: see the report's deviations and alerts.
    Untrusted = 1,
    /// Nothing is wrong, but evidence needed to conclude is missing.
    Incomplete = 2,
}

/// The quote part of the evidence, owned.
struct OwnedQuote {
    attest: Vec<u8>,
    signature: Vec<u8>,
    key: AttestationKey,
    nonce: Vec<u8>,
    values: Option<PcrValues>,
}

/// Evidence about one boot, copied from the caller's buffers.
#[derive(Default)]
pub struct tl_boot_evidence {
    log: Option<Vec<u8>>,
    quote: Option<OwnedQuote>,
    trusted_pcrs: Option<PcrValues>,
    images: Vec<(String, Vec<u8>)>,
}

/// A trusted baseline.
pub struct tl_baseline {
    baseline: Baseline,
    json: CString,
}

/// The report of `tl_verify_boot`.
pub struct tl_boot_report {
    verdict: Verdict,
    json: CString,
}

fn to_c_string(text: String) -> CString {
    CString::new(text.replace('\0', " ")).unwrap_or_default()
}

fn baseline_handle(baseline: Baseline) -> tl_baseline {
    let json = to_c_string(baseline.to_json());
    tl_baseline { baseline, json }
}

/// Creates empty evidence; release it with `tl_boot_evidence_free`.
#[unsafe(no_mangle)]
pub extern "C" fn tl_boot_evidence_new() -> *mut tl_boot_evidence {
    Box::into_raw(Box::default())
}

/// Sets the TCG event log (copied).
///
/// # Safety
/// `evidence` is a live handle; `log` is valid for `length` bytes; `message` is NULL or valid
/// for `message_capacity` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_boot_evidence_set_log(
    evidence: *mut tl_boot_evidence,
    log: *const u8,
    length: usize,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        // SAFETY: the caller passes a live handle or NULL.
        let evidence = unsafe { evidence.as_mut() }.ok_or_else(|| null_argument("evidence"))?;
        // SAFETY: forwarded from this function's contract.
        let log = unsafe { input(log, length) }.ok_or_else(|| null_argument("log"))?;
        evidence.log = Some(log.to_vec());
        Ok(())
    })
}

/// Sets a quote (all buffers copied, the key cloned). `values` is NULL or the quoted PCR values
/// (`tpm2_quote -o`); without them the log's replay is checked against the quote's pcrDigest.
///
/// # Safety
/// `evidence` and `key` are live handles; `values` is NULL or a live handle; the buffers are
/// valid for their lengths; `message` is NULL or valid for `message_capacity` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_boot_evidence_set_quote(
    evidence: *mut tl_boot_evidence,
    attest: *const u8,
    attest_length: usize,
    signature: *const u8,
    signature_length: usize,
    key: *const tl_attestation_key,
    nonce: *const u8,
    nonce_length: usize,
    values: *const tl_pcr_values,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        // SAFETY: the caller passes live handles or NULL.
        let evidence = unsafe { evidence.as_mut() }.ok_or_else(|| null_argument("evidence"))?;
        // SAFETY: as above.
        let key = unsafe { key.as_ref() }.ok_or_else(|| null_argument("key"))?;
        // SAFETY: as above; NULL means no values.
        let values = unsafe { values.as_ref() }.map(|handle| handle.values.clone());
        // SAFETY: forwarded from this function's contract.
        let attest = unsafe { input(attest, attest_length) }.ok_or_else(|| null_argument("attest"))?;
        // SAFETY: as above.
        let signature = unsafe { input(signature, signature_length) }.ok_or_else(|| null_argument("signature"))?;
        // SAFETY: as above.
        let nonce = unsafe { input(nonce, nonce_length) }.ok_or_else(|| null_argument("nonce"))?;
        evidence.quote = Some(OwnedQuote {
            attest: attest.to_vec(),
            signature: signature.to_vec(),
            key: key.key.clone(),
            nonce: nonce.to_vec(),
            values,
        });
        Ok(())
    })
}

/// Sets PCR values trusted without a quote (read from a vTPM the caller controls). A quote, when
/// set, takes precedence.
///
/// # Safety
/// `evidence` and `values` are live handles or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_boot_evidence_set_trusted_pcrs(
    evidence: *mut tl_boot_evidence,
    values: *const tl_pcr_values,
) -> tl_status {
    // SAFETY: the caller passes live handles or NULL.
    let (Some(evidence), Some(values)) = (unsafe { evidence.as_mut() }, unsafe { values.as_ref() }) else {
        return tl_status::NullArgument;
    };
    evidence.trusted_pcrs = Some(values.values.clone());
    tl_status::Ok
}

/// Adds a boot image (copied), in boot order: first the one the firmware loads.
///
/// # Safety
/// `evidence` is a live handle; `name` is a NUL-terminated UTF-8 string; `image` is valid for
/// `length` bytes; `message` is NULL or valid for `message_capacity` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_boot_evidence_add_image(
    evidence: *mut tl_boot_evidence,
    name: *const c_char,
    image: *const u8,
    length: usize,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        // SAFETY: the caller passes a live handle or NULL.
        let evidence = unsafe { evidence.as_mut() }.ok_or_else(|| null_argument("evidence"))?;
        if name.is_null() {
            return Err(null_argument("name"));
        }
        // SAFETY: the caller guarantees a valid NUL-terminated string.
        let name = unsafe { std::ffi::CStr::from_ptr(name) }
            .to_str()
            .map_err(|_| (tl_status::InvalidArgument, "name is not UTF-8".to_owned()))?;
        // SAFETY: forwarded from this function's contract.
        let image = unsafe { input(image, length) }.ok_or_else(|| null_argument("image"))?;
        evidence.images.push((name.to_owned(), image.to_vec()));
        Ok(())
    })
}

/// Releases evidence; NULL is ignored.
///
/// # Safety
/// `evidence` is NULL or a handle from `tl_boot_evidence_new`, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_boot_evidence_free(evidence: *mut tl_boot_evidence) {
    if !evidence.is_null() {
        // SAFETY: the handle came from `Box::into_raw` and is released once.
        drop(unsafe { Box::from_raw(evidence) });
    }
}

/// Captures a baseline from a known-good boot's event log and, optionally, its variable store.
/// On success `*out` owns a baseline to release with `tl_baseline_free`.
///
/// # Safety
/// `log` is valid for `length` bytes; `store` is NULL or a live handle; `out` is valid;
/// `message` is NULL or valid for `message_capacity` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_baseline_capture(
    log: *const u8,
    length: usize,
    store: *const tl_varstore,
    out: *mut *mut tl_baseline,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        if out.is_null() {
            return Err(null_argument("out"));
        }
        // SAFETY: forwarded from this function's contract.
        let log = unsafe { input(log, length) }.ok_or_else(|| null_argument("log"))?;
        // SAFETY: the caller passes a live handle or NULL.
        let store = unsafe { store.as_ref() }.map(tl_varstore::variable_store);
        let parsed = EventLog::parse(log, ParseOptions { allow_padding: true, ..ParseOptions::default() })
            .map_err(|error| input_error("event log", &error))?;
        let baseline = Baseline::capture(&parsed, store).map_err(|error| input_error("event log", &error))?;
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { *out = Box::into_raw(Box::new(baseline_handle(baseline))) };
        Ok(())
    })
}

/// Reads a baseline from its JSON (schema version 1). On success `*out` owns a baseline to
/// release with `tl_baseline_free`.
///
/// # Safety
/// `json` is valid for `length` bytes; `out` is valid; `message` is NULL or valid for
/// `message_capacity` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_baseline_from_json(
    json: *const u8,
    length: usize,
    out: *mut *mut tl_baseline,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        if out.is_null() {
            return Err(null_argument("out"));
        }
        // SAFETY: forwarded from this function's contract.
        let json = unsafe { input(json, length) }.ok_or_else(|| null_argument("json"))?;
        let baseline = Baseline::from_json(json).map_err(|error| input_error("baseline", &error))?;
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { *out = Box::into_raw(Box::new(baseline_handle(baseline))) };
        Ok(())
    })
}

/// The baseline's JSON, NUL-terminated, valid until the baseline is freed; NULL for NULL.
///
/// # Safety
/// `baseline` is a live handle or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_baseline_json(baseline: *const tl_baseline) -> *const c_char {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { baseline.as_ref() }.map_or(core::ptr::null(), |baseline| baseline.json.as_ptr())
}

/// Releases a baseline; NULL is ignored.
///
/// # Safety
/// `baseline` is NULL or a handle from `tl_baseline_capture` or `tl_baseline_from_json`, not
/// used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_baseline_free(baseline: *mut tl_baseline) {
    if !baseline.is_null() {
        // SAFETY: the handle came from `Box::into_raw` and is released once.
        drop(unsafe { Box::from_raw(baseline) });
    }
}

/// Judges the boot that `evidence` describes. `store` is NULL or the variable store the machine
/// booted with; `baseline` is NULL or the trusted baseline; `flags` combines `TL_BOOT_*`.
/// Returns `TL_STATUS_OK` with a report in `*out` (release with `tl_boot_report_free`) whatever
/// the verdict; an error status only when an input cannot be read.
///
/// # Safety
/// `evidence` is a live handle; `store` and `baseline` are NULL or live handles; `out` is valid;
/// `message` is NULL or valid for `message_capacity` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_verify_boot(
    evidence: *const tl_boot_evidence,
    store: *const tl_varstore,
    baseline: *const tl_baseline,
    flags: u32,
    out: *mut *mut tl_boot_report,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        // SAFETY: the caller passes live handles or NULL.
        let evidence = unsafe { evidence.as_ref() }.ok_or_else(|| null_argument("evidence"))?;
        // SAFETY: as above.
        let store = unsafe { store.as_ref() }.map(tl_varstore::variable_store);
        // SAFETY: as above.
        let baseline = unsafe { baseline.as_ref() }.map(|handle| handle.baseline.clone());
        if out.is_null() {
            return Err(null_argument("out"));
        }
        if flags & !TL_BOOT_REQUIRE_SECURE_BOOT != 0 {
            return Err((tl_status::InvalidArgument, format!("unknown flags {flags:#x}")));
        }

        let pcrs = match (&evidence.quote, &evidence.trusted_pcrs) {
            (Some(quote), _) => PcrEvidence::Quote(QuoteEvidence {
                attest: &quote.attest,
                signature: &quote.signature,
                attestation_key: &quote.key,
                nonce: &quote.nonce,
                pcr_values: quote.values.as_ref(),
            }),
            (None, Some(values)) => PcrEvidence::Trusted(values),
            (None, None) => PcrEvidence::None,
        };
        let borrowed = BootEvidence {
            event_log: evidence.log.as_deref(),
            pcrs,
            variables: store.map(VariableEvidence::Store),
            images: evidence.images.iter().map(|(name, bytes)| BootImage { name, bytes }).collect(),
        };
        let policy = BootPolicy {
            require_secure_boot: flags & TL_BOOT_REQUIRE_SECURE_BOOT != 0,
            baseline,
            ..BootPolicy::default()
        };
        let report: BootReport =
            verify_boot(&borrowed, &policy).map_err(|error| input_error("boot evidence", &error))?;
        let handle = tl_boot_report { verdict: report.verdict, json: to_c_string(report.to_json()) };
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { *out = Box::into_raw(Box::new(handle)) };
        Ok(())
    })
}

/// The report's verdict (a `tl_boot_verdict`); `TL_BOOT_VERDICT_UNTRUSTED` for NULL.
///
/// # Safety
/// `report` is a live handle or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_boot_report_verdict(report: *const tl_boot_report) -> tl_boot_verdict {
    // SAFETY: the caller passes a live handle or NULL.
    match unsafe { report.as_ref() }.map(|report| report.verdict) {
        Some(Verdict::Trusted) => tl_boot_verdict::Trusted,
        Some(Verdict::Incomplete) => tl_boot_verdict::Incomplete,
        Some(Verdict::Untrusted) | None => tl_boot_verdict::Untrusted,
    }
}

/// The report as JSON, NUL-terminated, valid until the report is freed; NULL for NULL.
///
/// # Safety
/// `report` is a live handle or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_boot_report_json(report: *const tl_boot_report) -> *const c_char {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { report.as_ref() }.map_or(core::ptr::null(), |report| report.json.as_ptr())
}

/// Releases a report; NULL is ignored.
///
/// # Safety
/// `report` is NULL or a handle from `tl_verify_boot`, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_boot_report_free(report: *mut tl_boot_report) {
    if !report.is_null() {
        // SAFETY: the handle came from `Box::into_raw` and is released once.
        drop(unsafe { Box::from_raw(report) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_evidence_is_incomplete() {
        let evidence = tl_boot_evidence_new();
        let mut report: *mut tl_boot_report = core::ptr::null_mut();
        let mut message = [0 as c_char; 128];
        // SAFETY: live handles and buffers of the stated sizes.
        let status = unsafe {
            tl_verify_boot(
                evidence,
                core::ptr::null(),
                core::ptr::null(),
                0,
                &mut report,
                message.as_mut_ptr(),
                message.len(),
            )
        };
        assert_eq!(status, tl_status::Ok);
        // SAFETY: `report` was just created.
        assert_eq!(unsafe { tl_boot_report_verdict(report) }, tl_boot_verdict::Incomplete);
        // SAFETY: the JSON pointer is valid until the report is freed.
        let json = unsafe { std::ffi::CStr::from_ptr(tl_boot_report_json(report)) }.to_str().unwrap().to_owned();
        assert!(json.contains("\"vtpm_or_quote_missing\""));
        // SAFETY: each handle is released once.
        unsafe {
            tl_boot_report_free(report);
            tl_boot_evidence_free(evidence);
        }
    }

    #[test]
    fn baseline_json_errors_are_reported() {
        let mut baseline: *mut tl_baseline = core::ptr::null_mut();
        let mut message = [0 as c_char; 128];
        let json = b"{\"version\": 2}";
        // SAFETY: buffers of the stated sizes.
        let status = unsafe {
            tl_baseline_from_json(json.as_ptr(), json.len(), &mut baseline, message.as_mut_ptr(), message.len())
        };
        assert_eq!(status, tl_status::InputInvalidField);
        assert!(baseline.is_null());
    }
}
