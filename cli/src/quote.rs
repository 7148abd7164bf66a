//! `trusted-launch quote verify`: checks a TPM 2.0 quote written by `tpm2_quote` against an
//! attestation key, a nonce and PCR values.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};
use trusted_launch::tpm::attest::{Attest, Attested};
use trusted_launch::tpm::attestation_key::Hierarchy;
use trusted_launch::tpm::quote::{QuoteOptions, QuoteRefusal, QuoteVerdict, verify_quote_with_options};
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
    /// Defaults to the selection in the --pcrs file.
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
    // An event-log option (`--log FILE`) belongs here once the event-log engine is merged: its
    // replay becomes a `PcrValues` compared with `VerifiedQuote::compare_pcrs`.
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

    let requested = args.selection.as_deref().map(parse_selection).transpose()?;
    let (selection, values) = match &args.pcrs {
        Some(path) => {
            let (selection, values) = load_pcrs(path, requested.as_ref())?;
            (selection, Some(values))
        }
        None => (requested.ok_or_else(|| InputError("give --selection or --pcrs".to_owned()))?, None),
    };

    let options = QuoteOptions {
        allow_sha1: args.allow_sha1,
        danger_accept_unrestricted_key: args.danger_accept_unrestricted_key,
    };
    let verdict = verify_quote_with_options(&options, &key, &attest, &signature, &nonce, &selection, values.as_ref())
        .map_err(|error| InputError(format!("{error}")))?;

    if args.json {
        println!("{}", serde_json::to_string_pretty(&report_json(&verdict, &attest)).unwrap_or_default());
    } else {
        print_report(&verdict);
    }
    Ok(if verdict.is_valid() { Outcome::Pass } else { Outcome::Fail })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn selection_text(selection: &PcrSelectionList) -> String {
    let banks: Vec<String> = selection
        .selections()
        .iter()
        .map(|entry| {
            let pcrs: Vec<String> = entry.pcrs().map(|index| index.to_string()).collect();
            format!("{}:{}", entry.bank, pcrs.join(","))
        })
        .collect();
    banks.join("+")
}

/// Builds the JSON report. For a refused quote, the quote's fields are read without verification.
fn report_json(verdict: &QuoteVerdict, attest: &[u8]) -> Value {
    match verdict {
        QuoteVerdict::Valid(quote) => json!({
            "valid": true,
            "reason": "valid",
            "detail": "the quote is genuine, fresh and over the requested PCRs",
            "signature_scheme": format!("{:?}", quote.signature_scheme),
            "selection": selection_text(&quote.selection),
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
                    (json!(selection_text(selection)), json!(hex(pcr_digest)))
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
            println!("  signature: {:?}", quote.signature_scheme);
            println!("  selection: {}", selection_text(&quote.selection));
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
