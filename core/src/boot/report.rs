//! The result of judging a boot: a verdict, the replay of each PCR, the Secure Boot state, the
//! loaded images with their authorities, deviations from the baseline, and alerts.
//! Entry point: [`BootReport`], built by [`crate::boot::verify::verify_boot`]; its JSON form is
//! [`BootReport::to_json`].

use alloc::string::String;
use alloc::vec::Vec;

use crate::boot::component::Component;
use crate::digest::Digest;
use crate::eventlog::replay::PcrComparison;
use crate::tpm::pcr_values::PcrValues;
use crate::uefi::guid::Guid;

/// The overall judgement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every check passed and the evidence was complete.
    Trusted,
    /// Something is wrong: see the deviations and alerts.
    Untrusted,
    /// Nothing is wrong, but evidence needed to conclude is missing.
    Incomplete,
}

impl Verdict {
    /// `"trusted"`, `"untrusted"` or `"incomplete"`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Trusted => "trusted",
            Self::Untrusted => "untrusted",
            Self::Incomplete => "incomplete",
        }
    }
}

/// The urgency with which an operator should look at an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Informational or a weakened configuration.
    Low,
    /// The attestation failed.
    Medium,
    /// A component that policy forbids was in the boot chain.
    High,
}

impl Severity {
    /// `"low"`, `"medium"` or `"high"`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// The kinds of alert. The first five are those that trusted-launch platforms already send
/// their operators, with the same severities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AlertKind {
    /// Secure Boot is off (low).
    SecureBootDisabled,
    /// No quote and no trusted PCR values, so nothing in the log is vouched for (low).
    VtpmOrQuoteMissing,
    /// The log or the PCR values differ from the baseline (medium).
    BootLogDeviatesFromBaseline,
    /// The quote's signature, key, nonce or selection check failed (medium).
    QuoteNotFromThisVtpm,
    /// A kernel module outside the baseline was measured (low). Never raised yet: no log this
    /// crate reads records module loads in a form it decodes.
    UntrustedKernelModule,
    /// The event log does not replay to the quoted or trusted PCR values (medium).
    ReplayMismatch,
    /// A boot image given as evidence would be refused by the Secure Boot policy (high).
    ImageRefusedByPolicy,
    /// An image the log shows loaded has a digest in the `dbx` the same log measured (high).
    ImageRevokedByMeasuredDbx,
    /// No event log was given, so no event can be checked (low).
    EventLogMissing,
    /// The event log, or the claims read from its verified PCRs, could not be understood
    /// (medium).
    EventLogInvalid,
    /// The quote does not cover a PCR the policy counts (low).
    PcrNotQuoted,
}

impl AlertKind {
    /// The severity of this kind.
    pub const fn severity(self) -> Severity {
        match self {
            Self::SecureBootDisabled
            | Self::VtpmOrQuoteMissing
            | Self::UntrustedKernelModule
            | Self::EventLogMissing
            | Self::PcrNotQuoted => Severity::Low,
            Self::BootLogDeviatesFromBaseline
            | Self::QuoteNotFromThisVtpm
            | Self::ReplayMismatch
            | Self::EventLogInvalid => Severity::Medium,
            Self::ImageRefusedByPolicy | Self::ImageRevokedByMeasuredDbx => Severity::High,
        }
    }

    /// Stable snake_case code used in JSON: `"secure_boot_disabled"`, ….
    pub const fn code(self) -> &'static str {
        match self {
            Self::SecureBootDisabled => "secure_boot_disabled",
            Self::VtpmOrQuoteMissing => "vtpm_or_quote_missing",
            Self::BootLogDeviatesFromBaseline => "boot_log_deviates_from_baseline",
            Self::QuoteNotFromThisVtpm => "quote_not_from_this_vtpm",
            Self::UntrustedKernelModule => "untrusted_kernel_module",
            Self::ReplayMismatch => "replay_mismatch",
            Self::ImageRefusedByPolicy => "image_refused_by_policy",
            Self::ImageRevokedByMeasuredDbx => "image_revoked_by_measured_dbx",
            Self::EventLogMissing => "event_log_missing",
            Self::EventLogInvalid => "event_log_invalid",
            Self::PcrNotQuoted => "pcr_not_quoted",
        }
    }
}

/// One alert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    /// The kind.
    pub kind: AlertKind,
    /// The kind's severity.
    pub severity: Severity,
    /// What was found, for a person.
    pub message: String,
}

impl Alert {
    /// An alert of `kind` with its severity.
    pub fn new(kind: AlertKind, message: impl Into<String>) -> Self {
        Self { kind, severity: kind.severity(), message: message.into() }
    }
}

/// The way a measured event or value differs from the expected one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviationKind {
    /// The event's digest is none of the accepted values.
    DigestDiffers,
    /// The event's type differs from the baseline's event at that position.
    TypeDiffers,
    /// The log has fewer events in this PCR than the baseline.
    MissingEvent,
    /// The log has more events in this PCR than the baseline.
    ExtraEvent,
    /// The PCR value differs from the baseline's (compared without a log, or with a log that
    /// matched event by event but replays to another value).
    PcrValueDiffers,
    /// An image's digest is in the `dbx` the log measured.
    RevokedByMeasuredDbx,
    /// A boot image given as evidence is refused by the Secure Boot policy.
    RefusedByPolicy,
    /// The log does not replay to the quoted (or trusted) value of the PCR: the log was changed,
    /// or events are missing from it.
    ReplayDiffers,
}

impl DeviationKind {
    /// Stable snake_case code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::DigestDiffers => "digest_differs",
            Self::TypeDiffers => "type_differs",
            Self::MissingEvent => "missing_event",
            Self::ExtraEvent => "extra_event",
            Self::PcrValueDiffers => "pcr_value_differs",
            Self::RevokedByMeasuredDbx => "revoked_by_measured_dbx",
            Self::RefusedByPolicy => "refused_by_policy",
            Self::ReplayDiffers => "replay_differs",
        }
    }
}

/// A difference between the boot and what is trusted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deviation {
    /// The PCR; for an image given as evidence that the log does not show, the PCR it would be
    /// measured into (4).
    pub pcr: u32,
    /// Index of the event in the log, when one is concerned.
    pub event: Option<usize>,
    /// The component.
    pub component: Component,
    /// What differs.
    pub kind: DeviationKind,
    /// The accepted values (`sha256:<hex>`, an event type, a policy outcome).
    pub expected: Vec<String>,
    /// The value found, in the same form; `"none"` when nothing was found.
    pub found: String,
    /// A sentence for a person.
    pub description: String,
}

/// The `db` (or shim) entry that authorised an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageAuthority {
    /// Where the entry is: `db`, `MokListRT` (as measured by shim), `shim vendor certificate`.
    pub source: String,
    /// The entry's `SignatureOwner`, when it has one.
    pub owner: Option<Guid>,
    /// The certificate subject, for an X.509 entry.
    pub subject: Option<String>,
    /// SHA-256 of the entry's data (the certificate or the hash).
    pub sha256: Digest,
    /// Whether the entry was read from the log (the last authority measured before the image)
    /// rather than computed by verifying the image.
    pub from_log: bool,
}

/// What is known of whether an image may run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageStatus {
    /// The Secure Boot policy allows the image.
    Allowed,
    /// The Secure Boot policy refuses the image: the refusal code and its message.
    Refused {
        /// [`crate::uefi::secureboot::RefusalReason::code`].
        code: &'static str,
        /// The refusal, for a person.
        message: String,
    },
    /// The image's digest is in the `dbx` the log measured.
    RevokedByMeasuredDbx,
    /// The image could not be checked (no image bytes, or no databases to check them with).
    NotChecked,
    /// An earlier image of the chain was refused, so this one is never loaded.
    NotReached,
}

impl ImageStatus {
    /// `"allowed"`, the refusal code, `"revoked_by_measured_dbx"`, `"not_checked"` or
    /// `"not_reached"`.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::Refused { code, .. } => code,
            Self::RevokedByMeasuredDbx => "revoked_by_measured_dbx",
            Self::NotChecked => "not_checked",
            Self::NotReached => "not_reached",
        }
    }
}

/// A loaded image: from the log (PCR 4), from the evidence, or both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageReport {
    /// The `EV_EFI_BOOT_SERVICES_APPLICATION` event, when the log shows the image.
    pub event: Option<usize>,
    /// The evidence image's name, when the image was given.
    pub name: Option<String>,
    /// Boot loader or kernel.
    pub component: Component,
    /// The Authenticode SHA-256.
    pub sha256: Option<Digest>,
    /// The file path of the logged device path (`\EFI\BOOT\BOOTX64.EFI`); empty for an image
    /// loaded from memory.
    pub path: Option<String>,
    /// The full device path text.
    pub device_path: Option<String>,
    /// The authorising entry.
    pub authority: Option<ImageAuthority>,
    /// Whether the image may run.
    pub status: ImageStatus,
}

/// The Secure Boot state the log shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecureBootReport {
    /// `SecureBoot` as measured in PCR 7; `None` when no log shows it.
    pub enabled: Option<bool>,
    /// Whether PCR 7 replayed to a quoted or trusted value (otherwise the state is a claim).
    pub verified: bool,
    /// Where `enabled` comes from: `"event log"`, or `"variable store (no PK)"` when a store
    /// without a platform key shows Secure Boot off.
    pub source: Option<&'static str>,
    /// Number of `db` entries measured.
    pub db_entries: usize,
    /// Number of `dbx` entries measured.
    pub dbx_entries: usize,
}

/// What became of the quote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuoteStatus {
    /// No quote; no trusted PCR values either.
    Absent,
    /// PCR values the caller trusts were used instead of a quote.
    TrustedPcrs,
    /// The quote verified.
    Valid,
    /// The quote verified but the log's replay does not give its `pcrDigest`.
    LogDoesNotMatch,
    /// The quote failed: the refusal code and message.
    Refused {
        /// [`crate::tpm::quote::QuoteRefusal::code`].
        code: &'static str,
        /// The refusal, for a person.
        message: String,
    },
}

impl QuoteStatus {
    /// Stable snake_case code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Absent => "absent",
            Self::TrustedPcrs => "trusted_pcrs",
            Self::Valid => "valid",
            Self::LogDoesNotMatch => "log_does_not_match",
            Self::Refused { code, .. } => code,
        }
    }
}

/// The judgement of one boot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BootReport {
    /// The verdict, by the rules of [`crate::boot::verify`].
    pub verdict: Verdict,
    /// What became of the quote.
    pub quote: QuoteStatus,
    /// Whether an event log was given and parsed.
    pub event_log: bool,
    /// The replay of every compared PCR, bank by bank.
    pub replay: Vec<PcrComparison>,
    /// The PCR values the log was compared with: the quoted values (given beside the quote, or
    /// the log's own replay once it hashed to the quote's `pcrDigest`) or the trusted ones.
    /// Empty when there were none.
    pub pcr_values: PcrValues,
    /// The Secure Boot state.
    pub secure_boot: SecureBootReport,
    /// Loaded images, in load order, then given images the log does not show.
    pub images: Vec<ImageReport>,
    /// Command lines measured in verified PCRs (GRUB's `kernel_cmdline`, systemd-stub's).
    pub command_lines: Vec<String>,
    /// Deviations, by PCR.
    pub deviations: Vec<Deviation>,
    /// Alerts, in the order they were raised.
    pub alerts: Vec<Alert>,
}

impl BootReport {
    /// Whether an alert of `kind` was raised.
    pub fn has_alert(&self, kind: AlertKind) -> bool {
        self.alerts.iter().any(|alert| alert.kind == kind)
    }
}

/// `"<bank>:<hex>"`, the form digests take in deviations.
pub fn digest_text(digest: &Digest) -> String {
    alloc::format!("{}:{digest}", digest.algorithm().name())
}
