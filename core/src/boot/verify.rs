//! Judging one boot: [`verify_boot`] checks the quote, replays the event log against the quoted
//! (or trusted) PCR values, reads the Secure Boot state, loaded images and command lines from the
//! verified PCRs, checks boot images against the Secure Boot policy and compares everything with
//! the baseline.
//!
//! Verdict rules, applied in this order:
//! 1. **Untrusted** when any of these holds: the quote fails its signature, key, nonce or
//!    selection check; the log does not replay to the quoted or trusted value of a counted PCR
//!    (or, without quoted values, to the quote's `pcrDigest`); Secure Boot is required and shown
//!    off; a deviation exists (from the baseline, an image the measured `dbx` revokes, an image the
//!    policy refuses); the claims of a verified PCR break the rules of the PFP (for example a
//!    second separator in PCR 7).
//! 2. **Incomplete** when nothing above holds but evidence is missing: no quote and no trusted
//!    PCR values, no event log, a counted PCR the quote does not cover, or Secure Boot required
//!    and not shown either way. A boot without a log is judged from its PCR values alone: it is
//!    untrusted when they differ from the baseline, and incomplete otherwise.
//! 3. **Trusted** otherwise.
//!
//! `Err` is returned only for input that cannot be used: an event log or quote structure that
//! cannot be parsed, or a variable store whose Secure Boot variables cannot be parsed.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::boot::chain::{ChainEntry, verify_chain};
use crate::boot::component::{Component, classify_events};
use crate::boot::evidence::{BootEvidence, PcrEvidence, QuoteEvidence, VariableEvidence};
use crate::boot::policy::BootPolicy;
use crate::boot::report::{
    Alert, AlertKind, BootReport, Deviation, DeviationKind, ImageAuthority, ImageReport, ImageStatus, QuoteStatus,
    SecureBootReport, Verdict, digest_text,
};
use crate::digest::{Digest, HashAlgorithm};
use crate::error::Error;
use crate::eventlog::claims::{CommandLineSource, LoadedImage, VerifiedEvents, command_lines, loaded_images};
use crate::eventlog::parse::{EventLog, ParseOptions};
use crate::eventlog::replay::{PcrComparison, PcrResult, Replay, ReplayReport, replay};
use crate::eventlog::secureboot_state::{AuthorityKind, SecureBootState, signature_entries};
use crate::tpm::attest::{Attest, Attested};
use crate::tpm::pcr::reset_value;
use crate::tpm::pcr_values::PcrValues;
use crate::tpm::quote::{QuoteRefusal, QuoteVerdict, verify_quote_with_options};
use crate::tpm::selection::PcrSelectionList;
use crate::uefi::guid::{EFI_CERT_SHA256, EFI_GLOBAL_VARIABLE};
use crate::uefi::secureboot::{ImageVerdict, SecureBootPolicy};
use crate::uefi::sigdb::SignatureDatabase;
use crate::uefi::varstore::policy::secure_boot_policy;

/// Judges the boot that `evidence` describes against `policy`; see the module documentation
/// for the verdict rules.
pub fn verify_boot(evidence: &BootEvidence<'_>, policy: &BootPolicy) -> Result<BootReport, Error> {
    let log = match evidence.event_log {
        Some(bytes) => Some(EventLog::parse(bytes, ParseOptions { allow_padding: true, ..ParseOptions::default() })?),
        None => None,
    };
    let replayed = log.as_ref().map(replay).transpose()?;
    let mut state = State::default();
    if log.is_none() {
        state.alert(AlertKind::EventLogMissing, "no event log was given, so no event can be checked");
        state.incomplete = true;
    }

    // 1. The PCR values the log is checked against.
    let pcrs = establish_pcrs(evidence, policy, replayed.as_ref(), &mut state)?;

    // 2. Replay, and the events it verifies.
    let replay_report = match (&replayed, &pcrs) {
        (Some(replayed), Some(values)) => {
            let report = replayed.compare(values.iter().map(|(_, pcr, value)| (pcr, *value)), policy.replay_options);
            check_replay(&report, values, policy, &mut state);
            Some(report)
        }
        _ => None,
    };
    let components = log.as_ref().map(classify_events).unwrap_or_default();

    // 3. Claims, images and deviations drawn from the log.
    let mut secure_boot = SecureBootReport::default();
    let mut images = Vec::new();
    let mut command_line_texts = Vec::new();
    let mut measured_policy = None;
    if let Some(log) = &log {
        let events = match &replay_report {
            Some(report) => VerifiedEvents::new(log, report),
            None => VerifiedEvents::danger_unverified(log),
        };
        let claims_verified = replay_report.is_some();
        let secure_boot_state = read_secure_boot(&events, claims_verified, &mut secure_boot, &mut state);
        measured_policy = secure_boot_state.as_ref().and_then(|state| measured_databases(state).ok());

        match loaded_images(&events) {
            Ok(loaded) => {
                images = loaded
                    .iter()
                    .map(|image| logged_image(image, &components, secure_boot_state.as_ref(), &mut state))
                    .collect();
            }
            Err(error) => state.alert(AlertKind::EventLogInvalid, format!("PCR 4 cannot be read: {error}")),
        }
        match command_lines(&events) {
            // GRUB's `grub_cmd` events are its configuration, not the kernel's command line.
            Ok(lines) => {
                command_line_texts = lines
                    .iter()
                    .filter(|line| line.source != CommandLineSource::GrubCommand)
                    .map(|line| format!("{}", line.text))
                    .collect();
            }
            Err(error) => state.alert(AlertKind::EventLogInvalid, format!("a command line cannot be read: {error}")),
        }
    }
    if secure_boot.enabled.is_none() {
        store_secure_boot_state(evidence, &mut secure_boot);
    }

    // 4. Boot images given as evidence.
    let databases = chain_databases(evidence, policy, measured_policy)?;
    if !evidence.images.is_empty() {
        match &databases {
            Some(databases) => {
                let chain = verify_chain(&evidence.images, databases)?;
                merge_chain(&chain, &mut images, &mut state);
            }
            // Without databases the images cannot be judged: they stay unchecked.
            None => state.incomplete = true,
        }
    }

    // 5. Secure Boot requirement.
    match secure_boot.enabled {
        Some(false) => {
            state.alert(AlertKind::SecureBootDisabled, "Secure Boot is disabled");
            if policy.require_secure_boot {
                state.untrusted = true;
            }
        }
        None if policy.require_secure_boot => state.incomplete = true,
        _ => {}
    }

    // 6. Baseline.
    if let Some(baseline) = &policy.baseline {
        let mut found = Vec::new();
        if let Some(log) = &log {
            found = baseline.compare_log(log, &components, &policy.pcrs);
        }
        if let Some(values) = &pcrs {
            let skip: Vec<u32> = found.iter().map(|deviation| deviation.pcr).collect();
            found.extend(baseline.compare_pcrs(values, &policy.pcrs, &skip));
        }
        if let Some(VariableEvidence::Store(store)) = evidence.variables {
            found.extend(baseline.compare_variables(store));
        }
        if let Some(first) = found.first() {
            let message = format!("{} deviation(s) from the baseline; the first: {}", found.len(), first.description);
            state.alert(AlertKind::BootLogDeviatesFromBaseline, message);
        }
        state.deviations.extend(found);
    }

    state.deviations.sort_by_key(|deviation| (deviation.pcr, deviation.event));
    let verdict = state.verdict();
    let State { deviations, alerts, quote, .. } = state;
    Ok(BootReport {
        verdict,
        quote: quote.unwrap_or(QuoteStatus::Absent),
        event_log: log.is_some(),
        replay: replay_report.map(|report| report.entries().to_vec()).unwrap_or_default(),
        pcr_values: pcrs.unwrap_or_default(),
        secure_boot,
        images,
        command_lines: command_line_texts,
        deviations,
        alerts,
    })
}

/// What the steps of [`verify_boot`] found so far.
#[derive(Default)]
struct State {
    quote: Option<QuoteStatus>,
    deviations: Vec<Deviation>,
    alerts: Vec<Alert>,
    untrusted: bool,
    incomplete: bool,
}

impl State {
    fn alert(&mut self, kind: AlertKind, message: impl Into<String>) {
        if matches!(
            kind,
            AlertKind::QuoteNotFromThisVtpm
                | AlertKind::ReplayMismatch
                | AlertKind::EventLogInvalid
                | AlertKind::ImageRefusedByPolicy
                | AlertKind::ImageRevokedByMeasuredDbx
                | AlertKind::BootLogDeviatesFromBaseline
        ) {
            self.untrusted = true;
        }
        if matches!(kind, AlertKind::VtpmOrQuoteMissing | AlertKind::EventLogMissing | AlertKind::PcrNotQuoted) {
            self.incomplete = true;
        }
        self.alerts.push(Alert::new(kind, message));
    }

    fn verdict(&self) -> Verdict {
        if self.untrusted || !self.deviations.is_empty() {
            Verdict::Untrusted
        } else if self.incomplete {
            Verdict::Incomplete
        } else {
            Verdict::Trusted
        }
    }
}

/// Verifies the quote (or takes the trusted values) and returns the PCR values that count as
/// measured; `None` when there are none.
fn establish_pcrs(
    evidence: &BootEvidence<'_>,
    policy: &BootPolicy,
    replayed: Option<&Replay>,
    state: &mut State,
) -> Result<Option<PcrValues>, Error> {
    match evidence.pcrs {
        PcrEvidence::None => {
            state.quote = Some(QuoteStatus::Absent);
            state.alert(AlertKind::VtpmOrQuoteMissing, "no quote and no trusted PCR values: the log is only a claim");
            Ok(None)
        }
        PcrEvidence::Trusted(values) => {
            state.quote = Some(QuoteStatus::TrustedPcrs);
            Ok(Some(values.clone()))
        }
        PcrEvidence::Quote(quote) => verify_quote_evidence(&quote, policy, replayed, state),
    }
}

fn verify_quote_evidence(
    quote: &QuoteEvidence<'_>,
    policy: &BootPolicy,
    replayed: Option<&Replay>,
    state: &mut State,
) -> Result<Option<PcrValues>, Error> {
    let selection = match &policy.quote_selection {
        Some(selection) => selection.clone(),
        None => match Attest::parse(quote.attest)?.attested {
            Attested::Quote { selection, .. } => selection,
            _ => PcrSelectionList::new(),
        },
    };
    for &pcr in &policy.pcrs {
        if !selection.pcrs().any(|(_, quoted)| quoted == pcr) {
            state.alert(AlertKind::PcrNotQuoted, format!("the quote does not cover PCR {pcr}"));
        }
    }

    let verify = |values: Option<&PcrValues>| {
        verify_quote_with_options(
            &policy.quote_options,
            quote.attestation_key,
            quote.attest,
            quote.signature,
            quote.nonce,
            &selection,
            values,
        )
    };
    let replayed_values = replayed.map(|replayed| replayed_selection(replayed, &selection));
    let (verdict, values) = match (quote.pcr_values, &replayed_values) {
        (Some(given), _) => (verify(Some(given))?, Some(given.selected(&selection))),
        (None, Some(from_log)) => (verify(Some(from_log))?, Some(from_log.clone())),
        (None, None) => (verify(None)?, None),
    };

    match verdict {
        QuoteVerdict::Valid(_) => {
            state.quote = Some(QuoteStatus::Valid);
            Ok(values)
        }
        QuoteVerdict::Refused(QuoteRefusal::PcrDigestMismatch { .. }) if quote.pcr_values.is_none() => {
            state.quote = Some(QuoteStatus::LogDoesNotMatch);
            state.alert(
                AlertKind::ReplayMismatch,
                "the event log's replay does not hash to the quote's pcrDigest; without the quoted values no single PCR can be named",
            );
            Ok(None)
        }
        QuoteVerdict::Refused(refusal) => {
            let message = format!("{refusal}");
            state.alert(AlertKind::QuoteNotFromThisVtpm, format!("the quote failed: {message}"));
            state.quote = Some(QuoteStatus::Refused { code: refusal.code(), message });
            Ok(None)
        }
    }
}

/// The replayed values of the selected PCRs (the PCRs the log never extends at their reset
/// value, as the TPM holds them).
fn replayed_selection(replayed: &Replay, selection: &PcrSelectionList) -> PcrValues {
    let mut values = PcrValues::new();
    for (bank, pcr) in selection.pcrs() {
        let value = replayed.value(bank, pcr).copied().or_else(|| {
            if replayed.is_extended(bank, pcr) {
                None
            } else {
                usize::try_from(pcr).ok().map(|index| reset_value(bank, index))
            }
        });
        if let Some(value) = value {
            values.insert(pcr, value);
        }
    }
    values
}

/// Raises [`AlertKind::ReplayMismatch`], with a [`DeviationKind::ReplayDiffers`] deviation, for
/// each counted PCR the log does not replay to. A PCR the log never extends passes only when its
/// value is the reset value.
fn check_replay(report: &ReplayReport, values: &PcrValues, policy: &BootPolicy, state: &mut State) {
    let mut failed: Vec<u32> = Vec::new();
    for entry in report.entries() {
        if !policy.counts(entry.pcr) || failed.contains(&entry.pcr) {
            continue;
        }
        let (message, expected, found) = match entry.result {
            PcrResult::Matches => continue,
            PcrResult::Differs { replayed, expected } => (
                format!(
                    "PCR {} ({}): the log replays to {replayed}, the quoted value is {expected}",
                    entry.pcr, entry.algorithm
                ),
                format!("{}:{expected}", entry.algorithm),
                format!("{}:{replayed}", entry.algorithm),
            ),
            PcrResult::MissingDigest { event_index } => (
                format!("PCR {} ({}): event {event_index} has no digest of this bank", entry.pcr, entry.algorithm),
                format!("a {} digest in every event", entry.algorithm),
                format!("event {event_index} without one"),
            ),
            PcrResult::NotInLog => {
                if is_reset_value(entry, values) {
                    continue;
                }
                (
                    format!(
                        "PCR {} ({}): the log never extends it, but its value is not the reset value",
                        entry.pcr, entry.algorithm
                    ),
                    String::from("events in the log"),
                    String::from("none"),
                )
            }
        };
        failed.push(entry.pcr);
        state.deviations.push(Deviation {
            pcr: entry.pcr,
            event: None,
            component: Component::of_pcr(entry.pcr),
            kind: DeviationKind::ReplayDiffers,
            expected: alloc::vec![expected],
            found,
            description: message.clone(),
        });
        state.alert(AlertKind::ReplayMismatch, message);
    }
}

/// Whether the quoted value of `entry`'s PCR is the PCR's reset value.
fn is_reset_value(entry: &PcrComparison, values: &PcrValues) -> bool {
    let Ok(index) = usize::try_from(entry.pcr) else { return false };
    values.get(entry.algorithm, entry.pcr) == Some(&reset_value(entry.algorithm, index))
}

fn read_secure_boot<'a>(
    events: &VerifiedEvents<'_, 'a>,
    verified: bool,
    report: &mut SecureBootReport,
    state: &mut State,
) -> Option<SecureBootState<'a>> {
    match SecureBootState::from_events(events) {
        Ok(Some(secure_boot)) => {
            report.enabled = Some(secure_boot.enabled);
            report.verified = verified && events.is_verified(7);
            report.source = Some("event log");
            report.db_entries = secure_boot.database("db").map_or(0, |db| signature_entries(db).map_or(0, |e| e.len()));
            report.dbx_entries =
                secure_boot.database("dbx").map_or(0, |dbx| signature_entries(dbx).map_or(0, |e| e.len()));
            Some(secure_boot)
        }
        Ok(None) => None,
        Err(error) => {
            state.alert(AlertKind::EventLogInvalid, format!("the Secure Boot state in PCR 7 cannot be read: {error}"));
            None
        }
    }
}

/// Without a log, a store with no `PK` shows Secure Boot off: firmware in setup mode verifies
/// no image (UEFI 2.10, section 32.3).
fn store_secure_boot_state(evidence: &BootEvidence<'_>, report: &mut SecureBootReport) {
    if let Some(VariableEvidence::Store(store)) = evidence.variables {
        if store.find("PK", &EFI_GLOBAL_VARIABLE).is_none_or(|pk| pk.data.is_empty()) {
            report.enabled = Some(false);
            report.source = Some("variable store (no PK)");
        }
    }
}

/// The `db` and `dbx` the log measured, as a policy.
fn measured_databases(state: &SecureBootState<'_>) -> Result<SecureBootPolicy, Error> {
    let db = SignatureDatabase::from_bytes(state.database("db").unwrap_or_default())?;
    let dbx = SignatureDatabase::from_bytes(state.database("dbx").unwrap_or_default())?;
    Ok(SecureBootPolicy::new(db, dbx))
}

/// The databases given images are checked against: the policy's, else the evidence store's,
/// else those the log measured in a verified PCR 7.
fn chain_databases(
    evidence: &BootEvidence<'_>,
    policy: &BootPolicy,
    measured: Option<SecureBootPolicy>,
) -> Result<Option<SecureBootPolicy>, Error> {
    if let Some(databases) = &policy.databases {
        return Ok(Some(databases.clone()));
    }
    match evidence.variables {
        Some(VariableEvidence::Store(store)) => secure_boot_policy(store).map(Some),
        Some(VariableEvidence::Policy(given)) => Ok(Some(given.clone())),
        None => Ok(measured),
    }
}

fn logged_image(
    image: &LoadedImage<'_>,
    components: &[Component],
    secure_boot: Option<&SecureBootState<'_>>,
    state: &mut State,
) -> ImageReport {
    let sha256 = image.authenticode_digests.iter().find(|digest| digest.algorithm() == HashAlgorithm::Sha256).copied();
    let mut path = String::new();
    let mut device_path = None;
    if let Some(decoded) = &image.device_path {
        let _ = decoded.write_file_path(&mut path);
        device_path = Some(format!("{decoded}"));
    }
    let component = components.get(image.event_index).copied().unwrap_or(Component::BootLoader);
    let mut report = ImageReport {
        event: Some(image.event_index),
        name: None,
        component,
        sha256,
        path: Some(path),
        device_path,
        authority: None,
        status: ImageStatus::NotChecked,
    };

    let Some(secure_boot) = secure_boot else { return report };
    if let Some(digest) = &sha256 {
        if measured_entry_holds(secure_boot.database("dbx"), digest) {
            report.status = ImageStatus::RevokedByMeasuredDbx;
            let text = digest_text(digest);
            state.deviations.push(Deviation {
                pcr: image.pcr,
                event: Some(image.event_index),
                component,
                kind: DeviationKind::RevokedByMeasuredDbx,
                expected: Vec::from([String::from("a digest not in the measured dbx")]),
                found: text.clone(),
                description: format!(
                    "event {}: the loaded image {text} is in the dbx the log measured",
                    image.event_index
                ),
            });
            state.alert(
                AlertKind::ImageRevokedByMeasuredDbx,
                format!("the image of event {} is revoked by the measured dbx", image.event_index),
            );
            return report;
        }
    }
    report.authority = log_authority(secure_boot, image.event_index);
    report
}

/// Whether a measured signature database holds an `EFI_CERT_SHA256` entry equal to `digest`.
/// A database that cannot be walked holds nothing here; the Secure Boot state read from it
/// already failed in that case.
fn measured_entry_holds(database: Option<&[u8]>, digest: &Digest) -> bool {
    let Some(entries) = database.and_then(|bytes| signature_entries(bytes).ok()) else { return false };
    entries.iter().any(|entry| entry.signature_type == EFI_CERT_SHA256 && entry.data == digest.as_bytes())
}

/// The last `EV_EFI_VARIABLE_AUTHORITY` measured before event `event_index`. Firmware and shim
/// measure an authority the first time it allows an image, just before that image's event, so
/// the last one before an image is the entry that allowed it, or allowed an earlier image too.
fn log_authority(secure_boot: &SecureBootState<'_>, event_index: usize) -> Option<ImageAuthority> {
    let authority = secure_boot
        .pre_separator_authorities
        .iter()
        .chain(&secure_boot.post_separator_authorities)
        .filter(|authority| authority.kind == AuthorityKind::Signature && authority.event_index < event_index)
        .max_by_key(|authority| authority.event_index)?;
    let (owner, data) = match authority.signature() {
        Some((owner, data)) => (Some(owner), data),
        None => (None, authority.variable.data),
    };
    Some(ImageAuthority {
        source: format!("{}", authority.variable.name),
        owner,
        // shim measures its certificates as an `EFI_SIGNATURE_DATA` (owner GUID, then the DER).
        subject: certificate_subject(data).or_else(|| data.get(16..).and_then(certificate_subject)),
        sha256: HashAlgorithm::Sha256.hash(data),
        from_log: true,
    })
}

fn certificate_subject(der: &[u8]) -> Option<String> {
    use der::Decode as _;
    let certificate = x509_cert::Certificate::from_der(der).ok()?;
    Some(format!("{}", certificate.tbs_certificate().subject()))
}

/// Adds the chain's verdicts to the images the log shows (matched by Authenticode SHA-256), or
/// as new entries, and records refusals.
fn merge_chain(chain: &[ChainEntry], images: &mut Vec<ImageReport>, state: &mut State) {
    for entry in chain {
        let (status, authority) = match &entry.verdict {
            None => (ImageStatus::NotReached, None),
            Some(ImageVerdict::Allowed { authority, .. }) => {
                let data = &authority.entry.data;
                let image_authority = ImageAuthority {
                    source: String::from(entry.checked_by),
                    owner: Some(authority.entry.owner),
                    subject: certificate_subject(data),
                    sha256: HashAlgorithm::Sha256.hash(data),
                    from_log: false,
                };
                (ImageStatus::Allowed, Some(image_authority))
            }
            Some(ImageVerdict::Refused { reason, .. }) => {
                (ImageStatus::Refused { code: reason.code(), message: format!("{reason}") }, None)
            }
        };

        let matched: Vec<usize> = images
            .iter()
            .enumerate()
            .filter(|(_, image)| image.sha256 == Some(entry.sha256) && image.name.is_none())
            .map(|(position, _)| position)
            .collect();
        let event = matched.first().and_then(|position| images.get(*position)).and_then(|image| image.event);
        if let ImageStatus::Refused { code, message } = &status {
            state.deviations.push(Deviation {
                pcr: 4,
                event,
                component: entry.component,
                kind: DeviationKind::RefusedByPolicy,
                expected: Vec::from([String::from("allowed")]),
                found: String::from(*code),
                description: format!(
                    "{} ({}) is refused by {}: {message}",
                    entry.name,
                    entry.component.code(),
                    entry.checked_by
                ),
            });
            state.alert(
                AlertKind::ImageRefusedByPolicy,
                format!("{} ({}) would be refused: {message}", entry.name, entry.component.code()),
            );
        }

        // The same image can be measured more than once (GRUB loads the kernel through the
        // firmware, and shim measures it again), so every event with its digest gets the verdict.
        if matched.is_empty() {
            images.push(ImageReport {
                event: None,
                name: Some(entry.name.clone()),
                component: entry.component,
                sha256: Some(entry.sha256),
                path: None,
                device_path: None,
                authority,
                status,
            });
            continue;
        }
        for position in matched {
            if let Some(image) = images.get_mut(position) {
                image.name = Some(entry.name.clone());
                // The log's classification (by path and position) and the given image's (by
                // header and name) may differ; a kernel found by either is the kernel.
                if entry.component == Component::Kernel || image.component != Component::Kernel {
                    image.component = entry.component;
                }
                image.status = status.clone();
                if authority.is_some() {
                    image.authority.clone_from(&authority);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boot::baseline::Baseline;
    use crate::eventlog::event_type::EventType;
    use crate::eventlog::writer::EventLogWriter;

    /// A log of PCRs 0 to 9 with one event each (PCR 7 the Secure Boot variables of a machine
    /// with Secure Boot off), and the PCR values it replays to.
    fn boot(kernel: &[u8]) -> (Vec<u8>, PcrValues) {
        let mut writer = EventLogWriter::new(&[HashAlgorithm::Sha256], 0).unwrap();
        for pcr in [0, 1, 2, 3, 5, 6] {
            writer.measure(pcr, EventType::EV_SEPARATOR, &[0, 0, 0, 0]).unwrap();
        }
        writer.measure(4, EventType::EV_EFI_ACTION, b"Calling EFI Application from Boot Option").unwrap();
        let mut secure_boot = Vec::new();
        secure_boot.extend_from_slice(EFI_GLOBAL_VARIABLE.as_bytes());
        secure_boot.extend_from_slice(&10u64.to_le_bytes());
        secure_boot.extend_from_slice(&1u64.to_le_bytes());
        secure_boot.extend("SecureBoot".encode_utf16().flat_map(u16::to_le_bytes));
        secure_boot.push(0);
        writer.measure(7, EventType::EV_EFI_VARIABLE_DRIVER_CONFIG, &secure_boot).unwrap();
        writer.measure(7, EventType::EV_SEPARATOR, &[0, 0, 0, 0]).unwrap();
        writer.measure(8, EventType::EV_IPL, b"grub_cmd: linux /vmlinuz\0").unwrap();
        writer.extend(9, EventType::EV_IPL, &[HashAlgorithm::Sha256.hash(kernel)], b"/vmlinuz\0").unwrap();
        let (log, banks) = writer.finish();
        (log, PcrValues::from_banks(&banks))
    }

    fn verify(log: Option<&[u8]>, pcrs: PcrEvidence<'_>, policy: &BootPolicy) -> BootReport {
        let evidence = BootEvidence { event_log: log, pcrs, ..BootEvidence::default() };
        verify_boot(&evidence, policy).unwrap()
    }

    #[test]
    fn trusted_pcrs_and_log_are_trusted() {
        let (log, values) = boot(b"kernel");
        let report = verify(Some(&log), PcrEvidence::Trusted(&values), &BootPolicy::default());
        assert_eq!(report.quote, QuoteStatus::TrustedPcrs);
        assert_eq!(report.secure_boot.enabled, Some(false));
        assert!(report.has_alert(AlertKind::SecureBootDisabled));
        assert_eq!(report.verdict, Verdict::Trusted);
    }

    #[test]
    fn secure_boot_off_is_untrusted_when_required() {
        let (log, values) = boot(b"kernel");
        let policy = BootPolicy { require_secure_boot: true, ..BootPolicy::default() };
        let report = verify(Some(&log), PcrEvidence::Trusted(&values), &policy);
        assert_eq!(report.verdict, Verdict::Untrusted);
    }

    #[test]
    fn secure_boot_unknown_is_incomplete_when_required() {
        let (_, values) = boot(b"kernel");
        let policy = BootPolicy { require_secure_boot: true, ..BootPolicy::default() };
        let report = verify(None, PcrEvidence::Trusted(&values), &policy);
        assert_eq!(report.verdict, Verdict::Incomplete);
        assert!(report.has_alert(AlertKind::EventLogMissing));
    }

    #[test]
    fn missing_pcr_values_are_incomplete() {
        let (log, _) = boot(b"kernel");
        let report = verify(Some(&log), PcrEvidence::None, &BootPolicy::default());
        assert_eq!(report.verdict, Verdict::Incomplete);
        assert!(report.has_alert(AlertKind::VtpmOrQuoteMissing));
        assert_eq!(report.quote, QuoteStatus::Absent);
    }

    #[test]
    fn replay_mismatch_is_untrusted() {
        let (log, _) = boot(b"kernel");
        let (_, other_values) = boot(b"another kernel");
        let report = verify(Some(&log), PcrEvidence::Trusted(&other_values), &BootPolicy::default());
        assert_eq!(report.verdict, Verdict::Untrusted);
        assert!(report.has_alert(AlertKind::ReplayMismatch));
        assert!(report.replay.iter().any(|entry| entry.pcr == 9 && matches!(entry.result, PcrResult::Differs { .. })));
    }

    #[test]
    fn baseline_deviation_is_untrusted_even_without_quote() {
        let (good_log, _) = boot(b"kernel");
        let (changed_log, _) = boot(b"another kernel");
        let parsed = EventLog::parse(&good_log, ParseOptions::default()).unwrap();
        let baseline = Baseline::capture(&parsed, None).unwrap();
        let policy = BootPolicy { baseline: Some(baseline), ..BootPolicy::default() };

        let report = verify(Some(&changed_log), PcrEvidence::None, &policy);
        assert_eq!(report.verdict, Verdict::Untrusted);
        assert_eq!(report.deviations.len(), 1);
        assert_eq!(report.deviations[0].pcr, 9);
        assert_eq!(report.deviations[0].component, Component::Kernel);
        assert!(report.has_alert(AlertKind::BootLogDeviatesFromBaseline));
        assert_eq!(report.deviations[0].found, digest_text(&HashAlgorithm::Sha256.hash(b"another kernel")));
    }

    #[test]
    fn baseline_pcr_values_judge_a_boot_without_log() {
        let (good_log, _) = boot(b"kernel");
        let (_, changed_values) = boot(b"another kernel");
        let parsed = EventLog::parse(&good_log, ParseOptions::default()).unwrap();
        let baseline = Baseline::capture(&parsed, None).unwrap();
        let policy = BootPolicy { baseline: Some(baseline), ..BootPolicy::default() };

        let report = verify(None, PcrEvidence::Trusted(&changed_values), &policy);
        assert_eq!(report.verdict, Verdict::Untrusted);
        assert_eq!(report.deviations[0].kind, DeviationKind::PcrValueDiffers);
        assert_eq!(report.deviations[0].pcr, 9);

        let (_, good_values) = boot(b"kernel");
        let report = verify(None, PcrEvidence::Trusted(&good_values), &policy);
        assert_eq!(report.verdict, Verdict::Incomplete);
    }

    #[test]
    fn unparsable_log_is_an_error() {
        let evidence = BootEvidence { event_log: Some(&[1, 2, 3]), ..BootEvidence::default() };
        assert!(verify_boot(&evidence, &BootPolicy::default()).is_err());
    }

    #[test]
    fn alert_severities_follow_operator_alerts() {
        assert_eq!(AlertKind::SecureBootDisabled.severity(), crate::boot::report::Severity::Low);
        assert_eq!(AlertKind::VtpmOrQuoteMissing.severity(), crate::boot::report::Severity::Low);
        assert_eq!(AlertKind::BootLogDeviatesFromBaseline.severity(), crate::boot::report::Severity::Medium);
        assert_eq!(AlertKind::QuoteNotFromThisVtpm.severity(), crate::boot::report::Severity::Medium);
        assert_eq!(AlertKind::UntrustedKernelModule.severity(), crate::boot::report::Severity::Low);
    }
}
