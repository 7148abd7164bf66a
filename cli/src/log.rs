//! `trusted-launch log show` and `trusted-launch log replay`: TCG event logs (such as
//! `/sys/kernel/security/tpm0/binary_bios_measurements`) printed event by event, replayed into
//! PCR banks, and compared with PCR values read from a TPM.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde_json::{Map, Value, json};
use trusted_launch::ErrorKind;
use trusted_launch::digest::{Digest, HashAlgorithm};
use trusted_launch::eventlog::claims::{CommandLineSource, VerifiedEvents, command_lines, loaded_images};
use trusted_launch::eventlog::data::{Ipl, PostCode, SCrtmVersion, Separator, ascii};
use trusted_launch::eventlog::replay::{PcrComparison, Replay, check_digest, replay};
use trusted_launch::eventlog::secureboot_state::{Authority, AuthorityKind, SecureBootState, signature_entries};
use trusted_launch::eventlog::windows::WindowsBootClaims;
use trusted_launch::eventlog::{
    DigestCheck, Event, EventData, EventLog, LogFormat, Padding, ParseOptions, PcrResult, Quirk, ReplayOptions,
    ReplayReport,
};
use trusted_launch::tpm::pcr::reset_value;
use trusted_launch::uefi::guid::EFI_CERT_X509;

use crate::pcrs_file::read_pcr_values;
use crate::sources::read_file;
use crate::{InputError, Outcome};

#[derive(Subcommand)]
pub(crate) enum LogCommand {
    /// Print every event of a TCG event log: PCR, type, digests and decoded data.
    Show(ShowArgs),
    /// Replay a TCG event log into PCR banks and, with --pcrs, compare them with PCR values.
    Replay(ReplayArgs),
}

#[derive(Args)]
pub(crate) struct ShowArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Accept zero or 0xFF padding after the last event (sysfs buffers, Intel TDX CCEL areas).
    #[arg(long)]
    allow_padding: bool,
    /// The event log, in the TCG PC Client binary format (SHA-1 or crypto-agile).
    #[arg(value_name = "LOG")]
    log: PathBuf,
}

#[derive(Args)]
pub(crate) struct ReplayArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Expected PCR values: the YAML that `tpm2_pcrread` prints, or JSON of the shape
    /// `{"banks": {"sha256": {"0": "<hex>"}}}` that `log replay --json` prints.
    #[arg(long, value_name = "FILE")]
    pcrs: Option<PathBuf>,
    /// Accept zero or 0xFF padding after the last event (sysfs buffers, Intel TDX CCEL areas).
    #[arg(long)]
    allow_padding: bool,
    /// Accept a PCR 5 that matches only once the two ExitBootServices EFI actions are appended,
    /// for firmware that does not log them. Events appended after hand-off then go unnoticed.
    #[arg(long)]
    danger_missing_exit_boot_services: bool,
    /// The event log, in the TCG PC Client binary format (SHA-1 or crypto-agile).
    #[arg(value_name = "LOG")]
    log: PathBuf,
}

pub(crate) fn run(command: LogCommand) -> Result<Outcome, InputError> {
    match command {
        LogCommand::Show(args) => show(&args),
        LogCommand::Replay(args) => replay_log(&args),
    }
}

fn parse_log<'a>(path: &Path, bytes: &'a [u8], allow_padding: bool) -> Result<EventLog<'a>, InputError> {
    let options = ParseOptions { allow_padding, ..ParseOptions::default() };
    EventLog::parse(bytes, options).map_err(|error| {
        let hint =
            if matches!(error.kind, ErrorKind::Padding { .. }) { "; pass --allow-padding to accept it" } else { "" };
        InputError(format!("{}: {error}{hint}", path.display()))
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn print_json(value: &Value) {
    println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
}

/// The log-wide facts that both commands print.
fn log_json(path: &Path, log: &EventLog<'_>) -> Value {
    let padding = match log.padding() {
        Padding::None => Value::Null,
        Padding::Zero(length) => json!({"byte": "00", "length": length}),
        Padding::Ones(length) => json!({"byte": "ff", "length": length}),
    };
    json!({
        "log": path.display().to_string(),
        "format": match log.format() { LogFormat::Sha1 => "sha1", LogFormat::CryptoAgile => "crypto_agile" },
        "algorithms": log.algorithms().iter().map(|algorithm| algorithm.name()).collect::<Vec<_>>(),
        "event_count": log.events().len(),
        "padding": padding,
    })
}

fn show(args: &ShowArgs) -> Result<Outcome, InputError> {
    let bytes = read_file(&args.log)?;
    let log = parse_log(&args.log, &bytes, args.allow_padding)?;
    let mut report = log_json(&args.log, &log);
    report["events"] = log.events().iter().map(event_json).collect();
    if args.json {
        print_json(&report);
    } else {
        print_show_text(&report);
    }
    Ok(Outcome::Pass)
}

fn digests_json<'a>(digests: impl IntoIterator<Item = &'a Digest>) -> Value {
    let map: Map<String, Value> =
        digests.into_iter().map(|digest| (digest.algorithm().name().to_owned(), json!(digest.to_string()))).collect();
    Value::Object(map)
}

fn quirk_name(quirk: Quirk) -> &'static str {
    match quirk {
        Quirk::VariableDataOnly => "variable_data_only",
        Quirk::ShimAuthorityTrailingByte => "shim_authority_trailing_byte",
        Quirk::MissingExitBootServices => "missing_exit_boot_services",
    }
}

fn digest_check_json(check: DigestCheck) -> Value {
    match check {
        DigestCheck::Matches => json!({"result": "matches"}),
        DigestCheck::MatchesWithQuirk(quirk) => json!({"result": "matches", "quirk": quirk_name(quirk)}),
        DigestCheck::Differs(algorithm) => json!({"result": "differs", "bank": algorithm.name()}),
        DigestCheck::NotVerifiable => json!({"result": "not_verifiable"}),
    }
}

fn event_json(event: &Event<'_>) -> Value {
    let digests: Vec<Digest> = event.digests().collect();
    json!({
        "index": event.index,
        "offset": event.offset,
        "pcr": event.pcr_index,
        "type": event.event_type.0,
        "type_name": event.event_type.to_string(),
        "digests": digests_json(&digests),
        "data": hex(event.data),
        "digest_check": digest_check_json(check_digest(event)),
        "decoded": decoded_json(event),
    })
}

/// The event data decoded by its type; `kind` names the structure.
fn decoded_json(event: &Event<'_>) -> Value {
    let data = match event.decode() {
        Ok(data) => data,
        Err(error) => return json!({"kind": "invalid", "error": error.to_string()}),
    };
    match data {
        EventData::SpecId(spec_id) => json!({
            "kind": "spec_id",
            "platform_class": spec_id.platform_class,
            "spec_version": format!("{}.{}", spec_id.spec_version_major, spec_id.spec_version_minor),
            "spec_errata": spec_id.spec_errata,
            "uintn_size": spec_id.uintn_size,
            "algorithms": spec_id.algorithms.iter().map(|entry| json!({
                "algorithm_id": entry.algorithm_id,
                "name": entry.algorithm().map(HashAlgorithm::name),
                "digest_size": entry.digest_size,
            })).collect::<Vec<_>>(),
            "vendor_info": hex(spec_id.vendor_info),
        }),
        EventData::StartupLocality(locality) => json!({"kind": "startup_locality", "locality": locality}),
        EventData::Sp800155(rest) => json!({"kind": "sp800_155", "data": hex(rest)}),
        EventData::NvIndexInstance(rest) => json!({"kind": "nv_index_instance", "data": hex(rest)}),
        EventData::NvIndexDynamic(rest) => json!({"kind": "nv_index_dynamic", "data": hex(rest)}),
        EventData::NoAction(bytes) => json!({"kind": "no_action", "text": ascii(bytes)}),
        EventData::Separator(separator) => {
            let value = match separator {
                Separator::Normal => json!("00000000"),
                Separator::Value(value) => json!(format!("{value:08x}")),
                Separator::Wbcl => json!("WBCL"),
                Separator::Other(bytes) => json!(hex(bytes)),
            };
            json!({"kind": "separator", "value": value})
        }
        EventData::Action(text) => json!({"kind": "action", "text": text}),
        EventData::Variable(variable) => json!({
            "kind": "variable",
            "vendor": variable.vendor.to_string(),
            "name": variable.name.to_string(),
            "data_size": variable.data.len(),
            "trailing_size": variable.trailing.len(),
        }),
        EventData::ImageLoad(image) => {
            let (device_path, device_path_error) = match image.device_path() {
                Ok(path) => (json!(path.to_string()), Value::Null),
                Err(error) => (Value::Null, json!(error.to_string())),
            };
            json!({
                "kind": "image_load",
                "location_in_memory": image.location_in_memory,
                "length_in_memory": image.length_in_memory,
                "link_time_address": image.link_time_address,
                "device_path": device_path,
                "device_path_error": device_path_error,
                "trailing_size": image.trailing.len(),
            })
        }
        EventData::Gpt(gpt) => json!({
            "kind": "gpt",
            "disk_guid": gpt.disk_guid.to_string(),
            "partitions": gpt.partitions().filter(|entry| entry.type_guid.as_bytes() != &[0; 16]).map(|entry| json!({
                "type_guid": entry.type_guid.to_string(),
                "unique_guid": entry.unique_guid.to_string(),
                "starting_lba": entry.starting_lba,
                "ending_lba": entry.ending_lba,
                "attributes": entry.attributes,
                "name": entry.name.to_string(),
            })).collect::<Vec<_>>(),
        }),
        EventData::Ipl(ipl) => match ipl {
            Ipl::GrubCommand(text) => json!({"kind": "grub_command", "text": text}),
            Ipl::KernelCommandLine(text) => json!({"kind": "kernel_command_line", "text": text}),
            Ipl::Text(text) => json!({"kind": "text", "text": text}),
            Ipl::Utf16(text) => json!({"kind": "text", "text": text.to_string()}),
            Ipl::Binary(_) => json!({"kind": "binary"}),
        },
        EventData::SCrtmVersion(version) => match version {
            SCrtmVersion::Utf16(text) => json!({"kind": "s_crtm_version", "text": text.to_string()}),
            SCrtmVersion::Guid(guid) => json!({"kind": "s_crtm_version", "guid": guid.to_string()}),
            SCrtmVersion::Other(_) => json!({"kind": "s_crtm_version"}),
        },
        EventData::FirmwareBlob(blob) => json!({
            "kind": "firmware_blob",
            "description": blob.description.map(|description| String::from_utf8_lossy(description).into_owned()),
            "base": blob.base,
            "length": blob.length,
        }),
        EventData::HandoffTables(tables) => json!({
            "kind": "handoff_tables",
            "description": tables.description.map(|description| String::from_utf8_lossy(description).into_owned()),
            "tables": tables.tables().map(|(guid, address)| json!({"vendor_guid": guid.to_string(), "address": address})).collect::<Vec<_>>(),
        }),
        EventData::PostCode(code) => match code {
            PostCode::Text(text) => json!({"kind": "post_code", "text": text}),
            PostCode::Blob { base, length } => json!({"kind": "post_code", "base": base, "length": length}),
            PostCode::Other(_) => json!({"kind": "post_code"}),
        },
        EventData::Tagged(tagged) => json!({
            "kind": "tagged",
            "tagged_event_id": tagged.id,
            "data_size": tagged.data.len(),
            "trailing_size": tagged.trailing.len(),
        }),
        EventData::Hcrtm(_) => json!({"kind": "hcrtm"}),
        _ => json!({"kind": "opaque"}),
    }
}

/// One line describing decoded event data, for text output.
fn decoded_summary(decoded: &Value) -> String {
    let text = |key: &str| decoded[key].as_str().unwrap_or_default().to_owned();
    match decoded["kind"].as_str().unwrap_or_default() {
        "invalid" => format!("undecodable: {}", text("error")),
        "spec_id" => {
            let names: Vec<&str> = decoded["algorithms"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|entry| entry["name"].as_str().unwrap_or("unknown"))
                .collect();
            format!("Spec ID Event03, version {}, banks {}", text("spec_version"), names.join(", "))
        }
        "startup_locality" => format!("StartupLocality {}", decoded["locality"]),
        "sp800_155" => "SP800-155 reference manifest locator".to_owned(),
        "nv_index_instance" => "NvIndexInstance".to_owned(),
        "nv_index_dynamic" => "NvIndexDynamic".to_owned(),
        "separator" => format!("separator {}", text("value")),
        "action" | "text" | "post_code" | "s_crtm_version" if decoded["text"].is_string() => {
            format!("\"{}\"", text("text"))
        }
        "variable" => format!("{}:{} ({} bytes)", text("vendor"), text("name"), decoded["data_size"]),
        "image_load" => match decoded["device_path"].as_str() {
            Some(path) => format!("image of {} bytes from {path}", decoded["length_in_memory"]),
            None => format!("image of {} bytes, device path unreadable", decoded["length_in_memory"]),
        },
        "gpt" => format!(
            "GPT disk {}, {} partitions",
            text("disk_guid"),
            decoded["partitions"].as_array().map_or(0, Vec::len)
        ),
        "grub_command" => format!("grub command: {}", text("text")),
        "kernel_command_line" => format!("kernel command line: {}", text("text")),
        "firmware_blob" => {
            format!("firmware blob at {:#x}, {} bytes", decoded["base"].as_u64().unwrap_or_default(), decoded["length"])
        }
        "handoff_tables" => format!("{} configuration tables", decoded["tables"].as_array().map_or(0, Vec::len)),
        "tagged" => format!(
            "tagged event {:#x}, {} bytes",
            decoded["tagged_event_id"].as_u64().unwrap_or_default(),
            decoded["data_size"]
        ),
        "hcrtm" => "H-CRTM".to_owned(),
        "no_action" => decoded["text"].as_str().map(|text| format!("\"{text}\"")).unwrap_or_default(),
        _ => String::new(),
    }
}

fn print_show_text(report: &Value) {
    print_log_header(report);
    for event in report["events"].as_array().into_iter().flatten() {
        let pcr = match event["pcr"].as_u64() {
            Some(pcr) if pcr < 24 => pcr.to_string(),
            _ => "-".to_owned(),
        };
        println!(
            "{:>5}  PCR {pcr:>2}  {:<34} {}",
            event["index"].as_u64().unwrap_or_default(),
            event["type_name"].as_str().unwrap_or_default(),
            decoded_summary(&event["decoded"])
        );
        for (algorithm, value) in event["digests"].as_object().into_iter().flatten() {
            println!("{:>15}{algorithm:<7} {}", "", value.as_str().unwrap_or_default());
        }
        if event["digest_check"]["result"] == "differs" {
            println!("{:>15}WARNING: the digest does not match the event data", "");
        }
    }
}

fn print_log_header(report: &Value) {
    let format = if report["format"] == "sha1" { "SHA-1 format" } else { "crypto-agile" };
    let banks: Vec<&str> = report["algorithms"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    println!(
        "{}: {format} log, banks {}, {} events",
        report["log"].as_str().unwrap_or_default(),
        banks.join(", "),
        report["event_count"]
    );
    if let Some(length) = report["padding"]["length"].as_u64() {
        println!(
            "  followed by {length} bytes of 0x{} padding",
            report["padding"]["byte"].as_str().unwrap_or_default()
        );
    }
}

/// The replayed value of every PCR the log extends, per bank; PCR numbers are decimal strings.
fn banks_json(log: &EventLog<'_>, replayed: &Replay) -> Value {
    let mut banks = Map::new();
    for algorithm in log.algorithms() {
        let values: Map<String, Value> = (0..24u32)
            .filter_map(|pcr| replayed.value(algorithm, pcr).map(|value| (pcr.to_string(), json!(value.to_string()))))
            .collect();
        banks.insert(algorithm.name().to_owned(), Value::Object(values));
    }
    Value::Object(banks)
}

/// PCRs that events extend without a digest of the bank, so the bank cannot be replayed.
fn missing_digests_json(log: &EventLog<'_>, replayed: &Replay) -> Value {
    let mut missing = Vec::new();
    for algorithm in log.algorithms() {
        for pcr in 0..24u32 {
            if !replayed.is_extended(algorithm, pcr) || replayed.value(algorithm, pcr).is_some() {
                continue;
            }
            let event = log
                .events()
                .iter()
                .find(|event| event.pcr_index == pcr && event.is_extended() && event.digest(algorithm).is_none());
            missing.push(json!({"bank": algorithm.name(), "pcr": pcr, "event_index": event.map(|event| event.index)}));
        }
    }
    Value::Array(missing)
}

fn replay_log(args: &ReplayArgs) -> Result<Outcome, InputError> {
    let bytes = read_file(&args.log)?;
    let log = parse_log(&args.log, &bytes, args.allow_padding)?;
    let replayed = replay(&log).map_err(|error| InputError(format!("{}: {error}", args.log.display())))?;

    let mut report = log_json(&args.log, &log);
    report["banks"] = banks_json(&log, &replayed);
    report["missing_digests"] = missing_digests_json(&log, &replayed);

    let mut outcome = Outcome::Pass;
    if let Some(path) = &args.pcrs {
        let expected = read_pcr_values(path)?;
        let options = ReplayOptions { exit_boot_services_workaround: args.danger_missing_exit_boot_services };
        let pairs = expected.pairs();
        let comparison = replayed.compare(pairs.iter().copied(), options);
        // `compare` keeps the order of the expected values, so the two zip.
        let entries: Vec<Value> = comparison
            .entries()
            .iter()
            .zip(&pairs)
            .map(|(entry, (_, digest))| comparison_json(entry, digest, &replayed))
            .collect();
        if entries.iter().any(|entry| entry["accepted"] != true) {
            outcome = Outcome::Fail;
        }
        report["pcrs_file"] = json!(path.display().to_string());
        report["comparison"] = Value::Array(entries);
        report["all_match"] = json!(outcome == Outcome::Pass);
        add_claims(&mut report, &log, &comparison);
    }

    if args.json {
        print_json(&report);
    } else {
        print_replay_text(&report);
    }
    Ok(outcome)
}

fn result_name(result: &PcrResult) -> &'static str {
    match result {
        PcrResult::Matches => "matches",
        PcrResult::Differs { .. } => "differs",
        PcrResult::NotInLog => "not_in_log",
        PcrResult::MissingDigest { .. } => "missing_digest",
    }
}

/// One compared PCR. `accepted` is true when the value matches, or when no event extends the
/// PCR and the expected value is the PCR's reset value, so the log's silence agrees with it.
fn comparison_json(entry: &PcrComparison, expected: &Digest, replayed: &Replay) -> Value {
    let accepted = match entry.result {
        PcrResult::Matches => true,
        PcrResult::NotInLog => {
            usize::try_from(entry.pcr).is_ok_and(|index| reset_value(entry.algorithm, index) == *expected)
        }
        PcrResult::Differs { .. } | PcrResult::MissingDigest { .. } => false,
    };
    let mut value = json!({
        "bank": entry.algorithm.name(),
        "pcr": entry.pcr,
        "result": result_name(&entry.result),
        "replayed": replayed.value(entry.algorithm, entry.pcr).map(ToString::to_string),
        "expected": expected.to_string(),
        "quirk": entry.quirk.map(quirk_name),
        "accepted": accepted,
    });
    if let PcrResult::MissingDigest { event_index } = entry.result {
        value["event_index"] = json!(event_index);
    }
    value
}

fn error_json(error: &trusted_launch::Error) -> Value {
    json!({"error": error.to_string()})
}

/// Adds what the events of the verified PCRs claim: Secure Boot state, loaded images, command
/// lines and Windows boot claims. A claim that cannot be drawn is an `{"error": …}` object.
fn add_claims(report: &mut Value, log: &EventLog<'_>, comparison: &ReplayReport) {
    let events = VerifiedEvents::new(log, comparison);
    let verified = comparison.verified_pcrs();
    report["verified_pcrs"] = (0..24u32).filter(|pcr| verified & (1u32 << pcr) != 0).collect();
    report["secure_boot"] = match SecureBootState::from_events(&events) {
        Ok(Some(state)) => secure_boot_json(&state),
        Ok(None) => Value::Null,
        Err(error) => error_json(&error),
    };
    report["loaded_images"] = match loaded_images(&events) {
        Ok(images) => images
            .iter()
            .map(|image| {
                json!({
                    "event_index": image.event_index,
                    "pcr": image.pcr,
                    "type_name": image.event_type.to_string(),
                    "authenticode_digests": digests_json(&image.authenticode_digests),
                    "device_path": image.device_path.map(|path| path.to_string()),
                    "location_in_memory": image.image_load.location_in_memory,
                    "length_in_memory": image.image_load.length_in_memory,
                })
            })
            .collect(),
        Err(error) => error_json(&error),
    };
    report["command_lines"] = match command_lines(&events) {
        Ok(lines) => lines
            .iter()
            .map(|line| {
                let source = match line.source {
                    CommandLineSource::Grub => "grub",
                    CommandLineSource::GrubCommand => "grub_command",
                    CommandLineSource::SystemdStub => "systemd_stub",
                };
                json!({"event_index": line.event_index, "source": source, "text": line.text.to_string()})
            })
            .collect(),
        Err(error) => error_json(&error),
    };
    report["windows"] = match WindowsBootClaims::from_events(&events) {
        Ok(claims) if claims == WindowsBootClaims::default() => Value::Null,
        Ok(claims) => windows_json(&claims),
        Err(error) => error_json(&error),
    };
}

fn secure_boot_json(state: &SecureBootState<'_>) -> Value {
    let databases: Map<String, Value> = ["PK", "KEK", "db", "dbx"]
        .iter()
        .map(|name| ((*name).to_owned(), database_json(state.database(name))))
        .collect();
    let authorities: Vec<Value> = state
        .pre_separator_authorities
        .iter()
        .map(|authority| authority_json(authority, false))
        .chain(state.post_separator_authorities.iter().map(|authority| authority_json(authority, true)))
        .collect();
    let variables: Vec<Value> = state
        .variables
        .iter()
        .map(|measured| {
            json!({
                "event_index": measured.event_index,
                "vendor": measured.variable.vendor.to_string(),
                "name": measured.variable.name.to_string(),
                "data_size": measured.variable.data.len(),
                "quirk": measured.quirk.map(quirk_name),
            })
        })
        .collect();
    json!({
        "enabled": state.enabled,
        "dma_protection_disabled": state.dma_protection_disabled,
        "databases": databases,
        "variables": variables,
        "authorities": authorities,
    })
}

/// A measured signature database: its certificates (subject, owner, SHA-256 of the DER) and the
/// number of other entries (hashes). `null` when the variable was not measured.
fn database_json(data: Option<&[u8]>) -> Value {
    let Some(data) = data else { return Value::Null };
    match signature_entries(data) {
        Ok(entries) => {
            let certificates: Vec<Value> = entries
                .iter()
                .filter(|entry| entry.signature_type == EFI_CERT_X509)
                .map(|entry| {
                    json!({
                        "subject": certificate_subject(entry.data),
                        "owner": entry.owner.to_string(),
                        "sha256": HashAlgorithm::Sha256.hash(entry.data).to_string(),
                    })
                })
                .collect();
            json!({
                "entries": entries.len(),
                "hashes": entries.len().saturating_sub(certificates.len()),
                "certificates": certificates,
            })
        }
        Err(error) => error_json(&error),
    }
}

fn certificate_subject(der: &[u8]) -> Option<String> {
    let certificate = <x509_cert::Certificate as der::Decode>::from_der(der).ok()?;
    Some(certificate.tbs_certificate().subject().to_string())
}

fn authority_json(authority: &Authority<'_>, after_separator: bool) -> Value {
    let kind = match authority.kind {
        AuthorityKind::Signature => "signature",
        AuthorityKind::SbatLevel => "sbat_level",
        AuthorityKind::MokListTrusted => "mok_list_trusted",
    };
    let (owner, subject) = match authority.signature() {
        Some((owner, data)) => (Some(owner.to_string()), certificate_subject(data)),
        None => (None, None),
    };
    json!({
        "event_index": authority.event_index,
        "after_separator": after_separator,
        "kind": kind,
        "vendor": authority.variable.vendor.to_string(),
        "name": authority.variable.name.to_string(),
        "owner": owner,
        "subject": subject,
        "data_sha256": HashAlgorithm::Sha256.hash(authority.variable.data).to_string(),
        "quirk": authority.quirk.map(quirk_name),
    })
}

fn windows_json(claims: &WindowsBootClaims<'_>) -> Value {
    let modules: Vec<Value> = claims
        .loaded_modules
        .iter()
        .map(|module| {
            json!({
                "pcr": module.pcr,
                "file_path": module.file_path.map(|path| path.to_string()),
                "authenticode_hash": module.authenticode_hash.map(hex),
                "hash_algorithm_id": module.hash_algorithm_id,
                "image_size": module.image_size,
                "image_base": module.image_base,
                "image_validated": module.image_validated,
                "authority_issuer": module.authority_issuer.map(|text| text.to_string()),
                "authority_publisher": module.authority_publisher.map(|text| text.to_string()),
            })
        })
        .collect();
    let elam: Vec<Value> = claims
        .elam_drivers
        .iter()
        .map(|driver| {
            json!({"key_name": driver.key_name.map(|name| name.to_string()), "measured": driver.measured.map(hex)})
        })
        .collect();
    json!({
        "cold_boot": claims.cold_boot,
        "boot_count": claims.boot_count,
        "boot_debugging": claims.boot_debugging,
        "kernel_debugging": claims.kernel_debugging,
        "hypervisor_debugging": claims.hypervisor_debugging,
        "test_signing": claims.test_signing,
        "flight_signing": claims.flight_signing,
        "code_integrity": claims.code_integrity,
        "data_execution_prevention": claims.data_execution_prevention,
        "safe_mode": claims.safe_mode,
        "win_pe": claims.win_pe,
        "vbs_enabled": claims.vbs_enabled,
        "hvci_policy": claims.hvci_policy,
        "bitlocker_unlocks": claims.bitlocker_unlocks,
        "elam_drivers": elam,
        "loaded_modules": modules,
    })
}

fn print_replay_text(report: &Value) {
    print_log_header(report);
    for (bank, values) in report["banks"].as_object().into_iter().flatten() {
        println!("{bank}:");
        let mut pcrs: Vec<(u32, &str)> = values
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(pcr, value)| Some((pcr.parse().ok()?, value.as_str()?)))
            .collect();
        pcrs.sort_unstable();
        for (pcr, value) in pcrs {
            println!("  PCR {pcr:>2}  {value}");
        }
    }
    for missing in report["missing_digests"].as_array().into_iter().flatten() {
        println!(
            "{} PCR {} cannot be replayed: event {} carries no {} digest",
            missing["bank"].as_str().unwrap_or_default(),
            missing["pcr"],
            missing["event_index"],
            missing["bank"].as_str().unwrap_or_default()
        );
    }
    let Some(entries) = report["comparison"].as_array() else { return };

    println!("comparison with {}:", report["pcrs_file"].as_str().unwrap_or_default());
    for entry in entries {
        println!(
            "  {:<7} PCR {:>2}  {}",
            entry["bank"].as_str().unwrap_or_default(),
            entry["pcr"].as_u64().unwrap_or_default(),
            comparison_text(entry)
        );
    }
    print_claims_text(report);

    let failed: Vec<String> = entries
        .iter()
        .filter(|entry| entry["accepted"] != true)
        .map(|entry| format!("{} PCR {}", entry["bank"].as_str().unwrap_or_default(), entry["pcr"]))
        .collect();
    if failed.is_empty() {
        println!("result: the log explains all {} PCR values", entries.len());
    } else {
        println!(
            "result: the log does not explain {} of {} PCR values: {}",
            failed.len(),
            entries.len(),
            failed.join(", ")
        );
    }
}

fn comparison_text(entry: &Value) -> String {
    let replayed = entry["replayed"].as_str().unwrap_or_default();
    let expected = entry["expected"].as_str().unwrap_or_default();
    match entry["result"].as_str().unwrap_or_default() {
        "matches" => match entry["quirk"].as_str() {
            Some(quirk) => format!("matches (with quirk {quirk})"),
            None => "matches".to_owned(),
        },
        "differs" => format!("DIFFERS: log replays to {replayed}, expected {expected}"),
        "not_in_log" if entry["accepted"] == true => "not in the log, and at its reset value".to_owned(),
        "not_in_log" => format!("NOT IN LOG: no event extends it, but it holds {expected}"),
        "missing_digest" => format!("MISSING DIGEST: event {} carries no digest of this bank", entry["event_index"]),
        other => other.to_owned(),
    }
}

fn print_claims_text(report: &Value) {
    let pcrs: Vec<String> = report["verified_pcrs"].as_array().into_iter().flatten().map(ToString::to_string).collect();
    println!("verified PCRs: {}", if pcrs.is_empty() { "none".to_owned() } else { pcrs.join(", ") });

    let secure_boot = &report["secure_boot"];
    if let Some(error) = secure_boot["error"].as_str() {
        println!("Secure Boot: state unreadable: {error}");
    } else if secure_boot.is_object() {
        let state = if secure_boot["enabled"] == true { "enabled" } else { "disabled" };
        println!("Secure Boot: {state}");
        for name in ["PK", "KEK", "db", "dbx"] {
            let database = &secure_boot["databases"][name];
            if database.is_object() {
                println!(
                    "  {name}: {} certificates, {} hashes",
                    database["certificates"].as_array().map_or(0, Vec::len),
                    database["hashes"]
                );
            }
        }
        for authority in secure_boot["authorities"].as_array().into_iter().flatten() {
            let what = authority["subject"].as_str().or(authority["name"].as_str()).unwrap_or_default();
            println!("  authority (event {}): {what}", authority["event_index"]);
        }
    } else {
        println!("Secure Boot: unknown (PCR 7 not verified)");
    }

    print_list("loaded images", &report["loaded_images"], |image| {
        let path = image["device_path"].as_str().unwrap_or("(no device path)");
        let sha256 = image["authenticode_digests"]["sha256"].as_str();
        let digest = sha256.or(image["authenticode_digests"]["sha1"].as_str()).unwrap_or_default();
        format!("event {}: {digest} {path}", image["event_index"])
    });
    print_list("command lines", &report["command_lines"], |line| {
        format!(
            "event {} ({}): {}",
            line["event_index"],
            line["source"].as_str().unwrap_or_default(),
            line["text"].as_str().unwrap_or_default()
        )
    });
    if let Some(error) = report["windows"]["error"].as_str() {
        println!("Windows boot claims: unreadable: {error}");
    } else if let Some(claims) = report["windows"].as_object() {
        println!("Windows boot claims:");
        for (key, value) in claims.iter().filter(|(_, value)| !value.is_null() && !value.is_array()) {
            println!("  {key}: {value}");
        }
        println!("  loaded modules: {}", claims["loaded_modules"].as_array().map_or(0, Vec::len));
    }
}

fn print_list(title: &str, list: &Value, line: impl Fn(&Value) -> String) {
    if let Some(error) = list["error"].as_str() {
        println!("{title}: unreadable: {error}");
        return;
    }
    let items = list.as_array().map(Vec::as_slice).unwrap_or_default();
    if items.is_empty() {
        return;
    }
    println!("{title}:");
    for item in items {
        println!("  {}", line(item));
    }
}
