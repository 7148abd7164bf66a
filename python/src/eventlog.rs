//! `EventLog` and `Event`: TCG event logs parsed, replayed and compared with PCR values, with the
//! Secure Boot state and Windows boot claims of the verified PCRs.
//!
//! The log keeps its own copy of the bytes and parses them again for each call, because the
//! core's parsed log borrows its input; parsing is deterministic, so every call reads the
//! same events.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use trusted_launch::digest::{Digest, HashAlgorithm};
use trusted_launch::eventlog::claims::VerifiedEvents;
use trusted_launch::eventlog::data::{Ipl, Separator};
use trusted_launch::eventlog::replay::{Replay, replay};
use trusted_launch::eventlog::secureboot_state::{AuthorityKind, SecureBootState, signature_entries};
use trusted_launch::eventlog::windows::WindowsBootClaims;
use trusted_launch::eventlog::{
    Event as CoreEvent, EventData, EventLog as CoreLog, LogFormat, ParseOptions, PcrResult, Quirk, ReplayOptions,
    ReplayReport,
};
use trusted_launch::tpm::pcr::reset_value;

use crate::{parse_error, with_bytes};

pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<EventLog>()?;
    module.add_class::<Event>()?;
    Ok(())
}

/// A TCG PC Client event log (SHA-1 or crypto-agile format).
#[pyclass(frozen, module = "trusted_launch")]
struct EventLog {
    bytes: Vec<u8>,
    options: ParseOptions,
}

/// One event of a log.
#[pyclass(frozen, module = "trusted_launch")]
struct Event {
    /// Position in the log; the header event is 0.
    #[pyo3(get)]
    index: usize,
    /// Byte offset of the record in the log.
    #[pyo3(get)]
    offset: usize,
    /// `pcrIndex` (0xFFFFFFFF on Windows `EV_NO_ACTION` records that belong to no PCR).
    #[pyo3(get)]
    pcr: u32,
    /// `eventType` as a number.
    #[pyo3(get)]
    r#type: u32,
    /// `eventType` as its spec name (`EV_SEPARATOR`, …), or hex for an unknown type.
    #[pyo3(get)]
    type_name: String,
    digests: Vec<(&'static str, String)>,
    data: Vec<u8>,
    decoded: Vec<(&'static str, DecodedValue)>,
}

#[derive(Clone)]
enum DecodedValue {
    Text(String),
    Integer(u64),
    Missing,
}

fn parse_log<'a>(py: Python<'_>, bytes: &'a [u8], options: ParseOptions) -> PyResult<CoreLog<'a>> {
    CoreLog::parse(bytes, options).map_err(|error| parse_error(py, "event log", &error))
}

fn algorithm_named(name: &str) -> PyResult<HashAlgorithm> {
    HashAlgorithm::ALL.into_iter().find(|algorithm| algorithm.name() == name).ok_or_else(|| {
        PyValueError::new_err(format!("unknown PCR bank {name:?} (expected sha1, sha256, sha384 or sha512)"))
    })
}

/// Reads `{"sha256": {0: "hex" or bytes, …}, …}` (PCR keys as int or decimal str) into pairs.
fn expected_values(pcrs: &Bound<'_, PyDict>) -> PyResult<Vec<(u32, Digest)>> {
    let mut values = Vec::new();
    for (bank, entries) in pcrs.iter() {
        let algorithm = algorithm_named(&bank.extract::<String>()?)?;
        let entries =
            entries.cast::<PyDict>().map_err(|_| PyValueError::new_err(format!("bank {bank} is not a dict")))?;
        for (pcr, value) in entries.iter() {
            let pcr: u32 = match pcr.extract::<u32>() {
                Ok(pcr) => pcr,
                Err(_) => pcr
                    .extract::<String>()?
                    .parse()
                    .map_err(|_| PyValueError::new_err(format!("{pcr} is not a PCR number")))?,
            };
            if pcr >= 24 {
                return Err(PyValueError::new_err(format!("PCR index {pcr} is out of range (0 to 23)")));
            }
            let bytes = match value.extract::<String>() {
                Ok(text) => decode_hex(&text).ok_or_else(|| PyValueError::new_err(format!("{text:?} is not hex")))?,
                Err(_) => with_bytes(&value, <[u8]>::to_vec)?,
            };
            let digest = Digest::new(algorithm, &bytes).ok_or_else(|| {
                PyValueError::new_err(format!("{algorithm} PCR {pcr} value must be {} bytes", algorithm.output_size()))
            })?;
            values.push((pcr, digest));
        }
    }
    values.sort_by_key(|(pcr, digest)| (digest.algorithm().index(), *pcr));
    Ok(values)
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if digits.len() % 2 != 0 || !digits.is_ascii() {
        return None;
    }
    digits
        .as_bytes()
        .chunks_exact(2)
        .map(|pair| std::str::from_utf8(pair).ok().and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect()
}

fn quirk_name(quirk: Quirk) -> &'static str {
    match quirk {
        Quirk::VariableDataOnly => "variable_data_only",
        Quirk::ShimAuthorityTrailingByte => "shim_authority_trailing_byte",
        Quirk::MissingExitBootServices => "missing_exit_boot_services",
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The decoded data as (key, value) pairs, `kind` first, with the keys of the CLI's
/// `log show --json` output for the fields they share.
fn decoded_fields(event: &CoreEvent<'_>) -> Vec<(&'static str, DecodedValue)> {
    use DecodedValue::{Integer, Missing, Text};
    let text = |value: String| Text(value);
    let integer = |value: usize| Integer(u64::try_from(value).unwrap_or(u64::MAX));
    let data = match event.decode() {
        Ok(data) => data,
        Err(error) => return vec![("kind", text("invalid".into())), ("error", text(error.to_string()))],
    };
    match data {
        EventData::SpecId(spec_id) => {
            let names: Vec<&str> = spec_id.known_algorithms().map(HashAlgorithm::name).collect();
            vec![("kind", text("spec_id".into())), ("algorithms", text(names.join(",")))]
        }
        EventData::StartupLocality(locality) => {
            vec![("kind", text("startup_locality".into())), ("locality", Integer(u64::from(locality)))]
        }
        EventData::Separator(separator) => {
            let value = match separator {
                Separator::Normal => "00000000".to_owned(),
                Separator::Value(value) => format!("{value:08x}"),
                Separator::Wbcl => "WBCL".to_owned(),
                Separator::Other(bytes) => hex(bytes),
            };
            vec![("kind", text("separator".into())), ("value", text(value))]
        }
        EventData::Action(action) => vec![("kind", text("action".into())), ("text", text(action.into()))],
        EventData::Variable(variable) => vec![
            ("kind", text("variable".into())),
            ("vendor", text(variable.vendor.to_string())),
            ("name", text(variable.name.to_string())),
            ("data_size", integer(variable.data.len())),
        ],
        EventData::ImageLoad(image) => vec![
            ("kind", text("image_load".into())),
            ("location_in_memory", Integer(image.location_in_memory)),
            ("length_in_memory", Integer(image.length_in_memory)),
            ("device_path", image.device_path().map_or(Missing, |path| text(path.to_string()))),
        ],
        EventData::Ipl(ipl) => match ipl {
            Ipl::GrubCommand(command) => vec![("kind", text("grub_command".into())), ("text", text(command.into()))],
            Ipl::KernelCommandLine(line) => {
                vec![("kind", text("kernel_command_line".into())), ("text", text(line.into()))]
            }
            Ipl::Text(value) => vec![("kind", text("text".into())), ("text", text(value.into()))],
            Ipl::Utf16(value) => vec![("kind", text("text".into())), ("text", text(value.to_string()))],
            Ipl::Binary(_) => vec![("kind", text("binary".into()))],
        },
        EventData::Gpt(gpt) => vec![
            ("kind", text("gpt".into())),
            ("disk_guid", text(gpt.disk_guid.to_string())),
            ("partition_count", integer(gpt.partition_count)),
        ],
        EventData::FirmwareBlob(blob) => {
            vec![("kind", text("firmware_blob".into())), ("base", Integer(blob.base)), ("length", Integer(blob.length))]
        }
        EventData::Tagged(tagged) => vec![
            ("kind", text("tagged".into())),
            ("tagged_event_id", Integer(u64::from(tagged.id))),
            ("data_size", integer(tagged.data.len())),
        ],
        EventData::Sp800155(_) => vec![("kind", text("sp800_155".into()))],
        EventData::NoAction(_) => vec![("kind", text("no_action".into()))],
        EventData::HandoffTables(_) => vec![("kind", text("handoff_tables".into()))],
        EventData::SCrtmVersion(_) => vec![("kind", text("s_crtm_version".into()))],
        EventData::PostCode(_) => vec![("kind", text("post_code".into()))],
        EventData::Hcrtm(_) => vec![("kind", text("hcrtm".into()))],
        _ => vec![("kind", text("opaque".into()))],
    }
}

impl Event {
    fn from_core(event: &CoreEvent<'_>) -> Self {
        Self {
            index: event.index,
            offset: event.offset,
            pcr: event.pcr_index,
            r#type: event.event_type.0,
            type_name: event.event_type.to_string(),
            digests: event.digests().map(|digest| (digest.algorithm().name(), digest.to_string())).collect(),
            data: event.data.to_vec(),
            decoded: decoded_fields(event),
        }
    }
}

#[pymethods]
impl Event {
    /// Digests by bank name, as lowercase hex.
    #[getter]
    fn digests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (algorithm, value) in &self.digests {
            dict.set_item(algorithm, value)?;
        }
        Ok(dict)
    }

    /// The event data.
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.data)
    }

    /// The data decoded by the event type: a dict whose `kind` names the structure.
    #[getter]
    fn decoded<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (key, value) in &self.decoded {
            match value {
                DecodedValue::Text(text) => dict.set_item(key, text)?,
                DecodedValue::Integer(number) => dict.set_item(key, number)?,
                DecodedValue::Missing => dict.set_item(key, py.None())?,
            }
        }
        Ok(dict)
    }

    /// The event as a dict: index, offset, pcr, type, type_name, digests, data, decoded.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("index", self.index)?;
        dict.set_item("offset", self.offset)?;
        dict.set_item("pcr", self.pcr)?;
        dict.set_item("type", self.r#type)?;
        dict.set_item("type_name", &self.type_name)?;
        dict.set_item("digests", self.digests(py)?)?;
        dict.set_item("data", self.data(py))?;
        dict.set_item("decoded", self.decoded(py)?)?;
        Ok(dict)
    }

    fn __repr__(&self) -> String {
        format!("<Event {} PCR {} {}>", self.index, self.pcr, self.type_name)
    }
}

fn banks_dict<'py>(py: Python<'py>, log: &CoreLog<'_>, replayed: &Replay) -> PyResult<Bound<'py, PyDict>> {
    let banks = PyDict::new(py);
    for algorithm in log.algorithms() {
        let values = PyDict::new(py);
        for pcr in 0..24u32 {
            if let Some(value) = replayed.value(algorithm, pcr) {
                values.set_item(pcr.to_string(), value.to_string())?;
            }
        }
        banks.set_item(algorithm.name(), values)?;
    }
    Ok(banks)
}

/// One compared PCR, with the keys of the CLI's `comparison` entries.
fn comparison_list<'py>(
    py: Python<'py>,
    report: &ReplayReport,
    expected: &[(u32, Digest)],
    replayed: &Replay,
) -> PyResult<(Bound<'py, PyList>, bool)> {
    let list = PyList::empty(py);
    let mut all_accepted = true;
    for (entry, (_, value)) in report.entries().iter().zip(expected) {
        let (result, accepted) = match entry.result {
            PcrResult::Matches => ("matches", true),
            PcrResult::Differs { .. } => ("differs", false),
            PcrResult::NotInLog => (
                "not_in_log",
                usize::try_from(entry.pcr).is_ok_and(|index| reset_value(entry.algorithm, index) == *value),
            ),
            PcrResult::MissingDigest { .. } => ("missing_digest", false),
        };
        all_accepted &= accepted;
        let dict = PyDict::new(py);
        dict.set_item("bank", entry.algorithm.name())?;
        dict.set_item("pcr", entry.pcr)?;
        dict.set_item("result", result)?;
        dict.set_item("replayed", replayed.value(entry.algorithm, entry.pcr).map(ToString::to_string))?;
        dict.set_item("expected", value.to_string())?;
        dict.set_item("quirk", entry.quirk.map(quirk_name))?;
        dict.set_item("accepted", accepted)?;
        list.append(dict)?;
    }
    Ok((list, all_accepted))
}

fn secure_boot_dict<'py>(py: Python<'py>, state: &SecureBootState<'_>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("enabled", state.enabled)?;
    dict.set_item("dma_protection_disabled", state.dma_protection_disabled)?;
    let databases = PyDict::new(py);
    for name in ["PK", "KEK", "db", "dbx"] {
        let Some(bytes) = state.database(name) else { continue };
        let entries = PyList::empty(py);
        for entry in signature_entries(bytes).map_err(|error| parse_error(py, name, &error))? {
            let item = PyDict::new(py);
            item.set_item("signature_type", entry.signature_type.to_string())?;
            item.set_item("owner", entry.owner.to_string())?;
            item.set_item("data", PyBytes::new(py, entry.data))?;
            entries.append(item)?;
        }
        databases.set_item(name, entries)?;
    }
    dict.set_item("databases", databases)?;
    let authorities = PyList::empty(py);
    let pre = state.pre_separator_authorities.iter().map(|authority| (authority, false));
    let post = state.post_separator_authorities.iter().map(|authority| (authority, true));
    for (authority, after_separator) in pre.chain(post) {
        let item = PyDict::new(py);
        item.set_item("event_index", authority.event_index)?;
        item.set_item("after_separator", after_separator)?;
        let kind = match authority.kind {
            AuthorityKind::Signature => "signature",
            AuthorityKind::SbatLevel => "sbat_level",
            AuthorityKind::MokListTrusted => "mok_list_trusted",
        };
        item.set_item("kind", kind)?;
        item.set_item("vendor", authority.variable.vendor.to_string())?;
        item.set_item("name", authority.variable.name.to_string())?;
        item.set_item("data", PyBytes::new(py, authority.variable.data))?;
        item.set_item("quirk", authority.quirk.map(quirk_name))?;
        authorities.append(item)?;
    }
    dict.set_item("authorities", authorities)?;
    Ok(dict)
}

fn windows_dict<'py>(py: Python<'py>, claims: &WindowsBootClaims<'_>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("cold_boot", claims.cold_boot)?;
    dict.set_item("boot_count", claims.boot_count)?;
    dict.set_item("boot_debugging", claims.boot_debugging)?;
    dict.set_item("kernel_debugging", claims.kernel_debugging)?;
    dict.set_item("hypervisor_debugging", claims.hypervisor_debugging)?;
    dict.set_item("test_signing", claims.test_signing)?;
    dict.set_item("flight_signing", claims.flight_signing)?;
    dict.set_item("code_integrity", claims.code_integrity)?;
    dict.set_item("data_execution_prevention", claims.data_execution_prevention)?;
    dict.set_item("safe_mode", claims.safe_mode)?;
    dict.set_item("win_pe", claims.win_pe)?;
    dict.set_item("vbs_enabled", claims.vbs_enabled)?;
    dict.set_item("hvci_policy", claims.hvci_policy)?;
    dict.set_item("bitlocker_unlocks", claims.bitlocker_unlocks.clone())?;
    let modules = PyList::empty(py);
    for module in &claims.loaded_modules {
        let item = PyDict::new(py);
        item.set_item("pcr", module.pcr)?;
        item.set_item("file_path", module.file_path.map(|path| path.to_string()))?;
        item.set_item("authenticode_hash", module.authenticode_hash.map(hex))?;
        item.set_item("image_size", module.image_size)?;
        item.set_item("image_validated", module.image_validated)?;
        modules.append(item)?;
    }
    dict.set_item("loaded_modules", modules)?;
    Ok(dict)
}

impl EventLog {
    /// Runs `body` with the parsed log and the events that `pcrs` verifies, or every event when
    /// `danger_unverified` is set and no `pcrs` are given.
    fn with_verified_events<R>(
        &self,
        py: Python<'_>,
        pcrs: Option<&Bound<'_, PyDict>>,
        danger_unverified: bool,
        body: impl FnOnce(&VerifiedEvents<'_, '_>) -> PyResult<R>,
    ) -> PyResult<R> {
        let log = parse_log(py, &self.bytes, self.options)?;
        match pcrs {
            Some(pcrs) => {
                let replayed = replay(&log).map_err(|error| parse_error(py, "event log", &error))?;
                let report = replayed.compare(expected_values(pcrs)?, ReplayOptions::default());
                body(&VerifiedEvents::new(&log, &report))
            }
            None if danger_unverified => body(&VerifiedEvents::danger_unverified(&log)),
            None => Err(PyValueError::new_err(
                "claims need the PCR values that verify them: pass pcrs, or danger_unverified=True to read \
                 the log as it is",
            )),
        }
    }
}

#[pymethods]
impl EventLog {
    #[new]
    #[pyo3(signature = (data, allow_padding = false))]
    fn new(py: Python<'_>, data: &Bound<'_, PyAny>, allow_padding: bool) -> PyResult<Self> {
        let options = ParseOptions { allow_padding, ..ParseOptions::default() };
        let bytes = with_bytes(data, <[u8]>::to_vec)?;
        parse_log(py, &bytes, options)?;
        Ok(Self { bytes, options })
    }

    /// `"sha1"` for a log of `TCG_PCR_EVENT` records, `"crypto_agile"` after a Spec ID event.
    #[getter]
    fn format(&self, py: Python<'_>) -> PyResult<&'static str> {
        let log = parse_log(py, &self.bytes, self.options)?;
        Ok(match log.format() {
            LogFormat::Sha1 => "sha1",
            LogFormat::CryptoAgile => "crypto_agile",
        })
    }

    /// The banks the log records, by name.
    #[getter]
    fn algorithms(&self, py: Python<'_>) -> PyResult<Vec<&'static str>> {
        let log = parse_log(py, &self.bytes, self.options)?;
        Ok(log.algorithms().into_iter().map(HashAlgorithm::name).collect())
    }

    /// Every event, the header event included.
    #[getter]
    fn events(&self, py: Python<'_>) -> PyResult<Vec<Event>> {
        let log = parse_log(py, &self.bytes, self.options)?;
        Ok(log.events().iter().map(Event::from_core).collect())
    }

    /// Replays the log. Returns `{"banks": {"sha256": {"0": hex, …}, …}}` with the PCRs the log
    /// extends; with `pcrs` (`{"sha256": {0: hex or bytes, …}}`) also `comparison` (one dict per
    /// expected value: bank, pcr, result, replayed, expected, quirk, accepted) and `all_match`.
    #[pyo3(signature = (pcrs = None, *, danger_missing_exit_boot_services = false))]
    fn replay<'py>(
        &self,
        py: Python<'py>,
        pcrs: Option<&Bound<'py, PyDict>>,
        danger_missing_exit_boot_services: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let log = parse_log(py, &self.bytes, self.options)?;
        let replayed = replay(&log).map_err(|error| parse_error(py, "event log", &error))?;
        let result = PyDict::new(py);
        result.set_item("banks", banks_dict(py, &log, &replayed)?)?;
        if let Some(pcrs) = pcrs {
            let expected = expected_values(pcrs)?;
            let options = ReplayOptions { exit_boot_services_workaround: danger_missing_exit_boot_services };
            let report = replayed.compare(expected.iter().copied(), options);
            let (comparison, all_match) = comparison_list(py, &report, &expected, &replayed)?;
            result.set_item("comparison", comparison)?;
            result.set_item("all_match", all_match)?;
        }
        Ok(result)
    }

    /// The Secure Boot state measured into PCR 7, as a dict (enabled, dma_protection_disabled,
    /// databases with their entries, authorities), or None when `pcrs` do not verify PCR 7.
    #[pyo3(signature = (pcrs = None, *, danger_unverified = false))]
    fn secure_boot_state<'py>(
        &self,
        py: Python<'py>,
        pcrs: Option<&Bound<'py, PyDict>>,
        danger_unverified: bool,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.with_verified_events(py, pcrs, danger_unverified, |events| {
            match SecureBootState::from_events(events).map_err(|error| parse_error(py, "PCR 7 events", &error))? {
                Some(state) => Ok(Some(secure_boot_dict(py, &state)?)),
                None => Ok(None),
            }
        })
    }

    /// The Windows boot claims (SIPA events of PCRs 12 to 14) of the verified PCRs, as a dict.
    #[pyo3(signature = (pcrs = None, *, danger_unverified = false))]
    fn windows_claims<'py>(
        &self,
        py: Python<'py>,
        pcrs: Option<&Bound<'py, PyDict>>,
        danger_unverified: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        self.with_verified_events(py, pcrs, danger_unverified, |events| {
            let claims =
                WindowsBootClaims::from_events(events).map_err(|error| parse_error(py, "SIPA events", &error))?;
            windows_dict(py, &claims)
        })
    }

    /// The log as a dict: format, algorithms and every event's `to_dict()`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("format", self.format(py)?)?;
        dict.set_item("algorithms", self.algorithms(py)?)?;
        let events = PyList::empty(py);
        for event in self.events(py)? {
            events.append(event.to_dict(py)?)?;
        }
        dict.set_item("events", events)?;
        Ok(dict)
    }

    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(parse_log(py, &self.bytes, self.options)?.events().len())
    }
}
