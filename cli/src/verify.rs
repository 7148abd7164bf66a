//! `trusted-launch verify` judges one boot (event log, quote or trusted PCR values, variable
//! store, boot images) against a baseline; `trusted-launch baseline create` captures a baseline
//! from a known-good boot.
//!
//! Exit status of `verify`: 0 trusted, 1 untrusted, 2 unusable input, 3 incomplete. The JSON
//! form (`--json`) is the core's report JSON, documented in the README under "Boot report".

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use trusted_launch::boot::report::{ImageReport, ImageStatus, QuoteStatus, Verdict};
use trusted_launch::boot::{
    Baseline, BootEvidence, BootImage, BootPolicy, BootReport, PcrEvidence, QuoteEvidence, VariableEvidence,
    verify_boot,
};
use trusted_launch::eventlog::{EventLog, ParseOptions};
use trusted_launch::tpm::pcr_values::PcrValues;

use crate::sources::read_file;
use crate::tpm_files::{load_key, load_pcr_values, parse_hex, strip_tpm2b};
use crate::vars::load_store;
use crate::{InputError, Outcome};

#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// The TCG event log (`/sys/kernel/security/tpm0/binary_bios_measurements`). Without it only
    /// PCR values are compared with the baseline.
    #[arg(long, value_name = "LOG")]
    log: Option<PathBuf>,
    /// PCR values: `tpm2_pcrread` YAML, a `tpm2_quote -o` file or JSON `{"banks": {"sha256":
    /// {"0": "<hex>"}}}`. Alone, they are trusted as read from a vTPM you control; with --quote
    /// they are the values the quote covers and are checked against its pcrDigest.
    #[arg(long, value_name = "FILE")]
    pcrs: Option<PathBuf>,
    /// The TPMS_ATTEST of a quote (`tpm2_quote -m`).
    #[arg(long, value_name = "FILE", requires_all = ["signature", "ak", "nonce"])]
    quote: Option<PathBuf>,
    /// The quote's TPMT_SIGNATURE (`tpm2_quote -s`).
    #[arg(long, value_name = "FILE", requires = "quote")]
    signature: Option<PathBuf>,
    /// The attestation key: TPM2B_PUBLIC (`tpm2_createak -u`) or TPMT_PUBLIC.
    #[arg(long, value_name = "FILE", requires = "quote")]
    ak: Option<PathBuf>,
    /// The qualifying data sent with the quote request, in hexadecimal.
    #[arg(long, value_name = "HEX", requires = "quote")]
    nonce: Option<String>,
    /// The variable store the machine booted with (an OVMF `.fd` file or an efivarfs folder):
    /// its db, dbx and dbt check the boot images.
    #[arg(long, value_name = "STORE")]
    vars: Option<PathBuf>,
    /// A boot image as NAME=FILE, in boot order (first the one the firmware loads). Repeat.
    #[arg(long = "image", value_name = "NAME=FILE")]
    images: Vec<String>,
    /// A baseline written by `trusted-launch baseline create`.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Require Secure Boot to be shown enabled.
    #[arg(long)]
    require_secure_boot: bool,
    /// Print the JSON report.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub(crate) enum BaselineCommand {
    /// Capture a baseline from the event log (and variable store) of a known-good boot.
    Create(CreateArgs),
}

#[derive(Args)]
pub(crate) struct CreateArgs {
    /// The known-good boot's TCG event log.
    #[arg(long, value_name = "LOG")]
    log: PathBuf,
    /// The variable store it booted with; its PK, KEK, db, dbx and dbt are recorded.
    #[arg(long, value_name = "STORE")]
    vars: Option<PathBuf>,
    /// Where to write the baseline JSON.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

fn parse_log<'a>(path: &Path, bytes: &'a [u8]) -> Result<EventLog<'a>, InputError> {
    EventLog::parse(bytes, ParseOptions { allow_padding: true, ..ParseOptions::default() })
        .map_err(|error| InputError(format!("{}: {error}", path.display())))
}

pub(crate) fn run_baseline(command: BaselineCommand) -> Result<Outcome, InputError> {
    let BaselineCommand::Create(args) = command;
    let bytes = read_file(&args.log)?;
    let log = parse_log(&args.log, &bytes)?;
    let store = args.vars.as_deref().map(load_store).transpose()?;
    let baseline = Baseline::capture(&log, store.as_ref().map(|store| store.store()))
        .map_err(|error| InputError(format!("{}: {error}", args.log.display())))?;
    let mut text = baseline.to_json();
    text.push('\n');
    std::fs::write(&args.out, text)
        .map_err(|error| InputError(format!("{}: cannot write: {error}", args.out.display())))?;
    eprintln!("wrote {} events to {}", baseline.events.len(), args.out.display());
    Ok(Outcome::Pass)
}

pub(crate) fn run_verify(args: &VerifyArgs) -> Result<Outcome, InputError> {
    let log = args.log.as_deref().map(read_file).transpose()?;
    // Parsed here first so that an unreadable log is reported with its file name.
    if let (Some(path), Some(bytes)) = (&args.log, &log) {
        parse_log(path, bytes)?;
    }
    let store = args.vars.as_deref().map(load_store).transpose()?;
    let images = read_images(&args.images)?;
    let baseline = match &args.baseline {
        Some(path) => Some(
            Baseline::from_json(&read_file(path)?)
                .map_err(|error| InputError(format!("{}: {error}", path.display())))?,
        ),
        None => None,
    };

    let pcr_values: Option<PcrValues> = match &args.pcrs {
        Some(path) => Some(load_pcr_values(path)?),
        None => None,
    };
    let quote_files = match (&args.quote, &args.signature, &args.ak, &args.nonce) {
        (Some(quote), Some(signature), Some(ak), Some(nonce)) => {
            let nonce = parse_hex(nonce).ok_or_else(|| InputError(format!("--nonce: invalid hex {nonce:?}")))?;
            Some((strip_tpm2b(read_file(quote)?), read_file(signature)?, load_key(ak)?, nonce))
        }
        _ => None,
    };
    let pcrs = match (&quote_files, &pcr_values) {
        (Some((attest, signature, key, nonce)), values) => PcrEvidence::Quote(QuoteEvidence {
            attest,
            signature,
            attestation_key: key,
            nonce,
            pcr_values: values.as_ref(),
        }),
        (None, Some(values)) => PcrEvidence::Trusted(values),
        (None, None) => PcrEvidence::None,
    };

    let evidence = BootEvidence {
        event_log: log.as_deref(),
        pcrs,
        variables: store.as_ref().map(|store| VariableEvidence::Store(store.store())),
        images: images.iter().map(|(name, bytes)| BootImage { name, bytes }).collect(),
    };
    let policy = BootPolicy { require_secure_boot: args.require_secure_boot, baseline, ..BootPolicy::default() };
    let report = verify_boot(&evidence, &policy).map_err(|error| InputError(format!("{error}")))?;

    if args.json {
        println!("{}", report.to_json());
    } else {
        print_report(&report);
    }
    Ok(match report.verdict {
        Verdict::Trusted => Outcome::Pass,
        Verdict::Untrusted => Outcome::Fail,
        Verdict::Incomplete => Outcome::Incomplete,
    })
}

fn read_images(specs: &[String]) -> Result<Vec<(String, Vec<u8>)>, InputError> {
    specs
        .iter()
        .map(|spec| {
            let (name, path) =
                spec.split_once('=').ok_or_else(|| InputError(format!("--image {spec:?}: expected NAME=FILE")))?;
            Ok((name.to_owned(), read_file(Path::new(path))?))
        })
        .collect()
}

/// Verdict first, then what is wrong, then the chain.
fn print_report(report: &BootReport) {
    println!("verdict: {}", report.verdict.code().to_uppercase());
    let quote = match &report.quote {
        QuoteStatus::Refused { code, message } => format!("refused ({code}): {message}"),
        other => other.code().replace('_', " "),
    };
    println!("quote: {quote}");
    let secure_boot = match report.secure_boot.enabled {
        Some(true) => "enabled",
        Some(false) => "disabled",
        None => "unknown",
    };
    let source = report.secure_boot.source.unwrap_or("no evidence");
    let verified = if report.secure_boot.verified { ", verified" } else { "" };
    println!("secure boot: {secure_boot} ({source}{verified})");

    if !report.deviations.is_empty() {
        println!("\ndeviations:");
        for deviation in &report.deviations {
            let event = deviation.event.map_or_else(String::new, |event| format!(" event {event}"));
            println!("  PCR {}{event} {}: {}", deviation.pcr, deviation.component.code(), deviation.kind.code());
            println!("    {}", deviation.description);
            if !deviation.expected.is_empty() {
                println!("    expected {}", deviation.expected.join(" or "));
            }
            println!("    found    {}", deviation.found);
        }
    }
    if !report.alerts.is_empty() {
        println!("\nalerts:");
        for alert in &report.alerts {
            println!("  [{}] {}: {}", alert.severity.code(), alert.kind.code(), alert.message);
        }
    }
    if !report.images.is_empty() {
        println!("\nboot chain:");
        for image in &report.images {
            print_image(image);
        }
    }
    if !report.command_lines.is_empty() {
        println!("\ncommand lines:");
        for line in &report.command_lines {
            println!("  {line}");
        }
    }
}

fn print_image(image: &ImageReport) {
    let event = image.event.map_or_else(|| String::from("not in log"), |event| format!("event {event}"));
    let label = match (&image.name, image.path.as_deref()) {
        (Some(name), _) => name.clone(),
        (None, Some("")) => String::from("(loaded from memory)"),
        (None, Some(path)) => path.to_owned(),
        (None, None) => String::new(),
    };
    println!("  {} {label} [{event}]", image.component.code());
    if let Some(path) = image.path.as_deref().filter(|path| !path.is_empty() && image.name.is_some()) {
        println!("    path      {path}");
    }
    if let Some(digest) = &image.sha256 {
        println!("    sha256    {digest}");
    }
    match &image.authority {
        Some(authority) => {
            let subject = authority.subject.as_deref().unwrap_or("(not a certificate)");
            let how = if authority.from_log { ", as measured" } else { "" };
            println!("    authority {}: {subject}{how}", authority.source);
        }
        None => println!("    authority none"),
    }
    match &image.status {
        ImageStatus::Refused { code, message } => println!("    REFUSED   {code}: {message}"),
        status => println!("    status    {}", status.code().replace('_', " ")),
    }
}
