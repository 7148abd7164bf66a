//! Measured boot for VMMs and PCR prediction: a `tl_measurer` handle that extends PCR banks and
//! writes the matching event log in one step, and `tl_predict`, the PCR 4, 7 and 14 values of
//! OVMF booting shim, GRUB and a kernel.
//!
//! A boot that firmware or shim would reject is not a failure: `tl_predict` returns
//! `TL_STATUS_OK` with a prediction whose `tl_prediction_boots` is false.

use core::ffi::{CStr, c_char};
use std::ffi::CString;

use trusted_launch::boot::measure::{MeasureError, Measurer};
use trusted_launch::boot::predict::{BootChain, PredictError, PredictOptions, Prediction, predict};
use trusted_launch::digest::HashAlgorithm;
use trusted_launch::eventlog::EventType;
use trusted_launch::tpm::pcr::PcrBanks;
use trusted_launch::uefi::guid::{EFI_CERT_X509, Guid};
use trusted_launch::uefi::sigdb::SignatureEntry;

use crate::{guarded, input, input_error, null_argument, status_of, tl_hash_algorithm, tl_status, tl_varstore};

/// PCR banks and their event log, extended together.
pub struct tl_measurer {
    measurer: Measurer,
}

/// The outcome of `tl_predict`: the predicted events and PCR values, or the rejection that
/// stops the boot.
pub struct tl_prediction {
    prediction: Option<Prediction>,
    refusal: CString,
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

fn measure_error(error: MeasureError) -> (tl_status, String) {
    match error {
        MeasureError::Image(error) => input_error("image", &error),
        other => (tl_status::InvalidArgument, other.to_string()),
    }
}

/// Copies `bytes` into `out` and their length into `*written`. `TL_STATUS_BUFFER_TOO_SMALL`
/// writes only the needed length.
fn copy_bytes(bytes: &[u8], out: *mut u8, capacity: usize, written: *mut usize) -> Result<(), (tl_status, String)> {
    if written.is_null() {
        return Err(null_argument("written"));
    }
    // SAFETY: `written` was checked non-NULL; the public callers require it to be writable.
    unsafe { *written = bytes.len() };
    if out.is_null() || bytes.len() > capacity {
        return Err((tl_status::BufferTooSmall, format!("{} bytes needed", bytes.len())));
    }
    // SAFETY: `out` has `capacity >= bytes.len()` writable bytes, as the callers require.
    unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), out, bytes.len()) };
    Ok(())
}

fn pcr_value(
    banks: &PcrBanks,
    algorithm: u32,
    pcr: u32,
    out: *mut u8,
    capacity: usize,
    written: *mut usize,
) -> Result<(), (tl_status, String)> {
    let algorithm = hash_algorithm(algorithm)?;
    let value = banks
        .value(algorithm, pcr)
        .ok_or_else(|| (tl_status::InvalidArgument, format!("no {algorithm} bank or PCR {pcr} is out of range")))?;
    copy_bytes(value.as_bytes(), out, capacity, written)
}

/// Reads a NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `text` is NULL or a valid NUL-terminated string.
unsafe fn text_argument<'a>(name: &str, text: *const c_char) -> Result<&'a str, (tl_status, String)> {
    if text.is_null() {
        return Err(null_argument(name));
    }
    // SAFETY: the caller guarantees a valid NUL-terminated string.
    let text = unsafe { CStr::from_ptr(text) };
    text.to_str().map_err(|_| (tl_status::InvalidArgument, format!("{name} is not UTF-8")))
}

/// Runs `body` on a live measurer, behind the panic boundary.
fn with_measurer(
    measurer: *mut tl_measurer,
    message: *mut c_char,
    capacity: usize,
    body: impl FnOnce(&mut Measurer) -> Result<(), (tl_status, String)>,
) -> tl_status {
    guarded(message, capacity, || {
        // SAFETY: the public callers require a live handle or NULL.
        let measurer = unsafe { measurer.as_mut() }.ok_or_else(|| null_argument("measurer"))?;
        body(&mut measurer.measurer)
    })
}

/// Creates banks of the `algorithm_count` algorithms in `algorithms` (`tl_hash_algorithm`
/// values) in their reset state, PCR 0 started from `startup_locality` (0, 3 or 4), with a log
/// holding its Spec ID event. On success `*out` owns a measurer to release with
/// `tl_measurer_free`.
///
/// # Safety
/// `algorithms` is valid for `algorithm_count` `u32`s; `out` is valid; `message` is NULL or
/// valid for `message_capacity` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_measurer_new(
    algorithms: *const u32,
    algorithm_count: usize,
    startup_locality: u8,
    out: *mut *mut tl_measurer,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        if algorithms.is_null() || out.is_null() {
            return Err(null_argument(if out.is_null() { "out" } else { "algorithms" }));
        }
        // SAFETY: the caller guarantees `algorithm_count` readable values.
        let values = unsafe { core::slice::from_raw_parts(algorithms, algorithm_count) };
        let algorithms = values.iter().map(|value| hash_algorithm(*value)).collect::<Result<Vec<_>, _>>()?;
        let measurer = Measurer::new(&algorithms, startup_locality).map_err(measure_error)?;
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { *out = Box::into_raw(Box::new(tl_measurer { measurer })) };
        Ok(())
    })
}

/// Measures a UEFI variable as `UEFI_VARIABLE_DATA` (`EV_EFI_VARIABLE_BOOT` digested over the
/// data alone, as EDK2 does; other types over the whole structure). `guid` is 16 bytes in
/// on-disk order.
///
/// # Safety
/// `measurer` is a live handle; `name` is a NUL-terminated string; `guid` is valid for 16 bytes;
/// `data` is valid for `data_length` bytes; `message` as for `tl_measurer_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_measurer_measure_variable(
    measurer: *mut tl_measurer,
    pcr: u32,
    event_type: u32,
    name: *const c_char,
    guid: *const [u8; 16],
    data: *const u8,
    data_length: usize,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    with_measurer(measurer, message, message_capacity, |measurer| {
        // SAFETY: forwarded from this function's contract.
        let name = unsafe { text_argument("name", name) }?;
        // SAFETY: the caller passes NULL or 16 readable bytes.
        let guid =
            unsafe { guid.as_ref() }.map(|bytes| Guid::from_bytes(*bytes)).ok_or_else(|| null_argument("guid"))?;
        // SAFETY: forwarded from this function's contract.
        let data = unsafe { input(data, data_length) }.ok_or_else(|| null_argument("data"))?;
        measurer.measure_variable(pcr, EventType(event_type), name, &guid, data).map_err(measure_error)
    })
}

/// Measures the `db` entry that authorized an image into PCR 7 as `EV_EFI_VARIABLE_AUTHORITY`:
/// `owner` (16 bytes) is the entry's SignatureOwner and `data` its signature data (for an X.509
/// entry, the DER certificate).
///
/// # Safety
/// `measurer` is a live handle; `owner` is valid for 16 bytes; `data` is valid for `data_length`
/// bytes; `message` as for `tl_measurer_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_measurer_measure_authority(
    measurer: *mut tl_measurer,
    owner: *const [u8; 16],
    data: *const u8,
    data_length: usize,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    with_measurer(measurer, message, message_capacity, |measurer| {
        // SAFETY: the caller passes NULL or 16 readable bytes.
        let owner =
            unsafe { owner.as_ref() }.map(|bytes| Guid::from_bytes(*bytes)).ok_or_else(|| null_argument("owner"))?;
        // SAFETY: forwarded from this function's contract.
        let data = unsafe { input(data, data_length) }.ok_or_else(|| null_argument("data"))?;
        // The signature type is not part of the measured event.
        let entry = SignatureEntry { signature_type: EFI_CERT_X509, owner, data: data.to_vec() };
        measurer.measure_authority(&entry).map_err(measure_error)
    })
}

/// Measures a PE image as `UEFI_IMAGE_LOAD_EVENT`, digested with its Authenticode digest in
/// each bank. `device_path` contains the raw `EFI_DEVICE_PATH` bytes (may be empty).
///
/// # Safety
/// `measurer` is a live handle; `image` is valid for `image_length` bytes; `device_path` is
/// valid for `device_path_length` bytes; `message` as for `tl_measurer_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_measurer_measure_image(
    measurer: *mut tl_measurer,
    pcr: u32,
    event_type: u32,
    image: *const u8,
    image_length: usize,
    device_path: *const u8,
    device_path_length: usize,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    with_measurer(measurer, message, message_capacity, |measurer| {
        // SAFETY: forwarded from this function's contract.
        let image = unsafe { input(image, image_length) }.ok_or_else(|| null_argument("image"))?;
        // SAFETY: forwarded from this function's contract.
        let path = unsafe { input(device_path, device_path_length) }.ok_or_else(|| null_argument("device_path"))?;
        measurer.measure_image(pcr, EventType(event_type), image, path).map_err(measure_error)
    })
}

/// Measures an `EV_EFI_ACTION` string.
///
/// # Safety
/// `measurer` is a live handle; `text` is a NUL-terminated string; `message` as for
/// `tl_measurer_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_measurer_measure_action(
    measurer: *mut tl_measurer,
    pcr: u32,
    text: *const c_char,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    with_measurer(measurer, message, message_capacity, |measurer| {
        // SAFETY: forwarded from this function's contract.
        let text = unsafe { text_argument("text", text) }?;
        measurer.measure_action(pcr, text).map_err(measure_error)
    })
}

/// Measures an `EV_SEPARATOR` (`00000000`) into each of the `pcr_count` PCRs in `pcrs`.
///
/// # Safety
/// `measurer` is a live handle; `pcrs` is valid for `pcr_count` values; `message` as for
/// `tl_measurer_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_measurer_measure_separator(
    measurer: *mut tl_measurer,
    pcrs: *const u32,
    pcr_count: usize,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    with_measurer(measurer, message, message_capacity, |measurer| {
        if pcrs.is_null() {
            return Err(null_argument("pcrs"));
        }
        // SAFETY: the caller guarantees `pcr_count` readable values.
        let pcrs = unsafe { core::slice::from_raw_parts(pcrs, pcr_count) };
        measurer.measure_separator(pcrs).map_err(measure_error)
    })
}

/// Measures an `EV_IPL` event whose data is `data` and whose digest is its hash.
///
/// # Safety
/// `measurer` is a live handle; `data` is valid for `data_length` bytes; `message` as for
/// `tl_measurer_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_measurer_measure_ipl(
    measurer: *mut tl_measurer,
    pcr: u32,
    data: *const u8,
    data_length: usize,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    with_measurer(measurer, message, message_capacity, |measurer| {
        // SAFETY: forwarded from this function's contract.
        let data = unsafe { input(data, data_length) }.ok_or_else(|| null_argument("data"))?;
        measurer.measure_ipl(pcr, data).map_err(measure_error)
    })
}

/// Copies the log so far into `out` and its length into `*written`.
/// `TL_STATUS_BUFFER_TOO_SMALL` writes only the needed length.
///
/// # Safety
/// `measurer` is a live handle; `out` is NULL or valid for `out_capacity` bytes; `written` is
/// valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_measurer_log(
    measurer: *const tl_measurer,
    out: *mut u8,
    out_capacity: usize,
    written: *mut usize,
) -> tl_status {
    guarded(core::ptr::null_mut(), 0, || {
        // SAFETY: the caller passes a live handle or NULL.
        let measurer = unsafe { measurer.as_ref() }.ok_or_else(|| null_argument("measurer"))?;
        copy_bytes(measurer.measurer.log(), out, out_capacity, written)
    })
}

/// Copies the value of `pcr` in the bank of `algorithm` (a `tl_hash_algorithm`) into `out` and
/// its length into `*written`.
///
/// # Safety
/// As for `tl_measurer_log`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_measurer_pcr_value(
    measurer: *const tl_measurer,
    algorithm: u32,
    pcr: u32,
    out: *mut u8,
    out_capacity: usize,
    written: *mut usize,
) -> tl_status {
    guarded(core::ptr::null_mut(), 0, || {
        // SAFETY: the caller passes a live handle or NULL.
        let measurer = unsafe { measurer.as_ref() }.ok_or_else(|| null_argument("measurer"))?;
        pcr_value(measurer.measurer.banks(), algorithm, pcr, out, out_capacity, written)
    })
}

/// Releases a measurer. NULL is ignored.
///
/// # Safety
/// `measurer` is NULL or a handle from `tl_measurer_new` not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_measurer_free(measurer: *mut tl_measurer) {
    if !measurer.is_null() {
        // SAFETY: the handle came from Box::into_raw in tl_measurer_new and is released once.
        drop(unsafe { Box::from_raw(measurer) });
    }
}

/// Predicts the events and PCR 4, 7 and 14 values, in all four banks, of OVMF booting `shim`,
/// which starts `grub`, which starts `kernel`, with `store` as it is before the boot.
/// `failed_boot_options` counts boot options firmware tries and fails before shim's (1 for a
/// default QEMU q35 machine, whose empty DVD drive comes first). On `TL_STATUS_OK`, `*out` owns a
/// prediction to release with `tl_prediction_free`, including when an image would be rejected.
///
/// # Safety
/// `store` is a live handle; each image pointer is valid for its length; `out` is valid;
/// `message` as for `tl_measurer_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_predict(
    store: *const tl_varstore,
    shim: *const u8,
    shim_length: usize,
    grub: *const u8,
    grub_length: usize,
    kernel: *const u8,
    kernel_length: usize,
    failed_boot_options: u32,
    out: *mut *mut tl_prediction,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        // SAFETY: the caller passes a live handle or NULL.
        let store = unsafe { store.as_ref() }.ok_or_else(|| null_argument("store"))?;
        if out.is_null() {
            return Err(null_argument("out"));
        }
        // SAFETY: forwarded from this function's contract.
        let shim = unsafe { input(shim, shim_length) }.ok_or_else(|| null_argument("shim"))?;
        // SAFETY: forwarded from this function's contract.
        let grub = unsafe { input(grub, grub_length) }.ok_or_else(|| null_argument("grub"))?;
        // SAFETY: forwarded from this function's contract.
        let kernel = unsafe { input(kernel, kernel_length) }.ok_or_else(|| null_argument("kernel"))?;
        let chain = BootChain { shim, grub, kernel };
        let options = PredictOptions { failed_boot_options, ..PredictOptions::default() };

        let handle = match predict(store.variable_store(), &chain, &options) {
            Ok(prediction) => tl_prediction { prediction: Some(prediction), refusal: CString::default() },
            Err(error @ PredictError::Refused { .. }) => {
                tl_prediction { prediction: None, refusal: CString::new(error.to_string()).unwrap_or_default() }
            }
            Err(PredictError::Store(error) | PredictError::Image { error, .. }) => {
                return Err((status_of(&error), format!("prediction failed: {error}")));
            }
            Err(error) => return Err((tl_status::InputUnsupported, error.to_string())),
        };
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { *out = Box::into_raw(Box::new(handle)) };
        Ok(())
    })
}

/// Runs `body` on the prediction of a live handle whose boot happens.
fn with_prediction(
    prediction: *const tl_prediction,
    body: impl FnOnce(&Prediction) -> Result<(), (tl_status, String)>,
) -> tl_status {
    guarded(core::ptr::null_mut(), 0, || {
        // SAFETY: the public callers require a live handle or NULL.
        let handle = unsafe { prediction.as_ref() }.ok_or_else(|| null_argument("prediction"))?;
        let prediction = handle
            .prediction
            .as_ref()
            .ok_or_else(|| (tl_status::InvalidArgument, "the boot is rejected, so nothing is predicted".to_owned()))?;
        body(prediction)
    })
}

/// Whether the boot happens (no image is rejected). False for NULL.
///
/// # Safety
/// `prediction` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_prediction_boots(prediction: *const tl_prediction) -> bool {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { prediction.as_ref() }.is_some_and(|handle| handle.prediction.is_some())
}

/// The reason the boot does not happen, as a NUL-terminated message owned by the handle; an empty
/// string when it happens, NULL for NULL.
///
/// # Safety
/// `prediction` is NULL or a live handle; the string lives as long as the handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_prediction_refusal(prediction: *const tl_prediction) -> *const c_char {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { prediction.as_ref() }.map_or(core::ptr::null(), |handle| handle.refusal.as_ptr())
}

/// Whether firmware boots with Secure Boot on. False for NULL or a rejected boot.
///
/// # Safety
/// `prediction` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_prediction_secure_boot(prediction: *const tl_prediction) -> bool {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { prediction.as_ref() }.and_then(|handle| handle.prediction.as_ref()).is_some_and(|p| p.secure_boot)
}

/// Copies the predicted value of PCR 4, 7 or 14 in the bank of `algorithm` into `out` and its
/// length into `*written`.
///
/// # Safety
/// `prediction` is a live handle; `out` is NULL or valid for `out_capacity` bytes; `written` is
/// valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_prediction_pcr_value(
    prediction: *const tl_prediction,
    algorithm: u32,
    pcr: u32,
    out: *mut u8,
    out_capacity: usize,
    written: *mut usize,
) -> tl_status {
    with_prediction(prediction, |prediction| {
        let algorithm = hash_algorithm(algorithm)?;
        let value = prediction.value(algorithm, pcr).ok_or_else(|| {
            (tl_status::InvalidArgument, format!("PCR {pcr} of the {algorithm} bank is not predicted"))
        })?;
        copy_bytes(value.as_bytes(), out, out_capacity, written)
    })
}

/// Number of predicted events; 0 for NULL or a rejected boot.
///
/// # Safety
/// `prediction` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_prediction_event_count(prediction: *const tl_prediction) -> usize {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { prediction.as_ref() }.and_then(|handle| handle.prediction.as_ref()).map_or(0, |p| p.events.len())
}

/// Writes the PCR index and event type of event `index` into `*pcr` and `*event_type`, and
/// copies its digest in the bank of `algorithm` into `out` (length into `*written`).
///
/// # Safety
/// `prediction` is a live handle; `pcr` and `event_type` are valid; `out` is NULL or valid for
/// `out_capacity` bytes; `written` is valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_prediction_event(
    prediction: *const tl_prediction,
    index: usize,
    algorithm: u32,
    pcr: *mut u32,
    event_type: *mut u32,
    out: *mut u8,
    out_capacity: usize,
    written: *mut usize,
) -> tl_status {
    with_prediction(prediction, |prediction| {
        let algorithm = hash_algorithm(algorithm)?;
        let event = prediction
            .events
            .get(index)
            .ok_or_else(|| (tl_status::InvalidArgument, format!("event index {index} is out of range")))?;
        if pcr.is_null() || event_type.is_null() {
            return Err(null_argument(if pcr.is_null() { "pcr" } else { "event_type" }));
        }
        // SAFETY: both pointers were checked non-NULL and the caller guarantees they are writable.
        unsafe {
            *pcr = event.pcr;
            *event_type = event.event_type.0;
        }
        let digest = event
            .digests
            .iter()
            .find(|digest| digest.algorithm() == algorithm)
            .ok_or_else(|| (tl_status::InvalidArgument, format!("no {algorithm} digest")))?;
        copy_bytes(digest.as_bytes(), out, out_capacity, written)
    })
}

/// Copies the predicted event log (a Spec ID event and the predicted events) into `out` and its
/// length into `*written`.
///
/// # Safety
/// As for `tl_prediction_pcr_value`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_prediction_log(
    prediction: *const tl_prediction,
    out: *mut u8,
    out_capacity: usize,
    written: *mut usize,
) -> tl_status {
    with_prediction(prediction, |prediction| copy_bytes(&prediction.log, out, out_capacity, written))
}

/// Releases a prediction. NULL is ignored.
///
/// # Safety
/// `prediction` is NULL or a handle from `tl_predict` not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_prediction_free(prediction: *mut tl_prediction) {
    if !prediction.is_null() {
        // SAFETY: the handle came from Box::into_raw in tl_predict and is released once.
        drop(unsafe { Box::from_raw(prediction) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measurer_round_trip() {
        let algorithms = [tl_hash_algorithm::Sha256 as u32];
        let mut measurer = core::ptr::null_mut();
        // SAFETY: valid pointers for the call.
        let status = unsafe { tl_measurer_new(algorithms.as_ptr(), 1, 0, &raw mut measurer, core::ptr::null_mut(), 0) };
        assert_eq!(status, tl_status::Ok);
        let separator_pcrs = [7u32];
        // SAFETY: a live handle and a valid array.
        let status =
            unsafe { tl_measurer_measure_separator(measurer, separator_pcrs.as_ptr(), 1, core::ptr::null_mut(), 0) };
        assert_eq!(status, tl_status::Ok);

        let mut value = [0u8; 32];
        let mut written = 0usize;
        // SAFETY: a live handle and valid buffers.
        let status = unsafe {
            tl_measurer_pcr_value(
                measurer,
                tl_hash_algorithm::Sha256 as u32,
                7,
                value.as_mut_ptr(),
                32,
                &raw mut written,
            )
        };
        assert_eq!(status, tl_status::Ok);
        // swtpm's sha256 PCR 3 after the boot lab's `good` boot, a PCR whose only event is the
        // separator (tpm2_pcrread output in the lab's pcrread.yaml).
        let expected = "3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969";
        let hex: String = value[..written].iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(hex, expected);
        // SAFETY: the handle is released once.
        unsafe { tl_measurer_free(measurer) };
    }
}
