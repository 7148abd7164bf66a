//! Python bindings: `trusted_launch._native`, re-exported by the `trusted_launch` package.
//!
//! The verifier knows nothing of Python. This file converts inputs (any object with the buffer
//! protocol, read without copying), converts core errors into the exception hierarchy rooted at
//! `trusted_launch.Error` in one place, and releases the GIL while an image is verified.
#![allow(
    unsafe_code,
    reason = "reading a Python buffer as a byte slice needs one unsafe call, explained where it sits"
)]

use pyo3::buffer::PyBuffer;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use trusted_launch::digest::HashAlgorithm;

mod boot;
mod eventlog;
mod predict;
mod quote;
mod secureboot;
mod vars;

create_exception!(_native, Error, PyException, "Root of every trusted_launch exception.");
create_exception!(_native, ParseError, Error, "An input could not be parsed; `structure` and `offset` say where.");

/// Converts a core error into `ParseError`, with `structure` and `offset` attributes.
pub(crate) fn parse_error(py: Python<'_>, what: &str, error: &trusted_launch::Error) -> PyErr {
    let exception = ParseError::new_err(format!("{what}: {error}"));
    let value = exception.value(py);
    // Setting attributes on a fresh exception instance only fails on memory exhaustion, and the
    // exception is still raised without them then.
    let _ = value.setattr("structure", error.structure);
    let _ = value.setattr("offset", error.offset);
    exception
}

/// Runs `body` on the bytes of any object with the buffer protocol (bytes, bytearray,
/// memoryview, mmap), without copying them.
pub(crate) fn with_bytes<R>(object: &Bound<'_, PyAny>, body: impl FnOnce(&[u8]) -> R) -> PyResult<R> {
    if let Ok(bytes) = object.cast::<PyBytes>() {
        return Ok(body(bytes.as_bytes()));
    }
    let buffer = PyBuffer::<u8>::get(object)?;
    if !buffer.is_c_contiguous() {
        return Err(PyValueError::new_err("buffer must be C-contiguous"));
    }
    // SAFETY: the buffer is C-contiguous u8 data of `len_bytes()` bytes and `buffer` keeps the
    // exporter alive and its memory pinned until it is dropped at the end of this function. A
    // writable exporter (bytearray, mmap) changed by another thread meanwhile yields a verdict on
    // some mix of old and new bytes, never unsafety in the verifier, which only reads.
    let slice = unsafe { core::slice::from_raw_parts(buffer.buf_ptr().cast::<u8>(), buffer.len_bytes()) };
    Ok(body(slice))
}

/// Hashes `data` with SHA-256 in the crate's own implementation; exposed for benchmarks and tests
/// that compare against hashlib.
#[pyfunction]
fn sha256(data: &Bound<'_, PyAny>) -> PyResult<String> {
    with_bytes(data, |bytes| HashAlgorithm::Sha256.hash(bytes).to_string())
}

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("Error", py.get_type::<Error>())?;
    module.add("ParseError", py.get_type::<ParseError>())?;
    secureboot::register(module)?;
    vars::register(module)?;
    quote::register(module)?;
    eventlog::register(module)?;
    predict::register(module)?;
    boot::register(module)?;
    module.add_function(wrap_pyfunction!(sha256, module)?)?;
    Ok(())
}
