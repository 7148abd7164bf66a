//! What a verifier requires of a boot. Entry point: [`BootPolicy`].

use alloc::vec::Vec;

use crate::boot::baseline::Baseline;
use crate::eventlog::replay::ReplayOptions;
use crate::tpm::quote::QuoteOptions;
use crate::tpm::selection::PcrSelectionList;
use crate::uefi::secureboot::SecureBootPolicy;

/// The PCRs compared by default: 0 to 9 without 1 and 6.
///
/// PCR 1 holds boot variables and platform configuration (`BootOrder`, `Boot####`, CPU and
/// memory configuration tables) that change when a VM is resized or its boot entries are edited,
/// and PCR 6 holds wake events. Both vary between boots of an unchanged chain.
pub const DEFAULT_PCRS: [u32; 8] = [0, 2, 3, 4, 5, 7, 8, 9];

/// Requirements for [`crate::boot::verify::verify_boot`].
#[derive(Clone, Debug)]
pub struct BootPolicy {
    /// Secure Boot must be shown enabled; when the evidence cannot show it, the verdict is at
    /// best `Incomplete`.
    pub require_secure_boot: bool,
    /// The `db`, `dbx` and `dbt` boot images are checked against. `None` uses the evidence's
    /// variable store, and without one, the `db` and `dbx` the event log measured in a verified
    /// PCR 7.
    pub databases: Option<SecureBootPolicy>,
    /// The known-good boot that the log and PCR values are compared with.
    pub baseline: Option<Baseline>,
    /// The PCRs that count: replay mismatches, baseline deviations and missing quote coverage
    /// are reported for these only.
    pub pcrs: Vec<u32>,
    /// Options of quote verification.
    pub quote_options: QuoteOptions,
    /// The PCR selection the verifier asked the TPM to quote. `None` accepts the quote's own
    /// selection when it covers every PCR of [`BootPolicy::pcrs`].
    pub quote_selection: Option<PcrSelectionList>,
    /// Options of the event-log replay.
    pub replay_options: ReplayOptions,
}

impl Default for BootPolicy {
    fn default() -> Self {
        Self {
            require_secure_boot: false,
            databases: None,
            baseline: None,
            pcrs: Vec::from(DEFAULT_PCRS),
            quote_options: QuoteOptions::default(),
            quote_selection: None,
            replay_options: ReplayOptions::default(),
        }
    }
}

impl BootPolicy {
    /// Whether PCR `pcr` counts.
    pub fn counts(&self, pcr: u32) -> bool {
        self.pcrs.contains(&pcr)
    }
}
