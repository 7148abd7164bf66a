//! Claims about a boot: loaded images (PCR 4) and kernel command lines (PCRs 8 and 12), per
//! the PCR usage of TCG PC Client PFP 1.05, sections 3.3.4 and 10.4. Claims come only from
//! events whose PCR replayed to the expected value, and only in the banks that matched.
//!
//! Entry point: [`VerifiedEvents::new`]. Secure Boot state and Windows claims build on it in
//! [`crate::eventlog::secureboot_state`] and [`crate::eventlog::windows`].
//!
//! Event data that the digest does not cover (the device path and load address of an image)
//! is reported as logged: it is metadata, not evidence.

use alloc::vec::Vec;
use core::fmt;

use crate::digest::{Digest, HashAlgorithm};
use crate::error::{Error, ErrorKind};
use crate::eventlog::data::{EventData, ImageLoadEvent, Ipl, Utf16Str};
use crate::eventlog::event_type::EventType;
use crate::eventlog::parse::{Event, EventLog};
use crate::eventlog::replay::{DigestCheck, PcrResult, ReplayReport, check_digest};
use crate::uefi::device_path::DevicePath;

/// The events of a log that a replay verified: events of PCRs where at least one bank matched
/// and no bank differed, with the banks that matched.
#[derive(Clone, Copy, Debug)]
pub struct VerifiedEvents<'l, 'a> {
    log: &'l EventLog<'a>,
    /// Bit `pcr` of entry `algorithm.index()`: that bank of that PCR matched.
    matched: [u32; 4],
}

impl<'l, 'a> VerifiedEvents<'l, 'a> {
    /// The verified events of `log`, according to `report`, which must come from replaying this
    /// same log.
    pub fn new(log: &'l EventLog<'a>, report: &ReplayReport) -> Self {
        let verified = report.verified_pcrs();
        let mut matched = [0u32; 4];
        for entry in report.entries() {
            if entry.result == PcrResult::Matches && entry.pcr < 24 && verified & (1u32 << entry.pcr) != 0 {
                if let Some(mask) = matched.get_mut(entry.algorithm.index()) {
                    *mask |= 1u32 << entry.pcr;
                }
            }
        }
        Self { log, matched }
    }

    /// Every event of `log`, as if every PCR had matched in every bank. For debugging output and
    /// for logs that come with no PCR values: nothing drawn from it is evidence.
    pub fn danger_unverified(log: &'l EventLog<'a>) -> Self {
        Self { log, matched: [0x00FF_FFFF; 4] }
    }

    /// The log.
    pub const fn log(&self) -> &'l EventLog<'a> {
        self.log
    }

    /// Whether PCR `pcr` matched in some bank.
    pub fn is_verified(&self, pcr: u32) -> bool {
        pcr < 24 && self.matched.iter().any(|mask| mask & (1u32 << pcr) != 0)
    }

    /// Whether PCR `pcr` matched in `algorithm`'s bank.
    pub fn is_bank_verified(&self, algorithm: HashAlgorithm, pcr: u32) -> bool {
        pcr < 24 && self.matched.get(algorithm.index()).is_some_and(|mask| mask & (1u32 << pcr) != 0)
    }

    /// The extended events of PCR `pcr`, in log order; none when the PCR is not verified.
    pub fn events_of(&self, pcr: u32) -> impl Iterator<Item = &'l Event<'a>> + '_ {
        let verified = self.is_verified(pcr);
        self.log.events().iter().filter(move |event| verified && event.pcr_index == pcr && event.is_extended())
    }

    /// The digests of `event` in the banks that matched for its PCR.
    pub fn verified_digests(&self, event: &Event<'_>) -> Vec<Digest> {
        event.digests().filter(|digest| self.is_bank_verified(digest.algorithm(), event.pcr_index)).collect()
    }
}

/// Fails with an error at `event` unless its type is one the PFP defines.
pub(crate) fn require_known_type(event: &Event<'_>) -> Result<(), Error> {
    if event.event_type.name().is_some() {
        Ok(())
    } else {
        Err(Error::invalid("TCG_PCR_EVENT2", "eventType", event.offset.saturating_add(4)))
    }
}

/// Fails unless `event`'s digests are the hash of its data (a named quirk included).
pub(crate) fn require_digest_match(event: &Event<'_>, structure: &'static str) -> Result<DigestCheck, Error> {
    match check_digest(event) {
        check @ (DigestCheck::Matches | DigestCheck::MatchesWithQuirk(_)) => Ok(check),
        DigestCheck::Differs(_) | DigestCheck::NotVerifiable => {
            Err(Error::new(ErrorKind::InvalidField { field: "digest" }, structure, event.offset))
        }
    }
}

/// An image that firmware loaded and measured into PCR 2 or 4.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadedImage<'a> {
    /// Index of the event.
    pub event_index: usize,
    /// The PCR.
    pub pcr: u32,
    /// `EV_EFI_BOOT_SERVICES_APPLICATION`, `_DRIVER` or `EV_EFI_RUNTIME_SERVICES_DRIVER`.
    pub event_type: EventType,
    /// The image's Authenticode digests, in the banks that matched.
    pub authenticode_digests: Vec<Digest>,
    /// The logged `UEFI_IMAGE_LOAD_EVENT` (not covered by the digest).
    pub image_load: ImageLoadEvent<'a>,
    /// The decoded device path, when it is well-formed.
    pub device_path: Option<DevicePath<'a>>,
}

/// The images loaded from boot options: `EV_EFI_BOOT_SERVICES_APPLICATION` events of PCR 4,
/// in load order. Any event type in PCR 4 that the PFP does not define is an error.
pub fn loaded_images<'a>(events: &VerifiedEvents<'_, 'a>) -> Result<Vec<LoadedImage<'a>>, Error> {
    let mut images = Vec::new();
    for event in events.events_of(4) {
        require_known_type(event)?;
        if event.event_type != EventType::EV_EFI_BOOT_SERVICES_APPLICATION {
            continue;
        }
        let EventData::ImageLoad(image_load) = event.decode()? else { continue };
        images.push(LoadedImage {
            event_index: event.index,
            pcr: event.pcr_index,
            event_type: event.event_type,
            authenticode_digests: events.verified_digests(event),
            image_load,
            device_path: image_load.device_path().ok(),
        });
    }
    Ok(images)
}

/// The boot component that measured a command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandLineSource {
    /// GRUB `kernel_cmdline:` in PCR 8.
    Grub,
    /// GRUB `grub_cmd:` in PCR 8 (a GRUB command, such as `linux /vmlinuz … root=…`).
    GrubCommand,
    /// systemd-stub's UTF-16 command line in PCR 12.
    SystemdStub,
}

/// A command line text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandLineText<'a> {
    /// ASCII text.
    Ascii(&'a str),
    /// UTF-16LE text.
    Utf16(Utf16Str<'a>),
}

impl fmt::Display for CommandLineText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ascii(text) => f.write_str(text),
            Self::Utf16(text) => fmt::Display::fmt(text, f),
        }
    }
}

/// A measured command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommandLine<'a> {
    /// Index of the event.
    pub event_index: usize,
    /// The component that measured it.
    pub source: CommandLineSource,
    /// The text.
    pub text: CommandLineText<'a>,
}

/// The command lines of `EV_IPL` events in PCRs 8 and 12, in log order. Each event's digest
/// must be the hash of its text, otherwise the text is not what was measured and the call fails.
pub fn command_lines<'a>(events: &VerifiedEvents<'_, 'a>) -> Result<Vec<CommandLine<'a>>, Error> {
    let mut lines = Vec::new();
    for pcr in [8, 12] {
        for event in events.events_of(pcr) {
            if event.event_type != EventType::EV_IPL {
                continue;
            }
            let EventData::Ipl(ipl) = event.decode()? else { continue };
            let (source, text) = match (pcr, ipl) {
                (8, Ipl::KernelCommandLine(text)) => (CommandLineSource::Grub, CommandLineText::Ascii(text)),
                (8, Ipl::GrubCommand(text)) => (CommandLineSource::GrubCommand, CommandLineText::Ascii(text)),
                (12, Ipl::Utf16(text)) => (CommandLineSource::SystemdStub, CommandLineText::Utf16(text)),
                _ => continue,
            };
            require_digest_match(event, "EV_IPL")?;
            lines.push(CommandLine { event_index: event.index, source, text });
        }
    }
    lines.sort_by_key(|line| line.event_index);
    Ok(lines)
}

/// Fails at the second `EV_SEPARATOR` of any verified PCR. Firmware measures one separator per
/// PCR (PFP 1.05, section 3.3.2.2), so a second one means events were appended or replayed.
pub fn check_separators(events: &VerifiedEvents<'_, '_>) -> Result<(), Error> {
    let mut seen = 0u32;
    for event in events.log().events() {
        if event.event_type != EventType::EV_SEPARATOR || !events.is_verified(event.pcr_index) {
            continue;
        }
        let bit = 1u32.checked_shl(event.pcr_index).unwrap_or(0);
        if seen & bit != 0 {
            return Err(Error::invalid("EV_SEPARATOR", "duplicate separator", event.offset));
        }
        seen |= bit;
    }
    Ok(())
}
