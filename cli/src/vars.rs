//! `trusted-launch vars show` and `trusted-launch vars apply-update`: UEFI variable stores (an
//! OVMF/EDK2 `.fd` file or an efivarfs folder) and authenticated updates applied to them.
//!
//! JSON of `vars show --json`:
//! `{"store", "format": "edk2"|"efivarfs", "authenticated", "free_space", "variables": [{"name",
//! "guid", "attributes", "attributes_text", "size", "timestamp", "signature_lists"}]}`, where
//! `authenticated` and `free_space` are `null` for efivarfs, `timestamp` is ISO 8601 or `null`,
//! and `signature_lists` (`null` for other variables) is `[{"type", "type_guid", "signature_size",
//! "entries"}]` for PK, KEK, db, dbx, dbt, dbr, their `*Default` copies and shim's `MokList*`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde_json::{Value, json};
use trusted_launch::uefi::authvar::{
    Authority, EFI_VARIABLE_APPEND_WRITE, SECURE_BOOT_VARIABLE_ATTRIBUTES, UpdateVerdict,
};
use trusted_launch::uefi::guid::{EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE, Guid, SHIM_LOCK};
use trusted_launch::uefi::siglist::{ParseOptions, parse_signature_lists_with, signature_type_name};
use trusted_launch::uefi::time::EfiTime;
use trusted_launch::uefi::varstore::edk2::NvStore;
use trusted_launch::uefi::varstore::efivarfs::{self, EfivarfsStore};
use trusted_launch::uefi::varstore::{Variable, VariableStore, apply_update_to_store};

use crate::sources::read_file;
use crate::{InputError, Outcome};

#[derive(Subcommand)]
pub(crate) enum VarsCommand {
    /// List a store's variables, with the signature lists of signature databases.
    Show(ShowArgs),
    /// Apply an EFI_VARIABLE_AUTHENTICATION_2 update as firmware would, against the store's PK
    /// and KEK. Exit status 0 when accepted, 1 when refused.
    ApplyUpdate(ApplyArgs),
}

#[derive(Args)]
pub(crate) struct ShowArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// An OVMF/EDK2 variable store file (`OVMF_VARS*.fd`) or an efivarfs folder.
    #[arg(value_name = "STORE")]
    store: PathBuf,
}

#[derive(Args)]
pub(crate) struct ApplyArgs {
    /// Variable name: PK, KEK, db, dbx, dbt or dbr.
    #[arg(long)]
    name: String,
    /// Vendor GUID; defaults to EFI_GLOBAL_VARIABLE for PK and KEK and to
    /// EFI_IMAGE_SECURITY_DATABASE_GUID otherwise.
    #[arg(long)]
    guid: Option<String>,
    /// Set EFI_VARIABLE_APPEND_WRITE (attributes 0x67 instead of 0x27), as published dbx and db
    /// updates require.
    #[arg(long)]
    append: bool,
    /// Attributes as passed to SetVariable (hexadecimal, for example 0x67); overrides --append.
    #[arg(long, value_name = "HEX")]
    attributes: Option<String>,
    /// Write the updated store: the whole image for an `.fd` file, or the variable's efivarfs
    /// file into this folder for an efivarfs store. Nothing is written when the update is refused.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// The variable store.
    #[arg(value_name = "STORE")]
    store: PathBuf,
    /// The update: EFI_VARIABLE_AUTHENTICATION_2 followed by the new signature lists.
    #[arg(value_name = "UPDATE")]
    update: PathBuf,
}

pub(crate) fn run(command: VarsCommand) -> Result<Outcome, InputError> {
    match command {
        VarsCommand::Show(args) => show(&args),
        VarsCommand::ApplyUpdate(args) => apply(&args),
    }
}

/// A store loaded from disk.
pub(crate) enum LoadedStore {
    Edk2(NvStore),
    Efivarfs(EfivarfsStore),
}

impl LoadedStore {
    pub(crate) fn store(&self) -> &dyn VariableStore {
        match self {
            Self::Edk2(store) => store,
            Self::Efivarfs(store) => store,
        }
    }

    fn store_mut(&mut self) -> &mut dyn VariableStore {
        match self {
            Self::Edk2(store) => store,
            Self::Efivarfs(store) => store,
        }
    }
}

/// Reads an EDK2 store file or an efivarfs folder.
pub(crate) fn load_store(path: &Path) -> Result<LoadedStore, InputError> {
    if path.is_dir() {
        let entries = std::fs::read_dir(path).map_err(|error| InputError(format!("{}: {error}", path.display())))?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|error| InputError(format!("{}: {error}", path.display())))?;
            let Ok(name) = entry.file_name().into_string() else { continue };
            if efivarfs::parse_file_name(&name).is_some() && entry.path().is_file() {
                files.push((name, read_file(&entry.path())?));
            }
        }
        files.sort();
        let store = EfivarfsStore::from_files(files.iter().map(|(name, bytes)| (name.as_str(), bytes.as_slice())))
            .map_err(|error| InputError(format!("{}: {error}", path.display())))?;
        return Ok(LoadedStore::Efivarfs(store));
    }
    let bytes = read_file(path)?;
    let store = NvStore::parse(&bytes).map_err(|error| InputError(format!("{}: {error}", path.display())))?;
    Ok(LoadedStore::Edk2(store))
}

fn show(args: &ShowArgs) -> Result<Outcome, InputError> {
    let loaded = load_store(&args.store)?;
    let store = loaded.store();
    if args.json {
        let (format, authenticated, free_space) = match &loaded {
            LoadedStore::Edk2(store) => ("edk2", json!(store.is_authenticated()), json!(store.free_space())),
            LoadedStore::Efivarfs(_) => ("efivarfs", Value::Null, Value::Null),
        };
        let report = json!({
            "store": args.store.display().to_string(),
            "format": format,
            "authenticated": authenticated,
            "free_space": free_space,
            "variables": store.variables().iter().map(variable_json).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
        return Ok(Outcome::Pass);
    }

    println!("{}: {} variables", args.store.display(), store.variables().len());
    for variable in store.variables() {
        let time = variable.timestamp.filter(|time| !time.is_zero()).map(|time| format!(" time {}", time_text(&time)));
        println!(
            "{} {} attributes {:#x} ({}) size {}{}",
            variable.name,
            variable.guid,
            variable.attributes,
            attributes_text(variable.attributes),
            variable.data.len(),
            time.unwrap_or_default()
        );
        if let Some(lists) = signature_lists_json(variable) {
            for list in lists.as_array().into_iter().flatten() {
                println!("  {} x{}", list["type"].as_str().unwrap_or("?"), list["entries"]);
            }
        }
    }
    Ok(Outcome::Pass)
}

fn variable_json(variable: &Variable) -> Value {
    json!({
        "name": variable.name,
        "guid": variable.guid.to_string(),
        "attributes": variable.attributes,
        "attributes_text": attributes_text(variable.attributes),
        "size": variable.data.len(),
        "timestamp": variable.timestamp.filter(|time| !time.is_zero()).map(|time| time_text(&time)),
        "signature_lists": signature_lists_json(variable),
    })
}

/// Returns whether the variable's data is a sequence of signature lists.
fn is_signature_database(variable: &Variable) -> bool {
    let name = variable.name.as_str();
    (variable.guid == EFI_GLOBAL_VARIABLE
        && matches!(name, "PK" | "KEK" | "PKDefault" | "KEKDefault" | "dbDefault" | "dbxDefault" | "dbtDefault"))
        || (variable.guid == EFI_IMAGE_SECURITY_DATABASE && matches!(name, "db" | "dbx" | "dbt" | "dbr"))
        || (variable.guid == SHIM_LOCK && name.starts_with("MokList"))
}

fn signature_lists_json(variable: &Variable) -> Option<Value> {
    if !is_signature_database(variable) {
        return None;
    }
    let options = ParseOptions { allow_unknown_types: true };
    Some(match parse_signature_lists_with(&variable.data, 0, &options) {
        Ok(lists) => lists
            .iter()
            .map(|list| {
                json!({
                    "type": signature_type_name(&list.signature_type).unwrap_or("unknown"),
                    "type_guid": list.signature_type.to_string(),
                    "signature_size": list.signature_size,
                    "entries": list.len(),
                })
            })
            .collect(),
        Err(error) => json!([{"error": error.to_string()}]),
    })
}

fn attributes_text(attributes: u32) -> String {
    const NAMES: [(u32, &str); 8] = [
        (0x01, "NV"),
        (0x02, "BS"),
        (0x04, "RT"),
        (0x08, "HW_ERROR"),
        (0x10, "AUTH_WRITE"),
        (0x20, "TIME_AUTH"),
        (0x40, "APPEND"),
        (0x80, "ENHANCED_AUTH"),
    ];
    let mut parts: Vec<String> =
        NAMES.iter().filter(|(bit, _)| attributes & bit != 0).map(|(_, name)| (*name).to_owned()).collect();
    let unknown = attributes & !0xff;
    if unknown != 0 {
        parts.push(format!("{unknown:#x}"));
    }
    parts.join("|")
}

fn time_text(time: &EfiTime) -> String {
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", time.year, time.month, time.day, time.hour, time.minute, time.second)
}

fn apply(args: &ApplyArgs) -> Result<Outcome, InputError> {
    let guid = match &args.guid {
        Some(text) => Guid::parse(text).ok_or_else(|| InputError(format!("--guid {text}: not a GUID")))?,
        None if matches!(args.name.as_str(), "PK" | "KEK") => EFI_GLOBAL_VARIABLE,
        None => EFI_IMAGE_SECURITY_DATABASE,
    };
    let attributes = match &args.attributes {
        Some(text) => u32::from_str_radix(text.trim_start_matches("0x").trim_start_matches("0X"), 16)
            .map_err(|_| InputError(format!("--attributes {text}: not a hexadecimal u32")))?,
        None if args.append => SECURE_BOOT_VARIABLE_ATTRIBUTES | EFI_VARIABLE_APPEND_WRITE,
        None => SECURE_BOOT_VARIABLE_ATTRIBUTES,
    };
    let update = read_file(&args.update)?;
    let mut loaded = load_store(&args.store)?;

    let verdict = apply_update_to_store(loaded.store_mut(), &args.name, &guid, attributes, &update)
        .map_err(|error| InputError(format!("{}: {error}", args.update.display())))?;

    if verdict.is_accepted() {
        if let Some(out) = &args.out {
            write_store(&loaded, out, &args.name, &guid)?;
        }
    }
    if args.json {
        let report = verdict_json(args, &guid, attributes, &verdict);
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    } else {
        print_verdict(args, &verdict);
    }
    Ok(if verdict.is_accepted() { Outcome::Pass } else { Outcome::Fail })
}

fn write_store(loaded: &LoadedStore, out: &Path, name: &str, guid: &Guid) -> Result<(), InputError> {
    let write_error = |path: &Path, error: std::io::Error| InputError(format!("writing {}: {error}", path.display()));
    match loaded {
        LoadedStore::Edk2(store) => std::fs::write(out, store.to_bytes()).map_err(|error| write_error(out, error)),
        LoadedStore::Efivarfs(store) => {
            std::fs::create_dir_all(out).map_err(|error| write_error(out, error))?;
            let path = out.join(efivarfs::file_name(name, guid));
            match store.find(name, guid) {
                Some(variable) => {
                    std::fs::write(&path, efivarfs::file_contents(variable)).map_err(|error| write_error(&path, error))
                }
                // A deleted variable leaves no file behind.
                None => match std::fs::remove_file(&path) {
                    Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(write_error(&path, error)),
                    _ => Ok(()),
                },
            }
        }
    }
}

fn authority_json(authority: &Authority) -> Value {
    match authority {
        Authority::SetupMode => json!({"kind": "setup_mode"}),
        Authority::PlatformKey { certificate } => {
            json!({"kind": "platform_key", "subject": certificate_subject(certificate)})
        }
        Authority::KeyExchangeKey { entry } => json!({
            "kind": "key_exchange_key",
            "subject": certificate_subject(&entry.data),
            "owner": entry.owner.to_string(),
        }),
        _ => json!({"kind": "other"}),
    }
}

fn certificate_subject(der: &[u8]) -> Option<String> {
    let certificate = <x509_cert::Certificate as der::Decode>::from_der(der).ok()?;
    Some(certificate.tbs_certificate().subject().to_string())
}

fn verdict_json(args: &ApplyArgs, guid: &Guid, attributes: u32, verdict: &UpdateVerdict) -> Value {
    let base = json!({
        "store": args.store.display().to_string(),
        "update": args.update.display().to_string(),
        "name": args.name,
        "guid": guid.to_string(),
        "attributes": attributes,
    });
    let details = match verdict {
        UpdateVerdict::Accepted {
            entries_before, entries_after, new_data, new_timestamp, deleted, authority, ..
        } => json!({
            "accepted": true,
            "reason": Value::Null,
            "detail": Value::Null,
            "entries_before": entries_before,
            "entries_after": entries_after,
            "new_size": new_data.len(),
            "new_timestamp": time_text(new_timestamp),
            "deleted": deleted,
            "authority": authority_json(authority),
            "out": args.out.as_ref().map(|path| path.display().to_string()),
        }),
        UpdateVerdict::Refused { reason } => json!({
            "accepted": false,
            "reason": reason.code(),
            "detail": reason.to_string(),
            "entries_before": Value::Null,
            "entries_after": Value::Null,
            "new_size": Value::Null,
            "new_timestamp": Value::Null,
            "deleted": false,
            "authority": Value::Null,
            "out": Value::Null,
        }),
    };
    let mut report = base;
    if let (Some(target), Some(source)) = (report.as_object_mut(), details.as_object()) {
        target.extend(source.clone());
    }
    report
}

fn print_verdict(args: &ApplyArgs, verdict: &UpdateVerdict) {
    match verdict {
        UpdateVerdict::Accepted { entries_before, entries_after, new_timestamp, deleted, authority, .. } => {
            let by = match authority {
                Authority::SetupMode => "Setup Mode (no PK, signature not checked)".to_owned(),
                Authority::PlatformKey { certificate } => {
                    format!("PK {}", certificate_subject(certificate).unwrap_or_default())
                }
                Authority::KeyExchangeKey { entry } => {
                    format!("KEK {}", certificate_subject(&entry.data).unwrap_or_default())
                }
                _ => "another authority".to_owned(),
            };
            if *deleted {
                println!("{}: accepted, deletes {} (authorized by {by})", args.update.display(), args.name);
            } else {
                println!(
                    "{}: accepted, {} entries {} -> {}, time {} (authorized by {by})",
                    args.update.display(),
                    args.name,
                    entries_before,
                    entries_after,
                    time_text(new_timestamp)
                );
            }
        }
        UpdateVerdict::Refused { reason } => {
            println!("{}: refused ({}): {reason}", args.update.display(), reason.code());
        }
    }
}
