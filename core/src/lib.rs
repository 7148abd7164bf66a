//! Verification of a virtual machine's trusted launch: UEFI Secure Boot image authorization
//! (Authenticode against `db`, `dbx` and `dbt`), authenticated variable updates and variable
//! stores, PCR banks and TCG event logs, TPM 2.0 quotes, and the boot report that joins them.
//!
//! The crate is `#![no_std]` with `alloc`. It performs no I/O, reads no clock and logs nothing:
//! callers pass bytes in and receive values back. Every parser follows the same rules: no panic on
//! any input, no allocation sized by a length field that the remaining input cannot back, work
//! budgets with their own errors, and errors that name the structure and byte offset.
//!
//! Entry points: [`boot::verify_boot`] for a whole boot;
//! [`uefi::secureboot::SecureBootPolicy::verify_image`] for one image;
//! [`uefi::varstore::apply_update_to_store`] for a `db`/`dbx`/`KEK` update;
//! [`eventlog::parse::EventLog::parse`] and [`eventlog::replay::replay`] for a log;
//! [`tpm::quote::verify_quote`] for a quote; [`boot::predict::predict`] and
//! [`boot::measure::Measurer`] for prediction and measurement.

#![no_std]
#![forbid(unsafe_code)]
// The rules for untrusted input, for every non-test line of the core; set here rather than in
// `[workspace.lints]` because Cargo cannot exempt test code there.
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::cast_possible_truncation,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

extern crate alloc;

pub mod authenticode;
pub mod boot;
pub mod crypto;
pub mod digest;
pub mod error;
pub mod eventlog;
pub mod json;
pub mod pe;
pub mod reader;
pub mod tpm;
pub mod uefi;

pub use error::{Error, ErrorKind};
