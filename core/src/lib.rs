//! Verification of a virtual machine's trusted launch: UEFI Secure Boot image authorization
//! (Authenticode against `db`, `dbx` and `dbt`), and the building blocks of measured boot.
//!
//! The crate is `#![no_std]` with `alloc`. It performs no I/O, reads no clock and logs nothing:
//! callers pass bytes in and receive values back. Every parser follows the same rules: no panic on
//! any input, no allocation sized by a length field that the remaining input cannot back, work
//! budgets with their own errors, and errors that name the structure and byte offset.
//!
//! Entry point for Secure Boot: [`uefi::secureboot::SecureBootPolicy::verify_image`].

#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
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
