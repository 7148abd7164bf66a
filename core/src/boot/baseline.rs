//! A trusted baseline: the events and PCR values of a known-good boot, with room for more than
//! one accepted value per event (two kernel digests while a new kernel rolls out), stored as
//! versioned JSON. Entry points: [`Baseline::capture`], [`Baseline::from_json`],
//! [`Baseline::to_json`], [`Baseline::compare_log`], [`Baseline::compare_pcrs`].
//!
//! Comparison is event by event within each PCR: the n-th extended event of a PCR in the log is
//! compared with the n-th baseline event of that PCR (type, then digest in every bank both hold),
//! and the first event that differs is the PCR's deviation. PCR values are compared only where
//! no event could be (no log, or a log that matched event by event but replays to another
//! value).
//!
//! JSON schema, version 1 (the reader rejects unknown members, repeated keys, a missing member
//! and any other version):
//!
//! ```json
//! {
//!   "version": 1,
//!   "format": "trusted-launch boot baseline",
//!   "events": [
//!     { "index": 27, "pcr": 4, "type": "EV_EFI_BOOT_SERVICES_APPLICATION",
//!       "component": "boot_loader", "description": "\\EFI\\BOOT\\BOOTX64.EFI",
//!       "accepted": [ { "sha1": "<hex>", "sha256": "<hex>" } ] }
//!   ],
//!   "pcrs": [ { "pcr": 4, "bank": "sha256", "accepted": ["<hex>"] } ],
//!   "variables": [ { "name": "db", "guid": "d719b2cb-3d3a-4596-a3bc-dad00e67656f",
//!                    "accepted": ["<sha256 hex>"] } ]
//! }
//! ```
//!
//! `index` is the event's position in the captured log (information only). `type` is the PFP
//! name or `0x` and eight hex digits. Each element of an event's `accepted` is one accepted value:
//! its digests by bank (`sha1`, `sha256`, `sha384`, `sha512`). `pcrs` holds the accepted values of
//! every PCR the captured log extends. `variables` holds the SHA-256 of `PK`, `KEK`, `db`, `dbx`
//! and `dbt` of the store given at capture (empty without one).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::boot::component::{Component, classify_events};
use crate::boot::report::{Deviation, DeviationKind, digest_text};
use crate::digest::{Digest, HashAlgorithm};
use crate::error::{Error, ErrorKind};
use crate::eventlog::data::{EventData, Ipl, Separator};
use crate::eventlog::event_type::EventType;
use crate::eventlog::parse::{Event, EventLog};
use crate::eventlog::replay::replay;
use crate::json::{Document, Value, from_hex, object};
use crate::tpm::pcr_values::PcrValues;
use crate::uefi::guid::{EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE, Guid};
use crate::uefi::varstore::VariableStore;

/// The schema version this crate writes and reads.
pub const BASELINE_VERSION: i64 = 1;
/// The `format` member of every baseline.
pub const BASELINE_FORMAT: &str = "trusted-launch boot baseline";
/// Longest description kept for an event.
const MAX_DESCRIPTION: usize = 200;
const STRUCTURE: &str = "boot baseline";

/// One expected event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaselineEvent {
    /// Position of the event in the captured log.
    pub index: usize,
    /// The PCR.
    pub pcr: u32,
    /// The event type.
    pub event_type: EventType,
    /// The component it measures.
    pub component: Component,
    /// What it measures, for a person.
    pub description: String,
    /// The accepted values, each the event's digests by bank.
    pub accepted: Vec<Vec<Digest>>,
}

impl BaselineEvent {
    /// Whether `event`'s digests equal one accepted value in every bank both hold, with at
    /// least one bank in common.
    pub fn accepts(&self, event: &Event<'_>) -> bool {
        self.accepted.iter().any(|value| {
            let mut common = 0usize;
            for digest in value {
                match event.digest(digest.algorithm()) {
                    Some(found) if found == *digest => common = common.saturating_add(1),
                    Some(_) => return false,
                    None => {}
                }
            }
            common > 0
        })
    }
}

/// The accepted values of one PCR in one bank.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaselinePcr {
    /// The PCR.
    pub pcr: u32,
    /// The bank.
    pub bank: HashAlgorithm,
    /// The accepted values.
    pub accepted: Vec<Digest>,
}

/// The accepted SHA-256 digests of one Secure Boot variable's data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaselineVariable {
    /// The variable name.
    pub name: String,
    /// The vendor GUID.
    pub guid: Guid,
    /// The accepted SHA-256 digests of its data.
    pub accepted: Vec<Digest>,
}

/// A known-good boot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    /// Every extended event, in log order.
    pub events: Vec<BaselineEvent>,
    /// Every PCR the log extends, in every bank it records.
    pub pcrs: Vec<BaselinePcr>,
    /// The Secure Boot variables of the store given at capture.
    pub variables: Vec<BaselineVariable>,
}

/// The Secure Boot variables a baseline records.
const SECURE_BOOT_VARIABLES: [(&str, Guid); 5] = [
    ("PK", EFI_GLOBAL_VARIABLE),
    ("KEK", EFI_GLOBAL_VARIABLE),
    ("db", EFI_IMAGE_SECURITY_DATABASE),
    ("dbx", EFI_IMAGE_SECURITY_DATABASE),
    ("dbt", EFI_IMAGE_SECURITY_DATABASE),
];

impl Baseline {
    /// Captures the baseline of a known-good boot from its log and, optionally, the variable
    /// store it booted with. Fails when the log cannot be replayed.
    pub fn capture(log: &EventLog<'_>, store: Option<&dyn VariableStore>) -> Result<Self, Error> {
        let components = classify_events(log);
        let events = log
            .events()
            .iter()
            .filter(|event| event.is_extended())
            .map(|event| BaselineEvent {
                index: event.index,
                pcr: event.pcr_index,
                event_type: event.event_type,
                component: components.get(event.index).copied().unwrap_or(Component::Other),
                description: describe(event),
                accepted: Vec::from([event.digests().collect()]),
            })
            .collect();

        let replayed = replay(log)?;
        let mut pcrs = Vec::new();
        for bank in log.algorithms() {
            for pcr in 0..24u32 {
                if let Some(value) = replayed.value(bank, pcr) {
                    pcrs.push(BaselinePcr { pcr, bank, accepted: Vec::from([*value]) });
                }
            }
        }

        let variables = store.map_or_else(Vec::new, |store| {
            SECURE_BOOT_VARIABLES
                .iter()
                .filter_map(|(name, guid)| {
                    let variable = store.find(name, guid)?;
                    let digest = HashAlgorithm::Sha256.hash(&variable.data);
                    Some(BaselineVariable { name: String::from(*name), guid: *guid, accepted: Vec::from([digest]) })
                })
                .collect()
        });
        Ok(Self { events, pcrs, variables })
    }

    /// Adds the values of `other`, a baseline of the same chain with some components changed, as
    /// further accepted values. Both must hold the same events (PCR and type, in order).
    pub fn merge(&mut self, other: &Self) -> Result<(), Error> {
        if self.events.len() != other.events.len() {
            return Err(Error::invalid(STRUCTURE, "number of events", 0));
        }
        for (position, (mine, theirs)) in self.events.iter_mut().zip(&other.events).enumerate() {
            if mine.pcr != theirs.pcr || mine.event_type != theirs.event_type {
                return Err(Error::invalid(STRUCTURE, "event PCR or type", position));
            }
            for value in &theirs.accepted {
                if !mine.accepted.contains(value) {
                    mine.accepted.push(value.clone());
                }
            }
        }
        for theirs in &other.pcrs {
            match self.pcrs.iter_mut().find(|mine| mine.pcr == theirs.pcr && mine.bank == theirs.bank) {
                Some(mine) => merge_digests(&mut mine.accepted, &theirs.accepted),
                None => self.pcrs.push(theirs.clone()),
            }
        }
        for theirs in &other.variables {
            match self.variables.iter_mut().find(|mine| mine.name == theirs.name && mine.guid == theirs.guid) {
                Some(mine) => merge_digests(&mut mine.accepted, &theirs.accepted),
                None => self.variables.push(theirs.clone()),
            }
        }
        Ok(())
    }

    /// Compares `log` event by event with the baseline, in each PCR of `pcrs`. `components` is
    /// [`classify_events`] of `log`. Returns the first differing event of each PCR.
    pub fn compare_log(&self, log: &EventLog<'_>, components: &[Component], pcrs: &[u32]) -> Vec<Deviation> {
        let mut deviations = Vec::new();
        for &pcr in pcrs {
            let logged: Vec<&Event<'_>> =
                log.events().iter().filter(|event| event.is_extended() && event.pcr_index == pcr).collect();
            let expected: Vec<&BaselineEvent> = self.events.iter().filter(|event| event.pcr == pcr).collect();
            let length = logged.len().max(expected.len());
            for position in 0..length {
                let found = logged.get(position).copied();
                let baseline = expected.get(position).copied();
                let component = |event: &Event<'_>| components.get(event.index).copied().unwrap_or(Component::Other);
                let deviation = match (found, baseline) {
                    (Some(event), Some(baseline)) if event.event_type != baseline.event_type => Some(Deviation {
                        pcr,
                        event: Some(event.index),
                        component: baseline.component,
                        kind: DeviationKind::TypeDiffers,
                        expected: Vec::from([format!("{}", baseline.event_type)]),
                        found: format!("{}", event.event_type),
                        description: format!(
                            "PCR {pcr} event {}: {} where the baseline has {} ({})",
                            event.index, event.event_type, baseline.event_type, baseline.description
                        ),
                    }),
                    (Some(event), Some(baseline)) if !baseline.accepts(event) => {
                        Some(digest_deviation(pcr, event, baseline))
                    }
                    (Some(event), None) => Some(Deviation {
                        pcr,
                        event: Some(event.index),
                        component: component(event),
                        kind: DeviationKind::ExtraEvent,
                        expected: Vec::new(),
                        found: display_digest(event, None).unwrap_or_else(|| String::from("none")),
                        description: format!(
                            "PCR {pcr} event {}: {} ({}) is not in the baseline",
                            event.index,
                            event.event_type,
                            describe(event)
                        ),
                    }),
                    (None, Some(baseline)) => Some(Deviation {
                        pcr,
                        event: None,
                        component: baseline.component,
                        kind: DeviationKind::MissingEvent,
                        expected: accepted_texts(baseline, None),
                        found: String::from("none"),
                        description: format!(
                            "PCR {pcr}: the log lacks the baseline's {} ({})",
                            baseline.event_type, baseline.description
                        ),
                    }),
                    _ => None,
                };
                if let Some(deviation) = deviation {
                    deviations.push(deviation);
                    break;
                }
            }
        }
        deviations
    }

    /// Compares PCR values with the baseline's, for each PCR of `pcrs` not in `skip`; one
    /// deviation per PCR, in the first bank that differs. Banks the baseline lacks are not
    /// compared.
    pub fn compare_pcrs(&self, values: &PcrValues, pcrs: &[u32], skip: &[u32]) -> Vec<Deviation> {
        let mut deviations = Vec::new();
        for &pcr in pcrs {
            if skip.contains(&pcr) {
                continue;
            }
            for bank in HashAlgorithm::ALL {
                let (Some(value), Some(baseline)) =
                    (values.get(bank, pcr), self.pcrs.iter().find(|entry| entry.pcr == pcr && entry.bank == bank))
                else {
                    continue;
                };
                if baseline.accepted.contains(value) {
                    continue;
                }
                let component = Component::of_pcr(pcr);
                deviations.push(Deviation {
                    pcr,
                    event: None,
                    component,
                    kind: DeviationKind::PcrValueDiffers,
                    expected: baseline.accepted.iter().map(digest_text).collect(),
                    found: digest_text(value),
                    description: format!(
                        "PCR {pcr} ({}) is {} where the baseline accepts {}",
                        component.code(),
                        digest_text(value),
                        baseline.accepted.iter().map(digest_text).collect::<Vec<_>>().join(" or ")
                    ),
                });
                break;
            }
        }
        deviations
    }

    /// Compares a store's Secure Boot variables with the baseline's; a deviation names PCR 7,
    /// where firmware measures them.
    pub fn compare_variables(&self, store: &dyn VariableStore) -> Vec<Deviation> {
        let mut deviations = Vec::new();
        for expected in &self.variables {
            let found =
                store.find(&expected.name, &expected.guid).map(|variable| HashAlgorithm::Sha256.hash(&variable.data));
            if found.is_some_and(|digest| expected.accepted.contains(&digest)) {
                continue;
            }
            let found_text = found.as_ref().map_or_else(|| String::from("none"), digest_text);
            deviations.push(Deviation {
                pcr: 7,
                event: None,
                component: Component::SecureBootConfiguration,
                kind: DeviationKind::DigestDiffers,
                expected: expected.accepted.iter().map(digest_text).collect(),
                found: found_text.clone(),
                description: format!("the store's {} is {found_text}, not an accepted value", expected.name),
            });
        }
        deviations
    }

    /// The baseline as JSON (schema version 1, see the module documentation).
    pub fn to_json(&self) -> String {
        self.to_value().to_json()
    }

    /// The baseline as a JSON value.
    pub fn to_value(&self) -> Value {
        let events = self
            .events
            .iter()
            .map(|event| {
                object([
                    ("index", Value::from(event.index)),
                    ("pcr", Value::from(event.pcr)),
                    ("type", Value::from(format!("{}", event.event_type))),
                    ("component", Value::from(event.component.code())),
                    ("description", Value::from(event.description.as_str())),
                    ("accepted", Value::Array(event.accepted.iter().map(|value| digests_object(value)).collect())),
                ])
            })
            .collect();
        let pcrs = self
            .pcrs
            .iter()
            .map(|entry| {
                object([
                    ("pcr", Value::from(entry.pcr)),
                    ("bank", Value::from(entry.bank.name())),
                    (
                        "accepted",
                        Value::Array(entry.accepted.iter().map(|digest| Value::from(format!("{digest}"))).collect()),
                    ),
                ])
            })
            .collect();
        let variables = self
            .variables
            .iter()
            .map(|variable| {
                object([
                    ("name", Value::from(variable.name.as_str())),
                    ("guid", Value::from(format!("{}", variable.guid))),
                    (
                        "accepted",
                        Value::Array(variable.accepted.iter().map(|digest| Value::from(format!("{digest}"))).collect()),
                    ),
                ])
            })
            .collect();
        object([
            ("version", Value::Integer(BASELINE_VERSION)),
            ("format", Value::from(BASELINE_FORMAT)),
            ("events", Value::Array(events)),
            ("pcrs", Value::Array(pcrs)),
            ("variables", Value::Array(variables)),
        ])
    }

    /// Reads a baseline written by [`Baseline::to_json`] (or edited from one). Errors give the
    /// byte offset of the offending value.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        let document = Document::parse(bytes)?;
        let decoder = Decoder { document: &document };
        decoder.baseline()
    }
}

fn merge_digests(mine: &mut Vec<Digest>, theirs: &[Digest]) {
    for digest in theirs {
        if !mine.contains(digest) {
            mine.push(*digest);
        }
    }
}

/// The bank deviations show: SHA-256 when the event has it, else the event's first bank.
fn display_bank(event: &Event<'_>) -> Option<HashAlgorithm> {
    if event.digest(HashAlgorithm::Sha256).is_some() {
        return Some(HashAlgorithm::Sha256);
    }
    event.digests().next().map(|digest| digest.algorithm())
}

fn display_digest(event: &Event<'_>, bank: Option<HashAlgorithm>) -> Option<String> {
    let bank = bank.or_else(|| display_bank(event))?;
    event.digest(bank).map(|digest| digest_text(&digest))
}

/// The accepted values of `baseline` in `bank` (or SHA-256, or each value's first digest).
fn accepted_texts(baseline: &BaselineEvent, bank: Option<HashAlgorithm>) -> Vec<String> {
    baseline
        .accepted
        .iter()
        .filter_map(|value| {
            let preferred = bank.unwrap_or(HashAlgorithm::Sha256);
            value.iter().find(|digest| digest.algorithm() == preferred).or_else(|| value.first()).map(digest_text)
        })
        .collect()
}

fn digest_deviation(pcr: u32, event: &Event<'_>, baseline: &BaselineEvent) -> Deviation {
    let bank = display_bank(event);
    let found = display_digest(event, bank).unwrap_or_else(|| String::from("none"));
    Deviation {
        pcr,
        event: Some(event.index),
        component: baseline.component,
        kind: DeviationKind::DigestDiffers,
        expected: accepted_texts(baseline, bank),
        found: found.clone(),
        description: format!(
            "PCR {pcr} event {} ({}, {}): {found} is not an accepted value",
            event.index,
            baseline.component.code(),
            baseline.description
        ),
    }
}

fn digests_object(digests: &[Digest]) -> Value {
    Value::Object(
        digests
            .iter()
            .map(|digest| (String::from(digest.algorithm().name()), Value::from(format!("{digest}"))))
            .collect(),
    )
}

/// A short text for what `event` measured.
pub fn describe(event: &Event<'_>) -> String {
    let text = match event.decode() {
        Ok(EventData::ImageLoad(image)) => {
            let mut path = String::new();
            if let Ok(device_path) = image.device_path() {
                let _ = device_path.write_file_path(&mut path);
            }
            if path.is_empty() { String::from("image loaded from memory") } else { path }
        }
        Ok(EventData::Variable(variable)) => format!("{}", variable.name),
        Ok(EventData::Action(text)) => String::from(text),
        Ok(EventData::Ipl(Ipl::GrubCommand(text))) => format!("grub_cmd: {text}"),
        Ok(EventData::Ipl(Ipl::KernelCommandLine(text))) => format!("kernel_cmdline: {text}"),
        Ok(EventData::Ipl(Ipl::Text(text))) => String::from(text),
        Ok(EventData::Ipl(Ipl::Utf16(text))) => format!("{text}"),
        Ok(EventData::Separator(Separator::Normal)) => String::from("separator"),
        Ok(EventData::Separator(_)) => String::from("separator (error value)"),
        _ => format!("{}", event.event_type),
    };
    truncate(text)
}

fn truncate(mut text: String) -> String {
    if text.len() > MAX_DESCRIPTION {
        let mut end = MAX_DESCRIPTION;
        while !text.is_char_boundary(end) {
            end = end.saturating_sub(1);
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

/// Reads the schema from a parsed document, naming the offset of every value it rejects.
struct Decoder<'d> {
    document: &'d Document,
}

impl Decoder<'_> {
    fn error(&self, value: &Value, field: &'static str) -> Error {
        Error::invalid(STRUCTURE, field, self.document.offset_of(value))
    }

    /// The members of object `value`, which must be exactly `keys`.
    fn members<'v, const N: usize>(
        &self,
        value: &'v Value,
        keys: [&'static str; N],
        field: &'static str,
    ) -> Result<[&'v Value; N], Error> {
        let members = value.as_object().ok_or_else(|| self.error(value, field))?;
        if let Some((_, unknown)) = members.iter().find(|(key, _)| !keys.contains(&key.as_str())) {
            return Err(self.error(unknown, "unknown member"));
        }
        let mut found = [value; N];
        for (slot, key) in found.iter_mut().zip(keys) {
            *slot = value.get(key).ok_or_else(|| {
                Error::new(ErrorKind::InvalidField { field: key }, STRUCTURE, self.document.offset_of(value))
            })?;
        }
        Ok(found)
    }

    fn array<'v>(&self, value: &'v Value, field: &'static str) -> Result<&'v [Value], Error> {
        value.as_array().ok_or_else(|| self.error(value, field))
    }

    fn string<'v>(&self, value: &'v Value, field: &'static str) -> Result<&'v str, Error> {
        value.as_str().ok_or_else(|| self.error(value, field))
    }

    fn unsigned<T: TryFrom<i64>>(&self, value: &Value, field: &'static str) -> Result<T, Error> {
        value.as_integer().and_then(|number| T::try_from(number).ok()).ok_or_else(|| self.error(value, field))
    }

    fn digest(&self, value: &Value, bank: HashAlgorithm, field: &'static str) -> Result<Digest, Error> {
        let text = self.string(value, field)?;
        from_hex(text).and_then(|bytes| Digest::new(bank, &bytes)).ok_or_else(|| self.error(value, field))
    }

    fn baseline(&self) -> Result<Baseline, Error> {
        let root = &self.document.value;
        let [version, format, events, pcrs, variables] =
            self.members(root, ["version", "format", "events", "pcrs", "variables"], "baseline object")?;
        if version.as_integer() != Some(BASELINE_VERSION) {
            return Err(Error::new(
                ErrorKind::Unsupported { field: "version" },
                STRUCTURE,
                self.document.offset_of(version),
            ));
        }
        if format.as_str() != Some(BASELINE_FORMAT) {
            return Err(self.error(format, "format"));
        }
        let events = self.array(events, "events")?.iter().map(|event| self.event(event)).collect::<Result<_, _>>()?;
        let pcrs = self.array(pcrs, "pcrs")?.iter().map(|pcr| self.pcr(pcr)).collect::<Result<_, _>>()?;
        let variables = self
            .array(variables, "variables")?
            .iter()
            .map(|variable| self.variable(variable))
            .collect::<Result<_, _>>()?;
        Ok(Baseline { events, pcrs, variables })
    }

    fn event(&self, value: &Value) -> Result<BaselineEvent, Error> {
        let [index, pcr, event_type, component, description, accepted] =
            self.members(value, ["index", "pcr", "type", "component", "description", "accepted"], "event object")?;
        let pcr: u32 = self.unsigned(pcr, "pcr")?;
        if pcr >= 24 {
            return Err(self.error(value, "pcr"));
        }
        let type_text = self.string(event_type, "type")?;
        let event_type = parse_event_type(type_text).ok_or_else(|| self.error(event_type, "type"))?;
        let component_text = self.string(component, "component")?;
        let component = Component::from_code(component_text).ok_or_else(|| self.error(component, "component"))?;
        let accepted_values = self.array(accepted, "accepted")?;
        if accepted_values.is_empty() {
            return Err(self.error(accepted, "accepted"));
        }
        let accepted = accepted_values.iter().map(|digests| self.digests(digests)).collect::<Result<_, _>>()?;
        Ok(BaselineEvent {
            index: self.unsigned(index, "index")?,
            pcr,
            event_type,
            component,
            description: String::from(self.string(description, "description")?),
            accepted,
        })
    }

    fn digests(&self, value: &Value) -> Result<Vec<Digest>, Error> {
        let members = value.as_object().ok_or_else(|| self.error(value, "accepted value"))?;
        if members.is_empty() {
            return Err(self.error(value, "accepted value"));
        }
        members
            .iter()
            .map(|(bank, digest)| {
                let bank = bank_by_name(bank).ok_or_else(|| self.error(digest, "bank"))?;
                self.digest(digest, bank, "digest")
            })
            .collect()
    }

    fn pcr(&self, value: &Value) -> Result<BaselinePcr, Error> {
        let [pcr, bank, accepted] = self.members(value, ["pcr", "bank", "accepted"], "PCR object")?;
        let bank_value = bank;
        let bank = bank_by_name(self.string(bank, "bank")?).ok_or_else(|| self.error(bank_value, "bank"))?;
        let pcr_number: u32 = self.unsigned(pcr, "pcr")?;
        if pcr_number >= 24 {
            return Err(self.error(pcr, "pcr"));
        }
        let accepted = self
            .array(accepted, "accepted")?
            .iter()
            .map(|digest| self.digest(digest, bank, "digest"))
            .collect::<Result<_, _>>()?;
        Ok(BaselinePcr { pcr: pcr_number, bank, accepted })
    }

    fn variable(&self, value: &Value) -> Result<BaselineVariable, Error> {
        let [name, guid, accepted] = self.members(value, ["name", "guid", "accepted"], "variable object")?;
        let guid_value = guid;
        let guid = Guid::parse(self.string(guid, "guid")?).ok_or_else(|| self.error(guid_value, "guid"))?;
        let accepted = self
            .array(accepted, "accepted")?
            .iter()
            .map(|digest| self.digest(digest, HashAlgorithm::Sha256, "digest"))
            .collect::<Result<_, _>>()?;
        Ok(BaselineVariable { name: String::from(self.string(name, "name")?), guid, accepted })
    }
}

fn bank_by_name(name: &str) -> Option<HashAlgorithm> {
    HashAlgorithm::ALL.into_iter().find(|bank| bank.name() == name)
}

/// An event type from its PFP name or from `0x` and eight hex digits.
fn parse_event_type(text: &str) -> Option<EventType> {
    if let Some(number) = text.strip_prefix("0x") {
        if number.len() != 8 {
            return None;
        }
        return u32::from_str_radix(number, 16).ok().map(EventType);
    }
    let known = (0..=0x12u32).chain(0x8000_0001..=0x8000_0010).chain(0x8000_00E0..=0x8000_00E2);
    known.map(EventType).find(|event_type| event_type.name() == Some(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eventlog::parse::ParseOptions;
    use crate::eventlog::writer::EventLogWriter;
    use alloc::vec;

    fn sample_log() -> Vec<u8> {
        let mut writer = EventLogWriter::new(&[HashAlgorithm::Sha1, HashAlgorithm::Sha256], 0).unwrap();
        writer.measure(7, EventType::EV_SEPARATOR, &[0, 0, 0, 0]).unwrap();
        writer.measure(8, EventType::EV_IPL, b"grub_cmd: linux /vmlinuz quiet\0").unwrap();
        writer.measure(9, EventType::EV_IPL, b"/vmlinuz\0").unwrap();
        writer.finish().0
    }

    fn changed_kernel_log() -> Vec<u8> {
        let mut writer = EventLogWriter::new(&[HashAlgorithm::Sha1, HashAlgorithm::Sha256], 0).unwrap();
        writer.measure(7, EventType::EV_SEPARATOR, &[0, 0, 0, 0]).unwrap();
        writer.measure(8, EventType::EV_IPL, b"grub_cmd: linux /vmlinuz quiet\0").unwrap();
        // GRUB measures the file's hash, not its name: a different digest stands for a new kernel.
        let digests = [HashAlgorithm::Sha1.hash(b"kernel 2"), HashAlgorithm::Sha256.hash(b"kernel 2")];
        writer.extend(9, EventType::EV_IPL, &digests, b"/vmlinuz\0").unwrap();
        writer.finish().0
    }

    #[test]
    fn json_round_trip() {
        let bytes = sample_log();
        let log = EventLog::parse(&bytes, ParseOptions::default()).unwrap();
        let baseline = Baseline::capture(&log, None).unwrap();
        assert_eq!(baseline.events.len(), 3);
        let text = baseline.to_json();
        assert_eq!(Baseline::from_json(text.as_bytes()).unwrap(), baseline);
    }

    #[test]
    fn kernel_change_is_first_pcr9_event() {
        let good = sample_log();
        let changed = changed_kernel_log();
        let good_log = EventLog::parse(&good, ParseOptions::default()).unwrap();
        let changed_log = EventLog::parse(&changed, ParseOptions::default()).unwrap();
        let baseline = Baseline::capture(&good_log, None).unwrap();

        let deviations = baseline.compare_log(&changed_log, &classify_events(&changed_log), &[7, 8, 9]);
        assert_eq!(deviations.len(), 1);
        let deviation = &deviations[0];
        assert_eq!(deviation.pcr, 9);
        assert_eq!(deviation.event, Some(3));
        assert_eq!(deviation.component, Component::Kernel);
        assert_eq!(deviation.kind, DeviationKind::DigestDiffers);
        // SHA-256 of the bytes "kernel 2" (sha256sum of printf 'kernel 2').
        assert_eq!(deviation.found, format!("sha256:{}", HashAlgorithm::Sha256.hash(b"kernel 2")));
    }

    #[test]
    fn second_accepted_value_passes() {
        let good = sample_log();
        let changed = changed_kernel_log();
        let good_log = EventLog::parse(&good, ParseOptions::default()).unwrap();
        let changed_log = EventLog::parse(&changed, ParseOptions::default()).unwrap();
        let mut baseline = Baseline::capture(&good_log, None).unwrap();
        baseline.merge(&Baseline::capture(&changed_log, None).unwrap()).unwrap();

        assert_eq!(baseline.events[2].accepted.len(), 2);
        assert!(baseline.compare_log(&changed_log, &classify_events(&changed_log), &[7, 8, 9]).is_empty());
        assert!(baseline.compare_log(&good_log, &classify_events(&good_log), &[7, 8, 9]).is_empty());

        let text = baseline.to_json();
        assert_eq!(Baseline::from_json(text.as_bytes()).unwrap(), baseline);
    }

    #[test]
    fn missing_and_extra_events() {
        let good = sample_log();
        let log = EventLog::parse(&good, ParseOptions::default()).unwrap();
        let mut baseline = Baseline::capture(&log, None).unwrap();
        let removed = baseline.events.remove(1);
        let deviations = baseline.compare_log(&log, &classify_events(&log), &[8]);
        assert_eq!(deviations[0].kind, DeviationKind::ExtraEvent);
        assert_eq!(deviations[0].component, Component::CommandLine);

        baseline.events.insert(1, removed.clone());
        baseline.events.insert(2, removed);
        let deviations = baseline.compare_log(&log, &classify_events(&log), &[8]);
        assert_eq!(deviations[0].kind, DeviationKind::MissingEvent);
        assert_eq!(deviations[0].event, None);
    }

    #[test]
    fn decoding_errors_name_offsets() {
        // Offsets of the offending values, counted with Python's str.index on the same text.
        let cases: [(&str, ErrorKind, usize); 6] = [
            (
                r#"{"version": 2, "format": "trusted-launch boot baseline", "events": [], "pcrs": [], "variables": []}"#,
                ErrorKind::Unsupported { field: "version" },
                12,
            ),
            (
                r#"{"version": 1, "format": "x", "events": [], "pcrs": [], "variables": []}"#,
                ErrorKind::InvalidField { field: "format" },
                25,
            ),
            (
                r#"{"version": 1, "format": "trusted-launch boot baseline", "events": [], "pcrs": []}"#,
                ErrorKind::InvalidField { field: "variables" },
                0,
            ),
            (
                r#"{"version": 1, "format": "trusted-launch boot baseline", "events": [], "pcrs": [], "variables": [], "extra": 0}"#,
                ErrorKind::InvalidField { field: "unknown member" },
                109,
            ),
            (
                r#"{"version": 1, "format": "trusted-launch boot baseline", "events": [], "pcrs": [{"pcr": 4, "bank": "sha256", "accepted": ["00"]}], "variables": []}"#,
                ErrorKind::InvalidField { field: "digest" },
                122,
            ),
            (
                r#"{"version": 1, "format": "trusted-launch boot baseline", "events": [], "pcrs": [{"pcr": 4, "bank": "md5", "accepted": []}], "variables": []}"#,
                ErrorKind::InvalidField { field: "bank" },
                99,
            ),
        ];
        for (text, kind, offset) in cases {
            let error = Baseline::from_json(text.as_bytes()).unwrap_err();
            assert_eq!((error.kind, error.offset), (kind, offset), "{text}");
        }
    }

    #[test]
    fn event_types_parse_by_name_and_number() {
        assert_eq!(parse_event_type("EV_IPL"), Some(EventType::EV_IPL));
        assert_eq!(parse_event_type("EV_EFI_VARIABLE_AUTHORITY"), Some(EventType::EV_EFI_VARIABLE_AUTHORITY));
        assert_eq!(parse_event_type("0x0000abcd"), Some(EventType(0xabcd)));
        assert_eq!(parse_event_type("EV_NOPE"), None);
        assert_eq!(vec![parse_event_type("0xabcd")], vec![None]);
    }
}
