//! Authenticode signatures of PE/COFF images, checked as UEFI Secure Boot checks them. The
//! module parses the PKCS#7 `SignedData` (Microsoft "Windows Authenticode Portable Executable
//! Signature Format") and checks the signer. It builds a certificate path to a `db`, `dbx` or
//! `dbt` certificate under the UEFI rules (UEFI 2.10 section 32.5.3.3: partial chains, no
//! validity dates, no extended key usage), and reads RFC 3161 timestamps.
//!
//! Entry points: [`AuthenticodeSignature::parse`], [`verify_signer`], [`chain_to_anchor`], and
//! [`DetachedSignature::parse`] for the detached PKCS#7 of authenticated variables.

mod chain;
mod pkcs7;
mod signature;
mod signed_data;
mod signer;
mod timestamp;
mod tlv;

pub use chain::{ChainOutcome, MAX_CHAIN_DEPTH, chain_to_anchor, tbs_hash};
pub use pkcs7::DetachedSignature;
pub use signature::{
    AuthenticodeSignature, MAX_NESTED_SIGNATURES, MAX_NESTING_DEPTH, OID_SPC_INDIRECT_DATA, OID_SPC_NESTED_SIGNATURE,
};
pub use signed_data::{MAX_CERTIFICATES, OID_CONTENT_TYPE, OID_MESSAGE_DIGEST, OID_SIGNED_DATA};
pub use signer::{SignerCheck, verify_signer};
pub use timestamp::{OID_RFC3161_COUNTERSIGNATURE, OID_TST_INFO, Rfc3161Timestamp, TimestampCheck};
