//! Windows boot configuration log (WBCL) events: SIPA events that Windows measures as
//! `EV_EVENT_TAG` records into PCRs 12 to 14, and the boot claims drawn from them.
//!
//! The data of such a record is a sequence of SIPA events, each `{u32 type, u32 size, data}`
//! (little-endian, the layout of `TCG_PCClientTaggedEvent`). A type with bit 30
//! ([`sipa::AGGREGATION`]) set holds a nested sequence. The type values are those of
//! Windows' `wbcl.h`, as also used by go-attestation and Azure Attestation.
//!
//! Entry points: [`SipaEvents::new`], [`WindowsBootClaims::from_events`].

use alloc::vec::Vec;

use crate::error::{Error, ErrorKind};
use crate::eventlog::claims::{VerifiedEvents, require_digest_match, require_known_type};
use crate::eventlog::data::Utf16Str;
use crate::eventlog::event_type::EventType;
use crate::reader::Reader;

/// Maximum nesting depth of SIPA aggregations.
pub const MAX_DEPTH: usize = 8;
/// Maximum number of SIPA events walked for one log.
pub const MAX_SIPA_EVENTS: usize = 1 << 20;

const STRUCTURE: &str = "SIPA event";

/// SIPA event types.
pub mod sipa {
    /// Bit set on types whose data is a nested sequence of SIPA events.
    pub const AGGREGATION: u32 = 0x4000_0000;
    /// `SIPAEVENT_TRUSTBOUNDARY`.
    pub const TRUST_BOUNDARY: u32 = 0x4001_0001;
    /// `SIPAEVENT_ELAM_AGGREGATION`.
    pub const ELAM_AGGREGATION: u32 = 0x4001_0002;
    /// `SIPAEVENT_LOADEDMODULE_AGGREGATION`.
    pub const LOADED_MODULE_AGGREGATION: u32 = 0x4001_0003;
    /// `SIPAEVENT_BOOTCOUNTER`.
    pub const BOOT_COUNTER: u32 = 0x0002_0002;
    /// `SIPAEVENT_TRANSFER_CONTROL`: 1 on a cold boot.
    pub const TRANSFER_CONTROL: u32 = 0x0002_0003;
    /// `SIPAEVENT_BITLOCKER_UNLOCK`.
    pub const BITLOCKER_UNLOCK: u32 = 0x0002_0005;
    /// `SIPAEVENT_BOOTDEBUGGING`.
    pub const BOOT_DEBUGGING: u32 = 0x0004_0001;
    /// `SIPAEVENT_OSKERNELDEBUG`.
    pub const OS_KERNEL_DEBUG: u32 = 0x0005_0001;
    /// `SIPAEVENT_CODEINTEGRITY`.
    pub const CODE_INTEGRITY: u32 = 0x0005_0002;
    /// `SIPAEVENT_TESTSIGNING`.
    pub const TEST_SIGNING: u32 = 0x0005_0003;
    /// `SIPAEVENT_DATAEXECUTIONPREVENTION`.
    pub const DATA_EXECUTION_PREVENTION: u32 = 0x0005_0004;
    /// `SIPAEVENT_SAFEMODE`.
    pub const SAFE_MODE: u32 = 0x0005_0005;
    /// `SIPAEVENT_WINPE`.
    pub const WINPE: u32 = 0x0005_0006;
    /// `SIPAEVENT_HYPERVISOR_DEBUG`.
    pub const HYPERVISOR_DEBUG: u32 = 0x0005_000D;
    /// `SIPAEVENT_FLIGHTSIGNING`.
    pub const FLIGHT_SIGNING: u32 = 0x0005_0021;
    /// `SIPAEVENT_FILEPATH`.
    pub const FILE_PATH: u32 = 0x0007_0001;
    /// `SIPAEVENT_IMAGESIZE`.
    pub const IMAGE_SIZE: u32 = 0x0007_0002;
    /// `SIPAEVENT_HASHALGORITHMID`.
    pub const HASH_ALGORITHM_ID: u32 = 0x0007_0003;
    /// `SIPAEVENT_AUTHENTICODEHASH`.
    pub const AUTHENTICODE_HASH: u32 = 0x0007_0004;
    /// `SIPAEVENT_AUTHORITYISSUER`.
    pub const AUTHORITY_ISSUER: u32 = 0x0007_0005;
    /// `SIPAEVENT_IMAGEBASE`.
    pub const IMAGE_BASE: u32 = 0x0007_0007;
    /// `SIPAEVENT_AUTHORITYPUBLISHER`.
    pub const AUTHORITY_PUBLISHER: u32 = 0x0007_0008;
    /// `SIPAEVENT_IMAGEVALIDATED`.
    pub const IMAGE_VALIDATED: u32 = 0x0007_000A;
    /// `SIPAEVENT_ELAM_KEYNAME`.
    pub const ELAM_KEYNAME: u32 = 0x0009_0001;
    /// `SIPAEVENT_ELAM_MEASURED`.
    pub const ELAM_MEASURED: u32 = 0x0009_0004;
    /// `SIPAEVENT_VBS_VSM_REQUIRED`.
    pub const VBS_VSM_REQUIRED: u32 = 0x000A_0001;
    /// `SIPAEVENT_VBS_MANDATORY_ENFORCEMENT`.
    pub const VBS_MANDATORY_ENFORCEMENT: u32 = 0x000A_0006;
    /// `SIPAEVENT_VBS_HVCI_POLICY`.
    pub const VBS_HVCI_POLICY: u32 = 0x000A_0007;
}

/// One SIPA event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SipaEvent<'a> {
    /// The SIPA event type.
    pub event_type: u32,
    /// The data.
    pub data: &'a [u8],
    /// Offset of the data in the log.
    pub data_offset: usize,
}

impl<'a> SipaEvent<'a> {
    /// Whether the data is a nested sequence.
    pub const fn is_aggregation(&self) -> bool {
        self.event_type & sipa::AGGREGATION != 0
    }

    /// The nested events of an aggregation.
    pub fn children(&self) -> SipaEvents<'a> {
        SipaEvents::new(self.data, self.data_offset)
    }

    /// The data as a little-endian unsigned integer of 1, 2, 4 or 8 bytes.
    pub fn integer(&self) -> Result<u64, Error> {
        match *self.data {
            [a] => Ok(u64::from(a)),
            [a, b] => Ok(u64::from(u16::from_le_bytes([a, b]))),
            [a, b, c, d] => Ok(u64::from(u32::from_le_bytes([a, b, c, d]))),
            [a, b, c, d, e, f, g, h] => Ok(u64::from_le_bytes([a, b, c, d, e, f, g, h])),
            _ => Err(Error::invalid(STRUCTURE, "size", self.data_offset)),
        }
    }

    /// The data as a boolean (an integer, non-zero being true).
    pub fn boolean(&self) -> Result<bool, Error> {
        Ok(self.integer()? != 0)
    }
}

/// Iterator over a sequence of SIPA events; it yields an error once and then stops.
#[derive(Clone, Debug)]
pub struct SipaEvents<'a> {
    reader: Reader<'a>,
    failed: bool,
}

impl<'a> SipaEvents<'a> {
    /// The sequence in `data`, which starts at `base` in the log.
    pub const fn new(data: &'a [u8], base: usize) -> Self {
        Self { reader: Reader::new(data, base, STRUCTURE), failed: false }
    }

    fn read(&mut self) -> Result<SipaEvent<'a>, Error> {
        let event_type = self.reader.u32_le()?;
        let size = usize::try_from(self.reader.u32_le()?).unwrap_or(usize::MAX);
        let data_offset = self.reader.offset();
        let data = self.reader.bytes(size)?;
        Ok(SipaEvent { event_type, data, data_offset })
    }
}

impl<'a> Iterator for SipaEvents<'a> {
    type Item = Result<SipaEvent<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.reader.is_empty() {
            return None;
        }
        let result = self.read();
        self.failed = result.is_err();
        Some(result)
    }
}

/// A driver or application that the Windows boot manager or loader loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadedModule<'a> {
    /// PCR of the record.
    pub pcr: u32,
    /// `SIPAEVENT_FILEPATH`.
    pub file_path: Option<Utf16Str<'a>>,
    /// `SIPAEVENT_AUTHENTICODEHASH`.
    pub authenticode_hash: Option<&'a [u8]>,
    /// `SIPAEVENT_HASHALGORITHMID` (a CALG_* value, 0x800C for SHA-256).
    pub hash_algorithm_id: Option<u64>,
    /// `SIPAEVENT_IMAGESIZE`.
    pub image_size: Option<u64>,
    /// `SIPAEVENT_IMAGEBASE`.
    pub image_base: Option<u64>,
    /// `SIPAEVENT_IMAGEVALIDATED`.
    pub image_validated: Option<bool>,
    /// `SIPAEVENT_AUTHORITYISSUER`.
    pub authority_issuer: Option<Utf16Str<'a>>,
    /// `SIPAEVENT_AUTHORITYPUBLISHER`.
    pub authority_publisher: Option<Utf16Str<'a>>,
}

/// An early-launch anti-malware driver entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ElamDriver<'a> {
    /// `SIPAEVENT_ELAM_KEYNAME`.
    pub key_name: Option<Utf16Str<'a>>,
    /// `SIPAEVENT_ELAM_MEASURED`: the measured policy data.
    pub measured: Option<&'a [u8]>,
}

/// Claims about a Windows boot. Weakening settings (debugging, test signing, safe mode, WinPE)
/// are true when any event says so; strengthening settings (code integrity, DEP, VBS) are false
/// when any event says so. `None` means no verified event recorded the setting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WindowsBootClaims<'a> {
    /// `SIPAEVENT_TRANSFER_CONTROL` is 1: the boot did not resume from hibernation.
    pub cold_boot: Option<bool>,
    /// `SIPAEVENT_BOOTCOUNTER`.
    pub boot_count: Option<u64>,
    /// `SIPAEVENT_BOOTDEBUGGING`.
    pub boot_debugging: Option<bool>,
    /// `SIPAEVENT_OSKERNELDEBUG`.
    pub kernel_debugging: Option<bool>,
    /// `SIPAEVENT_HYPERVISOR_DEBUG`.
    pub hypervisor_debugging: Option<bool>,
    /// `SIPAEVENT_TESTSIGNING`.
    pub test_signing: Option<bool>,
    /// `SIPAEVENT_FLIGHTSIGNING`.
    pub flight_signing: Option<bool>,
    /// `SIPAEVENT_CODEINTEGRITY`.
    pub code_integrity: Option<bool>,
    /// `SIPAEVENT_DATAEXECUTIONPREVENTION`.
    pub data_execution_prevention: Option<bool>,
    /// `SIPAEVENT_SAFEMODE`.
    pub safe_mode: Option<bool>,
    /// `SIPAEVENT_WINPE`.
    pub win_pe: Option<bool>,
    /// `SIPAEVENT_VBS_VSM_REQUIRED` and `SIPAEVENT_VBS_MANDATORY_ENFORCEMENT` all true.
    pub vbs_enabled: Option<bool>,
    /// `SIPAEVENT_VBS_HVCI_POLICY` (the last one).
    pub hvci_policy: Option<u64>,
    /// `SIPAEVENT_BITLOCKER_UNLOCK` flags of PCR 12, in order.
    pub bitlocker_unlocks: Vec<u64>,
    /// ELAM drivers.
    pub elam_drivers: Vec<ElamDriver<'a>>,
    /// Modules of `SIPAEVENT_LOADEDMODULE_AGGREGATION`s in PCRs 12 and 13.
    pub loaded_modules: Vec<LoadedModule<'a>>,
}

fn latch_true(slot: &mut Option<bool>, value: bool) {
    *slot = Some(slot.unwrap_or(false) || value);
}

fn latch_false(slot: &mut Option<bool>, value: bool) {
    *slot = Some(slot.unwrap_or(true) && value);
}

impl<'a> WindowsBootClaims<'a> {
    /// Reads the claims from the verified `EV_EVENT_TAG` events of PCRs 12 to 14 that precede
    /// each PCR's `"WBCL"` separator. Every such event's digest must be the hash of its data,
    /// and an event type that the PFP does not define in these PCRs is an error.
    pub fn from_events(events: &VerifiedEvents<'_, 'a>) -> Result<Self, Error> {
        let mut claims = Self::default();
        let mut budget = MAX_SIPA_EVENTS;
        for pcr in [12u32, 13, 14] {
            for event in events.events_of(pcr) {
                require_known_type(event)?;
                if event.event_type == EventType::EV_SEPARATOR {
                    break;
                }
                if event.event_type != EventType::EV_EVENT_TAG {
                    continue;
                }
                require_digest_match(event, "EV_EVENT_TAG")?;
                claims.walk(pcr, SipaEvents::new(event.data, event.data_offset), 0, &mut budget)?;
            }
        }
        Ok(claims)
    }

    fn walk(&mut self, pcr: u32, sequence: SipaEvents<'a>, depth: usize, budget: &mut usize) -> Result<(), Error> {
        for event in sequence {
            let event = event?;
            *budget = budget.checked_sub(1).ok_or(Error::new(
                ErrorKind::LimitExceeded { what: "SIPA events", max: MAX_SIPA_EVENTS },
                STRUCTURE,
                event.data_offset,
            ))?;
            match event.event_type {
                sipa::LOADED_MODULE_AGGREGATION if pcr != 14 => {
                    let module = loaded_module(pcr, &event, budget)?;
                    self.loaded_modules.push(module);
                }
                sipa::ELAM_AGGREGATION => {
                    let driver = elam_driver(&event, budget)?;
                    self.elam_drivers.push(driver);
                }
                _ if event.is_aggregation() => {
                    let next = depth.checked_add(1).filter(|next| *next <= MAX_DEPTH).ok_or(Error::new(
                        ErrorKind::LimitExceeded { what: "SIPA nesting levels", max: MAX_DEPTH },
                        STRUCTURE,
                        event.data_offset,
                    ))?;
                    self.walk(pcr, event.children(), next, budget)?;
                }
                _ => self.record(pcr, &event)?,
            }
        }
        Ok(())
    }

    fn record(&mut self, pcr: u32, event: &SipaEvent<'a>) -> Result<(), Error> {
        match event.event_type {
            sipa::TRANSFER_CONTROL => self.cold_boot = Some(event.integer()? == 1),
            sipa::BOOT_COUNTER => self.boot_count = Some(event.integer()?),
            sipa::BITLOCKER_UNLOCK if pcr == 12 => self.bitlocker_unlocks.push(event.integer()?),
            sipa::BOOT_DEBUGGING => latch_true(&mut self.boot_debugging, event.boolean()?),
            sipa::OS_KERNEL_DEBUG => latch_true(&mut self.kernel_debugging, event.boolean()?),
            sipa::HYPERVISOR_DEBUG => latch_true(&mut self.hypervisor_debugging, event.boolean()?),
            sipa::TEST_SIGNING => latch_true(&mut self.test_signing, event.boolean()?),
            sipa::FLIGHT_SIGNING => latch_true(&mut self.flight_signing, event.boolean()?),
            sipa::SAFE_MODE => latch_true(&mut self.safe_mode, event.boolean()?),
            sipa::WINPE => latch_true(&mut self.win_pe, event.boolean()?),
            sipa::CODE_INTEGRITY => latch_false(&mut self.code_integrity, event.boolean()?),
            sipa::DATA_EXECUTION_PREVENTION => latch_false(&mut self.data_execution_prevention, event.boolean()?),
            sipa::VBS_VSM_REQUIRED | sipa::VBS_MANDATORY_ENFORCEMENT => {
                latch_false(&mut self.vbs_enabled, event.boolean()?)
            }
            sipa::VBS_HVCI_POLICY => self.hvci_policy = Some(event.integer()?),
            _ => {}
        }
        Ok(())
    }
}

fn take_budget(budget: &mut usize, offset: usize) -> Result<(), Error> {
    *budget = budget.checked_sub(1).ok_or(Error::new(
        ErrorKind::LimitExceeded { what: "SIPA events", max: MAX_SIPA_EVENTS },
        STRUCTURE,
        offset,
    ))?;
    Ok(())
}

fn loaded_module<'a>(pcr: u32, aggregation: &SipaEvent<'a>, budget: &mut usize) -> Result<LoadedModule<'a>, Error> {
    let mut module = LoadedModule { pcr, ..LoadedModule::default() };
    for event in aggregation.children() {
        let event = event?;
        take_budget(budget, event.data_offset)?;
        match event.event_type {
            sipa::FILE_PATH => module.file_path = Some(Utf16Str(event.data)),
            sipa::AUTHENTICODE_HASH => module.authenticode_hash = Some(event.data),
            sipa::HASH_ALGORITHM_ID => module.hash_algorithm_id = Some(event.integer()?),
            sipa::IMAGE_SIZE => module.image_size = Some(event.integer()?),
            sipa::IMAGE_BASE => module.image_base = Some(event.integer()?),
            sipa::IMAGE_VALIDATED => module.image_validated = Some(event.boolean()?),
            sipa::AUTHORITY_ISSUER => module.authority_issuer = Some(Utf16Str(event.data)),
            sipa::AUTHORITY_PUBLISHER => module.authority_publisher = Some(Utf16Str(event.data)),
            _ => {}
        }
    }
    Ok(module)
}

fn elam_driver<'a>(aggregation: &SipaEvent<'a>, budget: &mut usize) -> Result<ElamDriver<'a>, Error> {
    let mut driver = ElamDriver::default();
    for event in aggregation.children() {
        let event = event?;
        take_budget(budget, event.data_offset)?;
        match event.event_type {
            sipa::ELAM_KEYNAME => driver.key_name = Some(Utf16Str(event.data)),
            sipa::ELAM_MEASURED => driver.measured = Some(event.data),
            _ => {}
        }
    }
    Ok(driver)
}
