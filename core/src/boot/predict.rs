//! PCR prediction for one boot path: EDK2/OVMF (Debian's 2022.11 build, QEMU q35) starting
//! shim, shim starting GRUB, and GRUB starting a Linux kernel, from the variable store as it is
//! before the boot and the three images. The result is the events that firmware and shim log
//! into PCRs 4, 7 and 14, in every bank, and the values those PCRs reach (TCG PC Client Platform
//! Firmware Profile 1.05, sections 3.3.4 and 10.4).
//!
//! What the model covers, checked event by event against logs of real boots:
//! - PCR 7, firmware: `EV_EFI_VARIABLE_DRIVER_CONFIG` for `SecureBoot`, `PK`, `KEK`, `db` and
//!   `dbx` in that order, each logged with empty data when absent. EDK2's Tcg2Dxe
//!   (`MeasureAllSecureVariables`) adds `dbt` only when present and never measures `dbr`. Then
//!   the separator.
//!   With Secure Boot on, the `db` entry that authorized shim as `EV_EFI_VARIABLE_AUTHORITY`.
//! - PCR 7, shim 16: its `SbatLevel` after shim updated it, logged as an
//!   `EV_EFI_VARIABLE_AUTHORITY` of `SHIM_LOCK_GUID`. With Secure Boot on, the entry that
//!   verified GRUB and the kernel: a `db` entry (logged as `db`), or else the vendor
//!   certificate from `.vendor_cert`, logged as `MokListRT` with data `SHIM_LOCK_GUID ‖ DER`.
//!   shim logs one authority only once, so a kernel signed by GRUB's signer adds nothing. shim
//!   16.1 logs the structure without the trailing byte older shims appended.
//! - PCR 4, firmware: `Calling EFI Application from Boot Option`, the separator, and for every
//!   boot option that failed before shim's (the empty DVD drive of a default q35 machine is
//!   one) `Returning from EFI Application from Boot Option` and another `Calling …`. Then
//!   shim's Authenticode digest.
//! - PCR 4, shim: GRUB's Authenticode digest. With Secure Boot on, the kernel's twice (shim's
//!   verify protocol, called by GRUB, and shim's `LoadImage` hook each log it). With Secure
//!   Boot off GRUB neither asks shim to verify the kernel nor loads it through `LoadImage`, so
//!   the kernel appears in PCR 9 (GRUB's file measurement) and not in PCR 4.
//! - PCR 14, shim: `EV_IPL` events named `MokList`, `MokListX` and `MokListTrusted` whose
//!   digests cover the mirrored contents: the vendor certificate as one `EFI_SIGNATURE_LIST`,
//!   the vendor `dbx`, and the byte `01`.
//!
//! What it does not model: PCRs 0–3, 5, 6, 8 and 9 (firmware volumes, boot variables, GPT,
//! GRUB's commands and files), option ROMs and drivers, boot options other than one failed
//! attempt count, `SecureBoot` on firmware built without Secure Boot, MOK state (`MokList`,
//! `MokListX`, `MokSBState`, `SbatPolicy`… in the store make prediction fail), shim's
//! `.sbat`-less or `.sbatlevel`-less builds, the device paths and load addresses in image events
//! (not covered by the digests, so they are logged as empty and 0), and any step after the
//! kernel starts. Entry point: [`predict`].

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::boot::measure::{
    MeasureError, Measurer, SEPARATOR_DATA, authenticode_digests, uefi_image_load_event, uefi_variable_data,
};
use crate::digest::{Digest, HashAlgorithm};
use crate::error::Error;
use crate::eventlog::event_type::EventType;
use crate::pe::PeImage;
use crate::tpm::pcr::PcrBanks;
use crate::uefi::guid::{EFI_CERT_X509, EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE, Guid, SHIM_LOCK};
use crate::uefi::sbat::SbatLevelOwned;
use crate::uefi::secureboot::{ImageVerdict, SecureBootPolicy};
use crate::uefi::shim::{VendorCertificates, vendor_certificates};
use crate::uefi::sigdb::{SignatureDatabase, SignatureEntry};
use crate::uefi::siglist::build_signature_list;
use crate::uefi::varstore::VariableStore;
use crate::uefi::varstore::policy::secure_boot_policy;

/// The PCRs a [`Prediction`] covers.
pub const PREDICTED_PCRS: [u32; 3] = [4, 7, 14];

/// `EFI_SECURE_BOOT_ENABLE_DISABLE` (EDK2): vendor of `SecureBootEnable`.
const SECURE_BOOT_ENABLE_DISABLE: Guid =
    Guid::from_fields(0xf0a30bc7, 0xaf08, 0x4556, [0x99, 0xc4, 0x00, 0x10, 0x09, 0xc9, 0x3a, 0x44]);

/// The `SbatLevel` shim writes when Secure Boot is off (shim's `SBAT_VAR_ORIGINAL`).
const SBAT_LEVEL_ORIGINAL: &[u8] = b"sbat,1,2021030218\n";

/// The `EV_EFI_ACTION` EDK2 logs at the first `ReadyToBoot`.
pub const CALLING_BOOT_OPTION: &str = "Calling EFI Application from Boot Option";

/// The `EV_EFI_ACTION` EDK2 logs at each later `ReadyToBoot`, before another `Calling …`.
pub const RETURNING_FROM_BOOT_OPTION: &str = "Returning from EFI Application from Boot Option";

/// shim's `MokListTrusted` value when the store contains none: trust the MOK list (`01`).
const MOK_LIST_TRUSTED_DEFAULT: &[u8] = &[1];

/// shim state variables that change what shim measures; the model assumes none of them is set.
const UNMODELLED_SHIM_VARIABLES: [&str; 8] =
    ["MokList", "MokListX", "MokListTrusted", "MokSBState", "MokDBState", "MokIgnoreDB", "MokPolicy", "SbatPolicy"];

/// The images of the boot path, as they are on the EFI System Partition.
#[derive(Clone, Copy, Debug)]
pub struct BootChain<'a> {
    /// shim (`BOOTX64.EFI`), started by firmware.
    pub shim: &'a [u8],
    /// GRUB, started by shim.
    pub grub: &'a [u8],
    /// The Linux kernel (EFI stub), started by GRUB.
    pub kernel: &'a [u8],
}

/// One image of the [`BootChain`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BootStage {
    /// shim.
    Shim,
    /// GRUB.
    Grub,
    /// The kernel.
    Kernel,
}

impl BootStage {
    /// Returns the stage's name as used in messages.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Shim => "shim",
            Self::Grub => "GRUB",
            Self::Kernel => "kernel",
        }
    }
}

/// Settings of the machine that are not in the store or the images.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PredictOptions {
    /// The PCR banks the vTPM has allocated; the prediction covers each of them.
    pub algorithms: Vec<HashAlgorithm>,
    /// Boot options firmware tried and failed before shim's. A QEMU q35 machine has an empty
    /// DVD drive unless it is removed, and OVMF tries it first, so 1 fits QEMU's defaults.
    pub failed_boot_options: u32,
}

impl Default for PredictOptions {
    fn default() -> Self {
        Self { algorithms: HashAlgorithm::ALL.to_vec(), failed_boot_options: 1 }
    }
}

/// The reason no prediction could be made.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PredictError {
    /// A Secure Boot variable of the store cannot be parsed.
    Store(Error),
    /// An image cannot be read as PE/COFF.
    Image {
        /// Which image.
        stage: BootStage,
        /// The parse error.
        error: Error,
    },
    /// Firmware or shim would refuse an image, so the modelled boot does not happen.
    Refused {
        /// Which image.
        stage: BootStage,
        /// [`crate::uefi::secureboot::RefusalReason::code`] of the refusal.
        reason: &'static str,
    },
    /// shim carries no vendor certificate, or no `.sbatlevel` section, which the model needs.
    ShimUnsupported(&'static str),
    /// The store contains a shim state variable that changes shim's measurements, which the model
    /// does not cover.
    UnmodelledVariable(&'static str),
    /// A measurement failed (a bank missing from the options).
    Measure(MeasureError),
}

impl fmt::Display for PredictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Store(error) => write!(f, "invalid variable store: {error}"),
            Self::Image { stage, error } => write!(f, "invalid {} image: {error}", stage.name()),
            Self::Refused { stage, reason } => {
                write!(f, "the {} image would be refused ({reason}), so this boot does not happen", stage.name())
            }
            Self::ShimUnsupported(what) => write!(f, "unsupported shim build: {what}"),
            Self::UnmodelledVariable(name) => {
                write!(f, "the store holds shim's {name} variable, whose effect on measurements is not modelled")
            }
            Self::Measure(error) => write!(f, "{error}"),
        }
    }
}

impl core::error::Error for PredictError {}

impl From<MeasureError> for PredictError {
    fn from(error: MeasureError) -> Self {
        Self::Measure(error)
    }
}

/// One predicted event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PredictedEvent {
    /// The PCR it extends.
    pub pcr: u32,
    /// Its type.
    pub event_type: EventType,
    /// Its digest in each bank, in the order of [`PredictOptions::algorithms`].
    pub digests: Vec<Digest>,
    /// The event data as logged.
    pub data: Vec<u8>,
    /// A one-line summary, for reports.
    pub description: String,
}

/// The events and PCR values a boot will produce.
#[derive(Clone, Debug)]
pub struct Prediction {
    /// Whether firmware boots with Secure Boot on (the `SecureBoot` value measured is `01`).
    pub secure_boot: bool,
    /// The events of PCRs 4, 7 and 14, in the order they happen.
    pub events: Vec<PredictedEvent>,
    /// The predicted event log: a Spec ID event followed by [`Prediction::events`].
    pub log: Vec<u8>,
    banks: PcrBanks,
}

impl Prediction {
    /// The predicted value of `pcr` in the bank of `algorithm`, for a PCR of [`PREDICTED_PCRS`].
    pub fn value(&self, algorithm: HashAlgorithm, pcr: u32) -> Option<&Digest> {
        if !PREDICTED_PCRS.contains(&pcr) {
            return None;
        }
        self.banks.value(algorithm, pcr)
    }

    /// The banks of the prediction.
    pub fn algorithms(&self) -> impl Iterator<Item = HashAlgorithm> + '_ {
        self.banks.algorithms()
    }
}

/// Predicts the events and PCR 4, 7 and 14 values of booting `chain` with the variable
/// `store` as it is before the boot (see the module documentation for what is modelled).
pub fn predict(
    store: &dyn VariableStore,
    chain: &BootChain<'_>,
    options: &PredictOptions,
) -> Result<Prediction, PredictError> {
    for name in UNMODELLED_SHIM_VARIABLES {
        if store.find(name, &SHIM_LOCK).is_some() {
            return Err(PredictError::UnmodelledVariable(name));
        }
    }
    let shim_image =
        PeImage::parse(chain.shim).map_err(|error| PredictError::Image { stage: BootStage::Shim, error })?;
    let vendor = vendor_certificates(&shim_image)
        .map_err(|error| PredictError::Image { stage: BootStage::Shim, error })?
        .ok_or(PredictError::ShimUnsupported("no .vendor_cert section"))?;
    let secure_boot_value = secure_boot_value(store);
    let secure_boot = secure_boot_value == [1];

    let mut recorder = Recorder::new(&options.algorithms)?;
    measure_secure_boot_variables(&mut recorder, store, &secure_boot_value)?;
    recorder.separator(7)?;
    measure_boot_option_actions(&mut recorder, options.failed_boot_options)?;

    let mut firmware_policy = secure_boot_policy(store).map_err(PredictError::Store)?;
    firmware_policy.sbat_level = None;
    if secure_boot {
        let entry = authorizing_entry(&firmware_policy, chain.shim, BootStage::Shim)?;
        recorder.authority("db", &EFI_IMAGE_SECURITY_DATABASE, &entry.to_signature_data())?;
    }
    recorder.image(chain.shim, BootStage::Shim)?;

    let sbat_level = shim_sbat_level(store, &shim_image, secure_boot)?;
    measure_shim_state(&mut recorder, &vendor, &sbat_level)?;

    let mut shim = ShimVerifier::new(firmware_policy, &vendor, &sbat_level)?;
    if secure_boot {
        shim.verify_and_measure(&mut recorder, chain.grub, BootStage::Grub)?;
    }
    recorder.image(chain.grub, BootStage::Grub)?;
    if secure_boot {
        shim.verify_and_measure(&mut recorder, chain.kernel, BootStage::Kernel)?;
        recorder.image(chain.kernel, BootStage::Kernel)?;
        recorder.image(chain.kernel, BootStage::Kernel)?;
    }

    recorder.finish(secure_boot)
}

/// Computes the `SecureBoot` value firmware measures: the store's `SecureBoot` when it has one (an
/// efivarfs copy of a running system), else what EDK2's `AuthVariableLib` derives at startup:
/// `01` when `PK` is set and `SecureBootEnable` is absent or `01`, `00` otherwise.
fn secure_boot_value(store: &dyn VariableStore) -> Vec<u8> {
    if let Some(variable) = store.find("SecureBoot", &EFI_GLOBAL_VARIABLE) {
        return variable.data.clone();
    }
    let user_mode = store.find("PK", &EFI_GLOBAL_VARIABLE).is_some_and(|pk| !pk.data.is_empty());
    let enabled = store
        .find("SecureBootEnable", &SECURE_BOOT_ENABLE_DISABLE)
        .is_none_or(|variable| variable.data.first() == Some(&1));
    alloc::vec![u8::from(user_mode && enabled)]
}

fn measure_secure_boot_variables(
    recorder: &mut Recorder,
    store: &dyn VariableStore,
    secure_boot_value: &[u8],
) -> Result<(), PredictError> {
    recorder.driver_config("SecureBoot", &EFI_GLOBAL_VARIABLE, secure_boot_value)?;
    for (name, guid) in [
        ("PK", EFI_GLOBAL_VARIABLE),
        ("KEK", EFI_GLOBAL_VARIABLE),
        ("db", EFI_IMAGE_SECURITY_DATABASE),
        ("dbx", EFI_IMAGE_SECURITY_DATABASE),
    ] {
        let data = store.find(name, &guid).map_or(&[][..], |variable| variable.data.as_slice());
        recorder.driver_config(name, &guid, data)?;
    }
    if let Some(dbt) = store.find("dbt", &EFI_IMAGE_SECURITY_DATABASE) {
        recorder.driver_config("dbt", &EFI_IMAGE_SECURITY_DATABASE, &dbt.data)?;
    }
    Ok(())
}

fn measure_boot_option_actions(recorder: &mut Recorder, failed_boot_options: u32) -> Result<(), PredictError> {
    recorder.action(CALLING_BOOT_OPTION)?;
    recorder.separator(4)?;
    for _ in 0..failed_boot_options {
        recorder.action(RETURNING_FROM_BOOT_OPTION)?;
        recorder.action(CALLING_BOOT_OPTION)?;
    }
    Ok(())
}

/// Finds the `db` entry that `policy` authorizes `image` with, or returns the refusal as an error.
fn authorizing_entry(
    policy: &SecureBootPolicy,
    image: &[u8],
    stage: BootStage,
) -> Result<SignatureEntry, PredictError> {
    match policy.verify_image(image).map_err(|error| PredictError::Image { stage, error })? {
        ImageVerdict::Allowed { authority, .. } => Ok(authority.entry),
        ImageVerdict::Refused { reason, .. } => Err(PredictError::Refused { stage, reason: reason.code() }),
    }
}

/// Computes the `SbatLevel` that shim leaves in the store and measures: the store's own when it is at least
/// as recent as the level shim would write, else that level. With Secure Boot on shim writes its
/// built-in "previous" level (the default `automatic` policy), with it off the original
/// `sbat,1,2021030218`.
fn shim_sbat_level(store: &dyn VariableStore, shim: &PeImage<'_>, secure_boot: bool) -> Result<Vec<u8>, PredictError> {
    let candidate = if secure_boot { shim_previous_sbat_level(shim)? } else { SBAT_LEVEL_ORIGINAL.to_vec() };
    let candidate_datestamp = datestamp(&candidate);

    // NOTE: with Secure Boot off and a newer SbatLevel in the store, the store's level is kept
    // as shim does with Secure Boot on. No real boot of that case was compared.
    let existing = store.find("SbatLevel", &SHIM_LOCK).or_else(|| store.find("SbatLevelRT", &SHIM_LOCK));
    if let Some(existing) = existing {
        if let (Some(current), Some(wanted)) = (datestamp(&existing.data), candidate_datestamp) {
            if current >= wanted {
                return Ok(existing.data.clone());
            }
        }
    }
    Ok(candidate)
}

/// Reads the `YYYYMMDDnn` datestamp of an `SbatLevel` payload as a number.
fn datestamp(level: &[u8]) -> Option<u64> {
    let parsed = SbatLevelOwned::parse(level).ok()?;
    parsed.datestamp.parse().ok()
}

/// shim's built-in "previous" `SbatLevel` from its `.sbatlevel` section: a `u32` format version
/// (0), then the offsets of the "previous" and "latest" NUL-terminated payloads, counted from the
/// end of the version field.
fn shim_previous_sbat_level(shim: &PeImage<'_>) -> Result<Vec<u8>, PredictError> {
    let unsupported = PredictError::ShimUnsupported("no readable .sbatlevel section");
    let section = shim.section_by_full_name(b".sbatlevel").ok_or(unsupported.clone())?;
    let data = shim.section_data(section).map_err(|error| PredictError::Image { stage: BootStage::Shim, error })?;

    let version = data.get(0..4).ok_or(unsupported.clone())?;
    let previous_offset = data.get(4..8).ok_or(unsupported.clone())?;
    if version != [0, 0, 0, 0] {
        return Err(PredictError::ShimUnsupported(".sbatlevel format version is not 0"));
    }
    let previous_offset = u32::from_le_bytes(previous_offset.try_into().map_err(|_| unsupported.clone())?);
    let start =
        usize::try_from(previous_offset).ok().and_then(|offset| offset.checked_add(4)).ok_or(unsupported.clone())?;
    let payload = data.get(start..).ok_or(unsupported.clone())?;
    let end = payload.iter().position(|byte| *byte == 0).ok_or(unsupported.clone())?;
    let level = payload.get(..end).ok_or(unsupported)?;
    Ok(level.to_vec())
}

/// shim's measurements of its state variables, in the order shim 16 mirrors them.
fn measure_shim_state(
    recorder: &mut Recorder,
    vendor: &VendorCertificates<'_>,
    sbat_level: &[u8],
) -> Result<(), PredictError> {
    let mok_list = vendor_mok_list(vendor)?;
    recorder.shim_ipl("MokList", &mok_list)?;
    recorder.shim_ipl("MokListX", vendor.deauthorized)?;
    recorder.authority("SbatLevel", &SHIM_LOCK, sbat_level)?;
    recorder.shim_ipl("MokListTrusted", MOK_LIST_TRUSTED_DEFAULT)
}

/// Builds the `MokListRT` that shim mirrors from its vendor certificate: one `EFI_CERT_X509` list owned by
/// `SHIM_LOCK_GUID`.
fn vendor_mok_list(vendor: &VendorCertificates<'_>) -> Result<Vec<u8>, PredictError> {
    if !vendor.authorized_lists.is_empty() {
        return Err(PredictError::ShimUnsupported("a vendor db of signature lists in .vendor_cert"));
    }
    let certificate = vendor.authorized.first().ok_or(PredictError::ShimUnsupported("no vendor certificate"))?;
    build_signature_list(EFI_CERT_X509, &[(SHIM_LOCK, certificate)])
        .map_err(|error| PredictError::Image { stage: BootStage::Shim, error })
}

/// shim's checks of the images it starts, and the authorities it has measured.
struct ShimVerifier {
    /// `db` and `dbx` of the store plus the vendor `dbx`, with the `SbatLevel` shim applies.
    db_policy: SecureBootPolicy,
    /// The vendor certificates as `db`, with the same `dbx`.
    vendor_policy: SecureBootPolicy,
    measured: Vec<(&'static str, Vec<u8>)>,
}

impl ShimVerifier {
    fn new(
        firmware_policy: SecureBootPolicy,
        vendor: &VendorCertificates<'_>,
        sbat_level: &[u8],
    ) -> Result<Self, PredictError> {
        let mut db_policy = firmware_policy;
        for list in &vendor.deauthorized_lists {
            db_policy.dbx.add_list(list);
        }
        db_policy.sbat_level = SbatLevelOwned::parse(sbat_level).ok();

        let mut vendor_db = SignatureDatabase::new();
        for certificate in &vendor.authorized {
            vendor_db
                .add_certificate(certificate, SHIM_LOCK)
                .map_err(|error| PredictError::Image { stage: BootStage::Shim, error })?;
        }
        let vendor_policy = SecureBootPolicy { db: vendor_db, ..db_policy.clone() };
        Ok(Self { db_policy, vendor_policy, measured: Vec::new() })
    }

    /// Verifies `image` as shim does (first against `db`, then against the vendor certificate)
    /// and measures the authorizing entry unless shim measured the same one before.
    ///
    /// NOTE: shim checks each `db` certificate with its own Authenticode code, and this
    /// approximates it with the UEFI rules of `verify_image`. Only the vendor-certificate path
    /// was compared with a real boot. The kernel, which shim verifies for GRUB through its protocol,
    /// is checked without SBAT, as it carries no `.sbat` section.
    fn verify_and_measure(
        &mut self,
        recorder: &mut Recorder,
        image: &[u8],
        stage: BootStage,
    ) -> Result<(), PredictError> {
        let mut db_policy = self.db_policy.clone();
        let mut vendor_policy = self.vendor_policy.clone();
        if stage == BootStage::Kernel {
            db_policy.sbat_level = None;
            vendor_policy.sbat_level = None;
        }

        let (name, guid, data) = match authorizing_entry(&db_policy, image, stage) {
            Ok(entry) => ("db", EFI_IMAGE_SECURITY_DATABASE, entry.to_signature_data()),
            Err(PredictError::Refused { .. }) => {
                let entry = authorizing_entry(&vendor_policy, image, stage)?;
                ("MokListRT", SHIM_LOCK, entry.to_signature_data())
            }
            Err(error) => return Err(error),
        };
        if self.measured.iter().any(|(measured_name, measured_data)| *measured_name == name && *measured_data == data) {
            return Ok(());
        }
        recorder.authority(name, &guid, &data)?;
        self.measured.push((name, data));
        Ok(())
    }
}

/// A [`Measurer`] that also keeps each event with a description.
struct Recorder {
    measurer: Measurer,
    events: Vec<PredictedEvent>,
}

impl Recorder {
    fn new(algorithms: &[HashAlgorithm]) -> Result<Self, PredictError> {
        Ok(Self { measurer: Measurer::new(algorithms, 0)?, events: Vec::new() })
    }

    /// Logs and extends an event, keeping a copy.
    fn record(
        &mut self,
        pcr: u32,
        event_type: EventType,
        digests: Vec<Digest>,
        data: Vec<u8>,
        description: String,
    ) -> Result<(), PredictError> {
        self.measurer.extend(pcr, event_type, &digests, &data)?;
        self.events.push(PredictedEvent { pcr, event_type, digests, data, description });
        Ok(())
    }

    /// Records an event whose digests are the hashes of `measured`.
    fn record_hashed(
        &mut self,
        pcr: u32,
        event_type: EventType,
        data: Vec<u8>,
        measured: &[u8],
        description: String,
    ) -> Result<(), PredictError> {
        let digests = self.measurer.algorithms().iter().map(|algorithm| algorithm.hash(measured)).collect();
        self.record(pcr, event_type, digests, data, description)
    }

    fn driver_config(&mut self, name: &str, guid: &Guid, data: &[u8]) -> Result<(), PredictError> {
        let event = uefi_variable_data(name, guid, data);
        let description = variable_description(name, data);
        self.record_hashed(7, EventType::EV_EFI_VARIABLE_DRIVER_CONFIG, event.clone(), &event, description)
    }

    fn authority(&mut self, name: &str, guid: &Guid, data: &[u8]) -> Result<(), PredictError> {
        let event = uefi_variable_data(name, guid, data);
        let description = format!("authority {}", variable_description(name, data));
        self.record_hashed(7, EventType::EV_EFI_VARIABLE_AUTHORITY, event.clone(), &event, description)
    }

    fn separator(&mut self, pcr: u32) -> Result<(), PredictError> {
        self.record_hashed(
            pcr,
            EventType::EV_SEPARATOR,
            SEPARATOR_DATA.to_vec(),
            &SEPARATOR_DATA,
            String::from("separator"),
        )
    }

    fn action(&mut self, text: &str) -> Result<(), PredictError> {
        self.record_hashed(4, EventType::EV_EFI_ACTION, Vec::from(text.as_bytes()), text.as_bytes(), String::from(text))
    }

    fn image(&mut self, image: &[u8], stage: BootStage) -> Result<(), PredictError> {
        let digests = authenticode_digests(image, self.measurer.algorithms())
            .map_err(|error| PredictError::Image { stage, error })?;
        let length = u64::try_from(image.len()).unwrap_or(u64::MAX);
        let event = uefi_image_load_event(0, length, 0, &[]);
        let description = format!("{} image ({} bytes)", stage.name(), image.len());
        self.record(4, EventType::EV_EFI_BOOT_SERVICES_APPLICATION, digests, event, description)
    }

    /// shim's `EV_IPL` for a mirrored variable: the name with its NUL is logged and the
    /// variable's contents are hashed.
    fn shim_ipl(&mut self, name: &str, contents: &[u8]) -> Result<(), PredictError> {
        let mut logged = Vec::from(name.as_bytes());
        logged.push(0);
        let description = format!("shim {name} ({} bytes)", contents.len());
        self.record_hashed(14, EventType::EV_IPL, logged, contents, description)
    }

    fn finish(self, secure_boot: bool) -> Result<Prediction, PredictError> {
        let (log, banks) = self.measurer.finish();
        Ok(Prediction { secure_boot, events: self.events, log, banks })
    }
}

fn variable_description(name: &str, data: &[u8]) -> String {
    match data {
        [] => format!("{name} (empty)"),
        [byte] => format!("{name} = {byte:02x}"),
        _ => format!("{name} ({} bytes)", data.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uefi::varstore::efivarfs::{EfivarfsStore, file_name};

    fn store(variables: &[(&str, Guid, &[u8])]) -> EfivarfsStore {
        let files: Vec<(String, Vec<u8>)> = variables
            .iter()
            .map(|(name, guid, data)| (file_name(name, guid), [&7u32.to_le_bytes()[..], data].concat()))
            .collect();
        EfivarfsStore::from_files(files.iter().map(|(name, data)| (name.as_str(), data.as_slice()))).unwrap()
    }

    #[test]
    fn secure_boot_follows_pk_and_enable() {
        // EDK2 AuthVariableLib: user mode (PK set) and SecureBootEnable absent or 1 give 1.
        assert_eq!(secure_boot_value(&store(&[])), [0]);
        assert_eq!(secure_boot_value(&store(&[("PK", EFI_GLOBAL_VARIABLE, &[1, 2])])), [1]);
        let disabled =
            [("PK", EFI_GLOBAL_VARIABLE, &[1u8, 2][..]), ("SecureBootEnable", SECURE_BOOT_ENABLE_DISABLE, &[0][..])];
        assert_eq!(secure_boot_value(&store(&disabled)), [0]);
        // A running system's efivarfs copy is taken as it is.
        assert_eq!(secure_boot_value(&store(&[("SecureBoot", EFI_GLOBAL_VARIABLE, &[1])])), [1]);
    }

    #[test]
    fn sbat_datestamp_reads_first_row() {
        assert_eq!(datestamp(SBAT_LEVEL_ORIGINAL), Some(2_021_030_218));
        assert_eq!(datestamp(b"not sbat"), None);
    }

    #[test]
    fn mok_variable_stops_prediction() {
        let store = store(&[("MokSBState", SHIM_LOCK, &[1])]);
        let chain = BootChain { shim: &[], grub: &[], kernel: &[] };
        let result = predict(&store, &chain, &PredictOptions::default());
        assert!(matches!(result, Err(PredictError::UnmodelledVariable("MokSBState"))));
    }
}
