//! TPM 2.0: platform configuration registers and their banks, TPM structures (big-endian, TPM 2.0
//! Part 2) and quote verification.
//!
//! Entry point for remote attestation: [`quote::verify_quote`].

pub mod algorithm;
pub mod attest;
pub mod attestation_key;
pub mod pcr;
pub mod pcr_values;
pub mod public;
pub mod quote;
pub mod selection;
pub mod signature;
