//! `trusted-launch quote verify`: checks a TPM 2.0 quote written by `tpm2_quote` against an
//! attestation key, a nonce and PCR values.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};
use trusted_launch::eventlog::parse::{EventLog, ParseOptions};
use trusted_launch::eventlog::replay::replay;
use trusted_launch::tpm::attest::{Attest, Attested};
use trusted_launch::tpm::attestation_key::Hierarchy;
use trusted_launch::tpm::pcr_values::PcrValues;
use trusted_launch::tpm::quote::{
    PcrComparison, PcrOutcome, QuoteOptions, QuoteRefusal, QuoteVerdict, verify_quote_with_options,
};
use trusted_launch::tpm::selection::PcrSelectionList;

use crate::sources::read_file;
use crate::tpm_files::{load_key, load_pcrs, parse_hex, parse_selection, strip_tpm2b};
use crate::{InputError, Outcome};

#[derive(Subcommand)]
pub(crate) enum QuoteCommand {
    /// Verify a TPM2_Quote: signature, key attributes, nonce, PCR selection and PCR values.
    Verify(VerifyArgs),
}

#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// Attestation key: a TPM2B_PUBLIC or TPMT_PUBLIC (`tpm2_createak -u`, `tpm2_readpublic -o`),
    /// or a SubjectPublicKeyInfo in DER or PEM. A SubjectPublicKeyInfo does not show the key is
    /// restricted, so it needs --danger-accept-unrestricted-key.
    #[arg(long, value_name = "FILE")]
    ak: PathBuf,
    /// The TPMS_ATTEST (`tpm2_quote -m`); a TPM2B_ATTEST is accepted too.
    #[arg(long, value_name = "FILE")]
    quote: PathBuf,
    /// The TPMT_SIGNATURE (`tpm2_quote -s`).
    #[arg(long, value_name = "FILE")]
    signature: PathBuf,
    /// The qualifying data sent to the TPM, in hexadecimal (empty for none).
    #[arg(long, value_name = "HEX", allow_hyphen_values = false)]
    nonce: String,
    /// PCR values: the `tpm2_quote -o` file (default format, or `-F values` with --selection), or
    /// JSON `{"banks": {"sha256": {"0": "<hex>", ...}}}`.
    #[arg(long, value_name = "FILE")]
    pcrs: Option<PathBuf>,
    /// The PCR selection requested from the TPM, as tpm2-tools writes it (`sha256:0,1,2+sha1:3`).
    /// Defaults to the selection the --pcrs file states (a `tpm2_quote -o` file or one-bank
    /// JSON) and otherwise to the quote's own, which is then reported but not checked against a
    /// request.
    #[arg(long, value_name = "LIST")]
    selection: Option<String>,
    /// The hierarchy of the key, which decides whether resetCount, restartCount and
    /// firmwareVersion are real or obfuscated.
    #[arg(long, value_enum, default_value = "unknown")]
    hierarchy: HierarchyArg,
    /// Accept signatures over SHA-1.
    #[arg(long)]
    allow_sha1: bool,
    /// Accept a key that is not shown to be restricted, sign and fixedTPM. Such a key can sign a
    /// forged quote.
    #[arg(long)]
    danger_accept_unrestricted_key: bool,
    /// A TCG event log (`binary_bios_measurements`) to replay and compare with the quoted PCRs,
    /// PCR by PCR. Without --pcrs, the replayed values are the ones the quote is checked against.
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
    /// Accept zero or 0xFF padding after the last event of --log.
    #[arg(long)]
    allow_padding: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum HierarchyArg {
    Endorsement,
    Platform,
    Owner,
    Null,
    Unknown,
}

pub(crate) fn run(command: QuoteCommand) -> Result<Outcome, InputError> {
    match command {
        QuoteCommand::Verify(args) => verify(&args),
    }
}

fn verify(args: &VerifyArgs) -> Result<Outcome, InputError> {
    let hierarchy = match args.hierarchy {
        HierarchyArg::Endorsement => Hierarchy::Endorsement,
        HierarchyArg::Platform => Hierarchy::Platform,
        HierarchyArg::Owner => Hierarchy::Owner,
        HierarchyArg::Null => Hierarchy::Null,
        HierarchyArg::Unknown => Hierarchy::Unknown,
    };
    let key = load_key(&args.ak)?.with_hierarchy(hierarchy);
    let attest = strip_tpm2b(read_file(&args.quote)?);
    let signature = read_file(&args.signature)?;
    let nonce = parse_hex(&args.nonce).ok_or_else(|| InputError(format!("--nonce: invalid hex {:?}", args.nonce)))?;

    // Without --selection, a file that states its own selection decides; otherwise the quote's
    // own selection is used, so only the other checks remain for it.
    let requested = match args.selection.as_deref().map(parse_selection).transpose()? {
        Some(selection) => Some(selection),
        None if args.pcrs.as_deref().is_some_and(states_selection) => None,
        None => Some(quoted_selection(&attest).ok_or_else(|| {
            InputError(format!("{}: not a TPMS_ATTEST of a quote; give --selection", args.quote.display()))
        })?),
    };
    let (selection, values) = match &args.pcrs {
        Some(path) => {
            let (selection, values) = load_pcrs(path, requested.as_ref())?;
            (selection, Some(values))
        }
        None => (requested.ok_or_else(|| InputError("give --selection or --pcrs".to_owned()))?, None),
    };

    let replayed = args.log.as_deref().map(|path| replay_log(path, args.allow_padding)).transpose()?;
    let values = values.or_else(|| replayed.clone());

    let options = QuoteOptions {
        allow_sha1: args.allow_sha1,
        danger_accept_unrestricted_key: args.danger_accept_unrestricted_key,
    };
    let verdict = verify_quote_with_options(&options, &key, &attest, &signature, &nonce, &selection, values.as_ref())
        .map_err(|error| InputError(format!("{error}")))?;
    let comparisons = match (&verdict, &replayed) {
        (QuoteVerdict::Valid(quote), Some(replayed)) => Some(quote.compare_pcrs(replayed)),
        _ => None,
    };
    let log_matches =
        comparisons.as_ref().is_none_or(|list| list.iter().all(|comparison| comparison.outcome == PcrOutcome::Matches));

    if args.json {
        let mut report = report_json(&verdict, &attest);
        if let (Some(list), Some(replayed)) = (&comparisons, &replayed) {
            let pcrs: Vec<Value> = list.iter().map(|comparison| comparison_json(comparison, replayed)).collect();
            report["log"] = json!({"all_match": log_matches, "pcrs": pcrs});
        }
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    } else {
        print_report(&verdict);
        if let Some(list) = &comparisons {
            print_comparisons(list);
        }
    }
    Ok(if verdict.is_valid() && log_matches { Outcome::Pass } else { Outcome::Fail })
}

/// Whether the PCR file at `path` fixes a selection by itself: a `tpm2_quote -o` file does, and so
/// does JSON with a single bank. JSON with several banks does not fix their order.
fn states_selection(path: &Path) -> bool {
    load_pcrs(path, None).is_ok()
}

/// The selection a quote carries, read without verifying it.
fn quoted_selection(attest: &[u8]) -> Option<PcrSelectionList> {
    match Attest::parse(attest).ok()?.attested {
        Attested::Quote { selection, .. } => Some(selection),
        _ => None,
    }
}

/// Replays an event log into the values of every PCR of every bank it carries. PCRs the log
/// never extends keep their reset values, which is what the TPM holds for them too.
fn replay_log(path: &Path, allow_padding: bool) -> Result<PcrValues, InputError> {
    let bytes = read_file(path)?;
    let options = ParseOptions { allow_padding, ..ParseOptions::default() };
    let log = EventLog::parse(&bytes, options).map_err(|error| InputError(format!("{}: {error}", path.display())))?;
    let replayed = replay(&log).map_err(|error| InputError(format!("{}: {error}", path.display())))?;
    Ok(PcrValues::from_banks(replayed.banks()))
}

fn comparison_json(comparison: &PcrComparison, replayed_values: &PcrValues) -> Value {
    let (result, quoted, replayed) = match comparison.outcome {
        PcrOutcome::Matches => {
            let value = replayed_values.get(comparison.bank, comparison.index).map(|value| json!(value.to_string()));
            let value = value.unwrap_or(Value::Null);
            ("matches", value.clone(), value)
        }
        PcrOutcome::Differs { quoted, replayed } => ("differs", json!(quoted.to_string()), json!(replayed.to_string())),
        PcrOutcome::NotReplayed => ("not_replayed", Value::Null, Value::Null),
        PcrOutcome::Undetermined => ("undetermined", Value::Null, Value::Null),
    };
    json!({"bank": comparison.bank.name(), "pcr": comparison.index, "result": result, "quoted": quoted, "replayed": replayed})
}

fn print_comparisons(comparisons: &[PcrComparison]) {
    println!("event log against the quoted PCRs:");
    for comparison in comparisons {
        let text = match comparison.outcome {
            PcrOutcome::Matches => "matches".to_owned(),
            PcrOutcome::Differs { quoted, replayed } => format!("DIFFERS: quoted {quoted}, replayed {replayed}"),
            PcrOutcome::NotReplayed => "not in the log".to_owned(),
            PcrOutcome::Undetermined => "undetermined".to_owned(),
        };
        println!("  {} PCR {}: {text}", comparison.bank, comparison.index);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Builds the JSON report. For a refused quote, the quote's fields are read without verification.
fn report_json(verdict: &QuoteVerdict, attest: &[u8]) -> Value {
    match verdict {
        QuoteVerdict::Valid(quote) => json!({
            "valid": true,
            "reason": "valid",
            "detail": "the quote is genuine, fresh and over the requested PCRs",
            "signature_scheme": quote.signature_scheme.to_string(),
            "selection": quote.selection.to_string(),
            "pcr_digest": quote.pcr_digest.to_string(),
            "pcr_values_checked": quote.pcr_values.is_some(),
            "clock": {
                "clock": quote.clock_info.clock,
                "reset_count": quote.clock_info.reset_count,
                "restart_count": quote.clock_info.restart_count,
                "safe": quote.clock_info.safe,
            },
            "firmware_version": format!("{:#018x}", quote.firmware_version),
            "obfuscation": quote.obfuscation.code(),
            "qualified_signer": hex(&quote.qualified_signer),
        }),
        QuoteVerdict::Refused(refusal) => {
            let unverified = Attest::parse(attest).ok();
            let (selection, pcr_digest) = match unverified.as_ref().map(|attest| &attest.attested) {
                Some(Attested::Quote { selection, pcr_digest }) => {
                    (json!(selection.to_string()), json!(hex(pcr_digest)))
                }
                _ => (Value::Null, Value::Null),
            };
            let clock = unverified.as_ref().map_or(Value::Null, |attest| {
                json!({
                    "clock": attest.clock_info.clock,
                    "reset_count": attest.clock_info.reset_count,
                    "restart_count": attest.clock_info.restart_count,
                    "safe": attest.clock_info.safe,
                })
            });
            json!({
                "valid": false,
                "reason": refusal.code(),
                "detail": refusal.to_string(),
                "selection": selection,
                "pcr_digest": pcr_digest,
                "clock": clock,
                "pcrs": refusal_pcrs(refusal),
            })
        }
    }
}

fn refusal_pcrs(refusal: &QuoteRefusal) -> Value {
    let QuoteRefusal::PcrDigestMismatch { pcrs, .. } = refusal else { return Value::Null };
    pcrs.iter()
        .map(|pcr| json!({"bank": pcr.bank.name(), "index": pcr.index, "value": pcr.value.map(|value| value.to_string())}))
        .collect()
}

fn print_report(verdict: &QuoteVerdict) {
    match verdict {
        QuoteVerdict::Valid(quote) => {
            println!("quote: valid");
            println!("  signature: {}", quote.signature_scheme);
            println!("  selection: {}", quote.selection);
            println!("  pcrDigest: {}", quote.pcr_digest);
            if quote.pcr_values.is_none() {
                println!("  PCR values: not given, so pcrDigest was not compared");
            }
            let clock = &quote.clock_info;
            println!("  clock: {} ms, safe: {}", clock.clock, clock.safe);
            println!(
                "  resetCount: {}, restartCount: {}, firmwareVersion: {:#018x} (obfuscation: {})",
                clock.reset_count,
                clock.restart_count,
                quote.firmware_version,
                quote.obfuscation.code()
            );
            println!("  qualifiedSigner: {}", hex(&quote.qualified_signer));
        }
        QuoteVerdict::Refused(refusal) => {
            println!("quote: refused ({}): {refusal}", refusal.code());
            if let QuoteRefusal::PcrDigestMismatch { pcrs, .. } = refusal {
                for pcr in pcrs {
                    match pcr.value {
                        Some(value) => println!("  {}:{} given {value}", pcr.bank, pcr.index),
                        None => println!("  {}:{} missing", pcr.bank, pcr.index),
                    }
                }
            }
        }
    }
}
