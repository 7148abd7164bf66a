//! TCG event log parsing (TCG PC Client PFP 1.05, section 10.2 "Event Log Format"): the SHA-1
//! format of `TCG_PCR_EVENT` records and the crypto-agile format of `TCG_PCR_EVENT2` records
//! that follows a Spec ID event.
//!
//! Entry point: [`EventLog::parse`]. Events borrow the input. The outcomes are distinct:
//! - an empty input (or one holding only padding) is [`ErrorKind::Empty`];
//! - zero or 0xFF bytes after the last event are [`ErrorKind::Padding`], unless
//!   [`ParseOptions::allow_padding`] is set, in which case [`EventLog::padding`] reports them;
//! - a record that ends past the input is [`ErrorKind::Truncated`] at the failed read;
//! - after at least one event, bytes that do not form a valid record are
//!   [`ErrorKind::TrailingData`] at the offset where that record would start.

use alloc::vec::Vec;

use crate::digest::{Digest, HashAlgorithm};
use crate::error::{Error, ErrorKind};
use crate::eventlog::data::EventData;
use crate::eventlog::event_type::EventType;
use crate::eventlog::spec_id::{self, SpecIdEvent};
use crate::reader::{Reader, usize_from};

/// Default maximum number of events in a log.
pub const MAX_EVENTS: usize = 65_536;

/// PCR index of Windows WBCL `EV_NO_ACTION` records that belong to no PCR.
pub const NO_PCR: u32 = 0xFFFF_FFFF;

const LOG: &str = "TCG event log";
const SHA1_EVENT: &str = "TCG_PCR_EVENT";
const AGILE_EVENT: &str = "TCG_PCR_EVENT2";

/// Leniency and budgets for [`EventLog::parse`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseOptions {
    /// Accept zero or 0xFF bytes after the last event (sysfs buffers, Intel TDX CCEL areas).
    pub allow_padding: bool,
    /// Maximum number of events, the Spec ID event included.
    pub max_events: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self { allow_padding: false, max_events: MAX_EVENTS }
    }
}

/// The record format of a log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// `TCG_PCR_EVENT` records with one SHA-1 digest each (TPM 1.2 style).
    Sha1,
    /// `TCG_PCR_EVENT2` records after a Spec ID event.
    CryptoAgile,
}

/// Padding found after the last event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Padding {
    /// The last event ends the input.
    None,
    /// This many zero bytes follow.
    Zero(usize),
    /// This many 0xFF bytes follow.
    Ones(usize),
}

/// One event, borrowing the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// Position in the log, the Spec ID event being 0.
    pub index: usize,
    /// Offset of the record in the log.
    pub offset: usize,
    /// `pcrIndex`; [`NO_PCR`] only on an `EV_NO_ACTION`.
    pub pcr_index: u32,
    /// `eventType`.
    pub event_type: EventType,
    /// Digests of the four implemented algorithms, indexed by [`HashAlgorithm::index`].
    digests: [Option<&'a [u8]>; 4],
    /// The event data.
    pub data: &'a [u8],
    /// Offset of the event data in the log.
    pub data_offset: usize,
}

impl<'a> Event<'a> {
    /// The digest of `algorithm`, if the record carries one.
    pub fn digest(&self, algorithm: HashAlgorithm) -> Option<Digest> {
        let bytes = self.digests.get(algorithm.index()).copied().flatten()?;
        Digest::new(algorithm, bytes)
    }

    /// The digests the record carries, of the implemented algorithms.
    pub fn digests(&self) -> impl Iterator<Item = Digest> + '_ {
        HashAlgorithm::ALL.into_iter().filter_map(|algorithm| self.digest(algorithm))
    }

    /// Whether replay extends a PCR with this event: every type but `EV_NO_ACTION`.
    pub fn is_extended(&self) -> bool {
        self.event_type != EventType::EV_NO_ACTION
    }

    /// Decodes the event data according to the event type.
    pub fn decode(&self) -> Result<EventData<'a>, Error> {
        EventData::decode(self)
    }
}

/// A parsed event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventLog<'a> {
    format: LogFormat,
    spec_id: Option<SpecIdEvent<'a>>,
    events: Vec<Event<'a>>,
    padding: Padding,
}

impl<'a> EventLog<'a> {
    /// Parses a log in either format; see the module documentation for the outcomes.
    pub fn parse(bytes: &'a [u8], options: ParseOptions) -> Result<Self, Error> {
        if padding_at(bytes).is_some() || bytes.is_empty() {
            return Err(Error::new(ErrorKind::Empty, LOG, 0));
        }

        let mut reader = Reader::new(bytes, 0, SHA1_EVENT);
        let first = read_sha1_event(&mut reader, 0)?;
        let spec_id = if is_spec_id_header(&first) { Some(parse_header(&first)?) } else { None };
        let format = if spec_id.is_some() { LogFormat::CryptoAgile } else { LogFormat::Sha1 };
        let mut events = Vec::new();
        events.push(first);

        let padding = loop {
            let offset = reader.offset();
            let rest = bytes.get(offset..).unwrap_or_default();
            if rest.is_empty() {
                break Padding::None;
            }
            if let Some(padding) = padding_at(rest) {
                if !options.allow_padding {
                    return Err(Error::new(ErrorKind::Padding { length: rest.len() }, LOG, offset));
                }
                break padding;
            }
            if events.len() >= options.max_events {
                return Err(Error::new(
                    ErrorKind::LimitExceeded { what: "events", max: options.max_events },
                    LOG,
                    offset,
                ));
            }
            let index = events.len();
            let event = match &spec_id {
                Some(spec_id) => read_agile_event(&mut reader, index, spec_id),
                None => read_sha1_event(&mut reader, index),
            };
            match event {
                Ok(event) => events.push(event),
                Err(error) if matches!(error.kind, ErrorKind::Truncated { .. }) => return Err(error),
                Err(_) => {
                    let structure = if spec_id.is_some() { AGILE_EVENT } else { SHA1_EVENT };
                    return Err(Error::new(ErrorKind::TrailingData, structure, offset));
                }
            }
        };
        Ok(Self { format, spec_id, events, padding })
    }

    /// The record format.
    pub const fn format(&self) -> LogFormat {
        self.format
    }

    /// The Spec ID event of a crypto-agile log.
    pub const fn spec_id(&self) -> Option<&SpecIdEvent<'a>> {
        self.spec_id.as_ref()
    }

    /// Every event, the header event included.
    pub fn events(&self) -> &[Event<'a>] {
        &self.events
    }

    /// The padding after the last event.
    pub const fn padding(&self) -> Padding {
        self.padding
    }

    /// The banks the log records: the implemented algorithms of the Spec ID table, or SHA-1.
    pub fn algorithms(&self) -> Vec<HashAlgorithm> {
        match &self.spec_id {
            Some(spec_id) => spec_id.known_algorithms().collect(),
            None => alloc::vec![HashAlgorithm::Sha1],
        }
    }
}

/// Returns the padding kind when `rest` is all zero or all 0xFF bytes.
fn padding_at(rest: &[u8]) -> Option<Padding> {
    let first = *rest.first()?;
    if !matches!(first, 0x00 | 0xFF) || rest.iter().any(|byte| *byte != first) {
        return None;
    }
    Some(if first == 0 { Padding::Zero(rest.len()) } else { Padding::Ones(rest.len()) })
}

fn is_spec_id_header(event: &Event<'_>) -> bool {
    event.event_type == EventType::EV_NO_ACTION && event.data.starts_with(spec_id::SIGNATURE)
}

/// Checks the header record (pcrIndex 0, a zero digest) and parses its Spec ID data. The
/// header of a confidential-computing event log (CCEL, UEFI 2.10 section 38.4) carries MR
/// index 1 instead, which Intel TDX firmware writes, so 1 is accepted as well.
fn parse_header<'a>(event: &Event<'a>) -> Result<SpecIdEvent<'a>, Error> {
    if event.pcr_index > 1 {
        return Err(Error::invalid(SHA1_EVENT, "pcrIndex", event.offset));
    }
    let digest = event.digests.get(HashAlgorithm::Sha1.index()).copied().flatten().unwrap_or_default();
    if digest.iter().any(|byte| *byte != 0) {
        return Err(Error::invalid(SHA1_EVENT, "digest", event.offset.saturating_add(8)));
    }
    SpecIdEvent::parse(event.data, event.data_offset)
}

fn check_pcr_index(pcr_index: u32, event_type: EventType, structure: &'static str, offset: usize) -> Result<(), Error> {
    if pcr_index < 24 || (pcr_index == NO_PCR && event_type == EventType::EV_NO_ACTION) {
        Ok(())
    } else {
        Err(Error::invalid(structure, "pcrIndex", offset))
    }
}

fn read_sha1_event<'a>(reader: &mut Reader<'a>, index: usize) -> Result<Event<'a>, Error> {
    reader.set_structure(SHA1_EVENT);
    let offset = reader.offset();
    let pcr_index = reader.u32_le()?;
    let event_type = EventType(reader.u32_le()?);
    check_pcr_index(pcr_index, event_type, SHA1_EVENT, offset)?;
    let digest = reader.bytes(HashAlgorithm::Sha1.output_size())?;
    let (data, data_offset) = read_data(reader)?;
    let mut digests = [None; 4];
    if let Some(slot) = digests.get_mut(HashAlgorithm::Sha1.index()) {
        *slot = Some(digest);
    }
    Ok(Event { index, offset, pcr_index, event_type, digests, data, data_offset })
}

fn read_agile_event<'a>(reader: &mut Reader<'a>, index: usize, spec_id: &SpecIdEvent<'_>) -> Result<Event<'a>, Error> {
    reader.set_structure(AGILE_EVENT);
    let offset = reader.offset();
    let pcr_index = reader.u32_le()?;
    let event_type = EventType(reader.u32_le()?);
    check_pcr_index(pcr_index, event_type, AGILE_EVENT, offset)?;

    let count_offset = reader.offset();
    let count = usize_from(reader.u32_le()?, AGILE_EVENT, "digests.count", count_offset)?;
    let max = spec_id.algorithms.len();
    if count > max {
        return Err(Error::new(
            ErrorKind::LimitExceeded { what: "digests in an event", max },
            AGILE_EVENT,
            count_offset,
        ));
    }
    let mut digests = [None; 4];
    let mut seen: Vec<u16> = Vec::new();
    for _ in 0..count {
        let algorithm_offset = reader.offset();
        let algorithm_id = reader.u16_le()?;
        let size = spec_id.digest_size(algorithm_id).ok_or(Error::invalid(AGILE_EVENT, "hashAlg", algorithm_offset))?;
        if seen.contains(&algorithm_id) {
            return Err(Error::invalid(AGILE_EVENT, "hashAlg", algorithm_offset));
        }
        seen.push(algorithm_id);
        // An algorithm this crate does not implement is skipped by the size the table gives.
        let digest = reader.bytes(size)?;
        if let Some(algorithm) = HashAlgorithm::from_tpm_alg_id(algorithm_id) {
            if let Some(slot) = digests.get_mut(algorithm.index()) {
                *slot = Some(digest);
            }
        }
    }
    let (data, data_offset) = read_data(reader)?;
    Ok(Event { index, offset, pcr_index, event_type, digests, data, data_offset })
}

/// Reads `eventSize` and the data. A size beyond the remaining bytes is a truncation error,
/// raised before anything is allocated.
fn read_data<'a>(reader: &mut Reader<'a>) -> Result<(&'a [u8], usize), Error> {
    let size_offset = reader.offset();
    let size = usize_from(reader.u32_le()?, SHA1_EVENT, "eventSize", size_offset)?;
    let data_offset = reader.offset();
    let data = reader.bytes(size)?;
    Ok((data, data_offset))
}

/// Serializes a SHA-1-format record (used for the Spec ID header and by tests).
pub fn sha1_record(pcr_index: u32, event_type: EventType, digest: &[u8; 20], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&pcr_index.to_le_bytes());
    out.extend_from_slice(&event_type.0.to_le_bytes());
    out.extend_from_slice(digest);
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(data);
    out
}

/// Serializes a crypto-agile record with `digests` in the given order.
pub fn agile_record(pcr_index: u32, event_type: EventType, digests: &[Digest], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&pcr_index.to_le_bytes());
    out.extend_from_slice(&event_type.0.to_le_bytes());
    out.extend_from_slice(&u32::try_from(digests.len()).unwrap_or(u32::MAX).to_le_bytes());
    for digest in digests {
        out.extend_from_slice(&digest.algorithm().tpm_alg_id().to_le_bytes());
        out.extend_from_slice(digest.as_bytes());
    }
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(data);
    out
}
