//! C API of trusted-launch.
//!
//! Conventions, the same on every entry point:
//! - Objects are opaque handles created by a `tl_*_new` or `tl_verify_*` function and released by
//!   the matching `tl_*_free`. Input buffers are read during the call and never retained.
//! - Functions that can fail return a [`tl_status`]; `TL_STATUS_OK` is zero. On failure the
//!   message is copied, NUL-terminated and truncated to fit, into the caller's `message` buffer
//!   when it is not NULL.
//! - A Rust panic never crosses into C: it is caught at the boundary and reported as
//!   `TL_STATUS_PANIC`.
//! - A refused image is not a failure: `tl_verify_image` returns `TL_STATUS_OK` with a verdict
//!   whose `tl_image_verdict_is_allowed` is false.
#![allow(unsafe_code, reason = "the C boundary dereferences caller pointers; each use states its contract")]
#![allow(non_camel_case_types, reason = "C type names follow the tl_ prefix convention")]

use core::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};

use trusted_launch::{Error, ErrorKind};

mod boot;
mod eventlog;
mod predict;
mod quote;
mod secureboot;
mod vars;

pub use boot::*;
pub use eventlog::*;
pub use predict::*;
pub use quote::*;
pub use secureboot::*;
pub use vars::*;

/// Result of a call. Codes are stable: 0 is success, 1–99 are API misuse, 100–199 are inputs
/// that could not be parsed (grouped by what was wrong).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tl_status {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// An output buffer is too small; nothing was written.
    BufferTooSmall = 2,
    /// An argument is out of range (an unknown enum value).
    InvalidArgument = 3,
    /// A panic was caught at the boundary; this is a bug in trusted-launch.
    Panic = 99,
    /// The input ends before a structure does.
    InputTruncated = 100,
    /// A field contains a value the specification does not allow.
    InputInvalidField = 101,
    /// A valid value that trusted-launch does not implement.
    InputUnsupported = 102,
    /// Bytes follow a structure where none are allowed.
    InputTrailingData = 103,
    /// An offset or size computation overflowed.
    InputOverflow = 104,
    /// A work budget (entries, depth, signatures) was exceeded.
    InputLimitExceeded = 105,
    /// DER decoding failed.
    InputDer = 106,
    /// The input is empty where data is required (for example a 0-byte event log).
    InputEmpty = 107,
    /// Only padding follows the last structure and padding was not allowed.
    InputPadding = 108,
    /// An elliptic-curve key states its curve by explicit parameters (CVE-2020-0601).
    InputExplicitEcParameters = 109,
    /// Any other input error.
    InputOther = 199,
}

/// Hash algorithm selector.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tl_hash_algorithm {
    /// SHA-1.
    Sha1 = 1,
    /// SHA-256.
    Sha256 = 2,
    /// SHA-384.
    Sha384 = 3,
    /// SHA-512.
    Sha512 = 4,
}

pub(crate) fn status_of(error: &Error) -> tl_status {
    match error.kind {
        ErrorKind::Truncated { .. } => tl_status::InputTruncated,
        ErrorKind::InvalidField { .. } => tl_status::InputInvalidField,
        ErrorKind::Unsupported { .. } => tl_status::InputUnsupported,
        ErrorKind::TrailingData => tl_status::InputTrailingData,
        ErrorKind::Overflow { .. } => tl_status::InputOverflow,
        ErrorKind::LimitExceeded { .. } => tl_status::InputLimitExceeded,
        ErrorKind::Der(_) => tl_status::InputDer,
        ErrorKind::Empty => tl_status::InputEmpty,
        ErrorKind::Padding { .. } => tl_status::InputPadding,
        ErrorKind::ExplicitEcParameters => tl_status::InputExplicitEcParameters,
        _ => tl_status::InputOther,
    }
}

/// Copies `text` into `buffer` (capacity `capacity`), truncated and NUL-terminated.
///
/// # Safety
/// `buffer` is NULL or valid for `capacity` bytes of writes.
pub(crate) unsafe fn copy_message(text: &str, buffer: *mut c_char, capacity: usize) {
    if buffer.is_null() || capacity == 0 {
        return;
    }
    let length = text.len().min(capacity.saturating_sub(1));
    // SAFETY: the caller guarantees `capacity` writable bytes; `length + 1 <= capacity`.
    unsafe {
        core::ptr::copy_nonoverlapping(text.as_ptr().cast::<c_char>(), buffer, length);
        *buffer.add(length) = 0;
    }
}

/// Views a caller buffer; a NULL pointer with length 0 is the empty slice.
///
/// # Safety
/// `data` is NULL with `length == 0`, or valid for `length` bytes of reads for the whole call.
pub(crate) unsafe fn input<'a>(data: *const u8, length: usize) -> Option<&'a [u8]> {
    if data.is_null() {
        return (length == 0).then_some(&[]);
    }
    // SAFETY: the caller guarantees `length` readable bytes at `data` for the call.
    Some(unsafe { core::slice::from_raw_parts(data, length) })
}

/// Runs `body` behind the panic boundary, reporting errors into the message buffer.
pub(crate) fn guarded(
    message: *mut c_char,
    capacity: usize,
    body: impl FnOnce() -> Result<(), (tl_status, String)>,
) -> tl_status {
    let outcome = catch_unwind(AssertUnwindSafe(body))
        .unwrap_or_else(|_| Err((tl_status::Panic, "internal error: a panic was caught at the C boundary".to_owned())));
    match outcome {
        Ok(()) => tl_status::Ok,
        Err((status, text)) => {
            // SAFETY: the public entry points require `message` to be NULL or `capacity` bytes.
            unsafe { copy_message(&text, message, capacity) };
            status
        }
    }
}

/// Releases a handle made by `Box::into_raw`; NULL is ignored.
///
/// # Safety
/// `handle` is NULL or came from `Box::into_raw` and has not been released yet.
pub(crate) unsafe fn free_handle<T>(handle: *mut T) {
    if !handle.is_null() {
        // SAFETY: the caller guarantees the pointer came from `Box::into_raw` and is released once.
        drop(unsafe { Box::from_raw(handle) });
    }
}

pub(crate) fn input_error(what: &str, error: &Error) -> (tl_status, String) {
    (status_of(error), format!("{what}: {error}"))
}

pub(crate) fn null_argument(name: &str) -> (tl_status, String) {
    (tl_status::NullArgument, format!("{name} is NULL"))
}
