//! What a machine presents to be judged: its TCG event log, PCR values vouched for by a TPM
//! quote (or supplied by a trusted caller), the UEFI variable store it booted with, and the
//! boot images themselves. Entry point: [`BootEvidence`], passed to
//! [`crate::boot::verify::verify_boot`].
//!
//! Every part is optional. What is missing limits what can be concluded: the verdict is then
//! `Incomplete` unless something present is already wrong.

use alloc::vec::Vec;
use core::fmt;

use crate::tpm::attestation_key::AttestationKey;
use crate::tpm::pcr_values::PcrValues;
use crate::uefi::secureboot::SecureBootPolicy;
use crate::uefi::varstore::VariableStore;

/// A `TPM2_Quote` result and what verifies it.
#[derive(Clone, Copy, Debug)]
pub struct QuoteEvidence<'a> {
    /// The `TPMS_ATTEST` (`tpm2_quote -m`).
    pub attest: &'a [u8],
    /// The `TPMT_SIGNATURE` (`tpm2_quote -s`).
    pub signature: &'a [u8],
    /// The attestation key of this machine's vTPM.
    pub attestation_key: &'a AttestationKey,
    /// The qualifying data the verifier sent.
    pub nonce: &'a [u8],
    /// The quoted PCR values (`tpm2_quote -o`), when the machine sent them. Without them, the
    /// event log's replay is checked against the quote's `pcrDigest` instead.
    pub pcr_values: Option<&'a PcrValues>,
}

/// The source of the PCR values the event log is checked against.
#[derive(Clone, Copy, Debug, Default)]
pub enum PcrEvidence<'a> {
    /// No PCR values: the log is only a claim.
    #[default]
    None,
    /// A quote from the machine's vTPM.
    Quote(QuoteEvidence<'a>),
    /// PCR values the caller trusts without a quote (read from a vTPM the caller controls).
    Trusted(&'a PcrValues),
}

/// The UEFI variables the machine booted with.
#[derive(Clone, Copy)]
pub enum VariableEvidence<'a> {
    /// A parsed variable store (OVMF `.fd`, efivarfs).
    Store(&'a dyn VariableStore),
    /// A Secure Boot policy already built from one.
    Policy(&'a SecureBootPolicy),
}

impl fmt::Debug for VariableEvidence<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Store(store) => write!(f, "Store({} variables)", store.variables().len()),
            Self::Policy(policy) => f.debug_tuple("Policy").field(policy).finish(),
        }
    }
}

/// A boot image (PE/COFF) the machine loads, in boot order: the first is loaded by the
/// firmware, each later one by the boot loader before it.
#[derive(Clone, Copy, Debug)]
pub struct BootImage<'a> {
    /// A name for the report (`shim`, `grubx64.efi`, `vmlinuz`).
    pub name: &'a str,
    /// The image file.
    pub bytes: &'a [u8],
}

/// Everything presented about one boot.
#[derive(Clone, Debug, Default)]
pub struct BootEvidence<'a> {
    /// The TCG event log (`binary_bios_measurements`).
    pub event_log: Option<&'a [u8]>,
    /// The PCR values the log is checked against.
    pub pcrs: PcrEvidence<'a>,
    /// The variable store the machine booted with.
    pub variables: Option<VariableEvidence<'a>>,
    /// Boot images, in boot order.
    pub images: Vec<BootImage<'a>>,
}
