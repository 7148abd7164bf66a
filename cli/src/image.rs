//! `trusted-launch image verify` and `trusted-launch image show`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::{Value, json};
use trusted_launch::authenticode::AuthenticodeSignature;
use trusted_launch::digest::Digest;
use trusted_launch::pe::PeImage;
use trusted_launch::uefi::sbat::{SbatLevelOwned, parse_sbat_section};
use trusted_launch::uefi::secureboot::{
    Authority, AuthorizedBy, ImageVerdict, RevocationScope, SecureBootPolicy, SignatureSummary,
};
use trusted_launch::uefi::shim::parse_vendor_cert_section;
use trusted_launch::uefi::sigdb::SignatureDatabase;
use trusted_launch::uefi::sigdb::SignatureEntry;
use trusted_launch::uefi::siglist::{ParseOptions, parse_signature_lists_with, signature_type_name};
use trusted_launch::uefi::varstore::policy::secure_boot_policy;

use crate::sources::{load_database, read_file};
use crate::{InputError, Outcome};

#[derive(Subcommand)]
pub(crate) enum ImageCommand {
    /// Decide whether UEFI firmware would run each image under the given databases.
    Verify(VerifyArgs),
    /// Print an image's Authenticode digests, signatures, sections, SBAT entries and shim vendor
    /// certificates.
    Show(ShowArgs),
}

#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// Authorized signatures: a signature-list file (raw or efivarfs) or an X.509 certificate
    /// (DER or PEM). Repeat to combine.
    #[arg(long, value_name = "SRC")]
    db: Vec<PathBuf>,
    /// Forbidden signatures, in the same forms as --db.
    #[arg(long, value_name = "SRC")]
    dbx: Vec<PathBuf>,
    /// Timestamp authorities, in the same forms as --db.
    #[arg(long, value_name = "SRC")]
    dbt: Vec<PathBuf>,
    /// A variable store (an OVMF/EDK2 `.fd` file or an efivarfs folder) whose db, dbx, dbt and
    /// SbatLevel are used; --db, --dbx, --dbt and --sbat-level add to or replace them.
    #[arg(long, value_name = "STORE")]
    vars: Option<PathBuf>,
    /// shim's SbatLevel payload (`sbat,1,<datestamp>` then `component,generation` lines), raw or
    /// as an efivarfs file. Enables the SBAT check.
    #[arg(long, value_name = "FILE")]
    sbat_level: Option<PathBuf>,
    /// Let a signature revoked by dbx disqualify only itself rather than the whole image.
    #[arg(long)]
    per_signature_revocation: bool,
    /// Print a JSON array, one object per image.
    #[arg(long)]
    json: bool,
    /// PE/COFF images to verify.
    #[arg(required = true, value_name = "IMAGE")]
    images: Vec<PathBuf>,
}

#[derive(Args)]
pub(crate) struct ShowArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// The PE/COFF image.
    #[arg(value_name = "IMAGE")]
    image: PathBuf,
}

pub(crate) fn run(command: ImageCommand) -> Result<Outcome, InputError> {
    match command {
        ImageCommand::Verify(args) => verify(&args),
        ImageCommand::Show(args) => show(&args),
    }
}

fn verify(args: &VerifyArgs) -> Result<Outcome, InputError> {
    let mut policy = SecureBootPolicy::new(load_database(&args.db)?, load_database(&args.dbx)?);
    policy.dbt = load_database(&args.dbt)?;
    if let Some(path) = &args.vars {
        let loaded = crate::vars::load_store(path)?;
        let from_store =
            secure_boot_policy(loaded.store()).map_err(|error| InputError(format!("{}: {error}", path.display())))?;
        policy.db = merged(from_store.db, &policy.db);
        policy.dbx = merged(from_store.dbx, &policy.dbx);
        policy.dbt = merged(from_store.dbt, &policy.dbt);
        policy.sbat_level = from_store.sbat_level;
    }
    if let Some(path) = &args.sbat_level {
        policy.sbat_level = Some(load_sbat_level(path)?);
    }
    if args.per_signature_revocation {
        policy.revocation_scope = RevocationScope::Signature;
    }

    let mut reports = Vec::new();
    let mut outcome = Outcome::Pass;
    for path in &args.images {
        let bytes = read_file(path)?;
        let verdict =
            policy.verify_image(&bytes).map_err(|error| InputError(format!("{}: {error}", path.display())))?;
        if !verdict.is_allowed() {
            outcome = Outcome::Fail;
        }
        let report = verdict_json(path, &bytes, &verdict);
        if args.json {
            reports.push(report);
        } else {
            print_verdict(path, &verdict);
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&Value::Array(reports)).unwrap_or_default());
    }
    Ok(outcome)
}

/// Appends the entries of `extra` to `base`.
fn merged(mut base: SignatureDatabase, extra: &SignatureDatabase) -> SignatureDatabase {
    let bytes = extra.to_bytes();
    let options = ParseOptions { allow_unknown_types: true };
    for list in parse_signature_lists_with(&bytes, 0, &options).unwrap_or_default() {
        base.add_list(&list);
    }
    base
}

fn load_sbat_level(path: &std::path::Path) -> Result<SbatLevelOwned, InputError> {
    let bytes = read_file(path)?;
    let payload = match SbatLevelOwned::parse(&bytes) {
        Ok(level) => return Ok(level),
        Err(error) => (error, bytes.get(4..).unwrap_or_default()),
    };
    // An efivarfs file carries a 4-byte attribute word before the payload.
    SbatLevelOwned::parse(payload.1)
        .map_err(|_| InputError(format!("{}: invalid SbatLevel: {}", path.display(), payload.0)))
}

fn print_verdict(path: &std::path::Path, verdict: &ImageVerdict) {
    match verdict {
        ImageVerdict::Allowed { authority, .. } => {
            println!("{}: allowed by {}", path.display(), describe_authority(authority));
        }
        ImageVerdict::Refused { reason, .. } => {
            println!("{}: refused ({}): {reason}", path.display(), reason.code());
        }
    }
}

fn describe_authority(authority: &Authority) -> String {
    let entry = describe_entry(&authority.entry);
    match &authority.by {
        AuthorizedBy::ImageDigest(algorithm) => format!("the image's {algorithm} digest in db ({entry})"),
        AuthorizedBy::Signature(position) => format!("{position} chaining to db {entry}"),
    }
}

fn describe_entry(entry: &SignatureEntry) -> String {
    let kind = signature_type_name(&entry.signature_type).unwrap_or("unknown type");
    match certificate_subject(&entry.data) {
        Some(subject) => format!("{kind} \"{subject}\", owner {}", entry.owner),
        None => format!("{kind}, owner {}", entry.owner),
    }
}

fn certificate_subject(der: &[u8]) -> Option<String> {
    let certificate = <x509_cert::Certificate as der::Decode>::from_der(der).ok()?;
    Some(certificate.tbs_certificate().subject().to_string())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Computes the four Authenticode digests for reports, or `null` when the image cannot be hashed.
fn digests_json(bytes: &[u8]) -> Value {
    let Ok(pe) = PeImage::parse(bytes) else { return Value::Null };
    match pe.authenticode_digests() {
        Ok(digests) => digests
            .iter()
            .map(|digest: &Digest| (digest.algorithm().name().to_owned(), json!(digest.to_string())))
            .collect(),
        Err(_) => Value::Null,
    }
}

fn verdict_json(path: &std::path::Path, bytes: &[u8], verdict: &ImageVerdict) -> Value {
    let (verdict_name, reason, detail, authority) = match verdict {
        ImageVerdict::Allowed { authority, .. } => {
            ("allowed", authority.by.code(), describe_authority(authority), authority_json(authority))
        }
        ImageVerdict::Refused { reason, .. } => ("refused", reason.code(), reason.to_string(), Value::Null),
    };
    json!({
        "image": path.display().to_string(),
        "verdict": verdict_name,
        "reason": reason,
        "detail": detail,
        "authority": authority,
        "digests": digests_json(bytes),
        "signatures": verdict.details().signatures.iter().map(signature_summary_json).collect::<Vec<_>>(),
    })
}

fn authority_json(authority: &Authority) -> Value {
    let entry = &authority.entry;
    let (matched_by, signature) = match &authority.by {
        AuthorizedBy::ImageDigest(algorithm) => (format!("{algorithm}_digest"), Value::Null),
        AuthorizedBy::Signature(position) => {
            ("signature".to_owned(), json!({"certificate": position.certificate, "nested": position.nested}))
        }
    };
    json!({
        "database": "db",
        "matched_by": matched_by,
        "signature": signature,
        "signature_type": entry.signature_type.to_string(),
        "signature_type_name": signature_type_name(&entry.signature_type),
        "owner": entry.owner.to_string(),
        "subject": certificate_subject(&entry.data),
        "data": hex(&entry.data),
    })
}

fn signature_summary_json(summary: &SignatureSummary) -> Value {
    json!({
        "certificate": summary.position.certificate,
        "nested": summary.position.nested,
        "digest_algorithm": summary.digest_algorithm.name(),
        "signer_subject": summary.signer_subject,
        "signer_issuer": summary.signer_issuer,
        "outcome": summary.outcome,
    })
}

fn show(args: &ShowArgs) -> Result<Outcome, InputError> {
    let path = &args.image;
    let bytes = read_file(path)?;
    let name = path.display();
    let pe = PeImage::parse(&bytes).map_err(|error| InputError(format!("{name}: {error}")))?;

    let layout = match pe.check_layout() {
        Ok(()) => json!({"consistent": true}),
        Err(violation) => json!({"consistent": false, "violation": violation.code(), "detail": violation.to_string()}),
    };
    let sections: Vec<Value> = pe
        .sections()
        .iter()
        .map(|section| {
            json!({
                "name": String::from_utf8_lossy(pe.section_name(section)),
                "virtual_address": section.virtual_address,
                "virtual_size": section.virtual_size,
                "pointer_to_raw_data": section.pointer_to_raw_data,
                "size_of_raw_data": section.size_of_raw_data,
            })
        })
        .collect();
    let signatures = match pe.certificates() {
        Ok(table) => table
            .iter()
            .map(|entry| match AuthenticodeSignature::parse(entry.content, entry.offset) {
                Ok(signature) => signature_json(&signature, entry.certificate_type),
                Err(error) => json!({"certificate_type": entry.certificate_type, "error": error.to_string()}),
            })
            .collect::<Vec<_>>(),
        Err(error) => vec![json!({"error": error.to_string()})],
    };
    let sbat = pe.section(b".sbat").map(|section| match pe.section_data(section).and_then(parse_sbat_section) {
        Ok(entries) => entries
            .iter()
            .map(|entry| json!({"component": entry.component_name, "generation": entry.generation, "vendor": entry.vendor_name, "package": entry.vendor_package_name, "version": entry.vendor_version, "url": entry.vendor_url}))
            .collect::<Vec<_>>()
            .into(),
        Err(error) => json!({"error": error.to_string()}),
    });
    let vendor_certificates = pe.section_by_full_name(b".vendor_cert").map(|section| {
        match pe.section_data(section).and_then(parse_vendor_cert_section) {
            Ok(vendor) => vendor
                .authorized
                .iter()
                .map(|der| json!({"subject": certificate_subject(der), "sha256": trusted_launch::digest::HashAlgorithm::Sha256.hash(der).to_string()}))
                .collect::<Vec<_>>()
                .into(),
            Err(error) => json!({"error": error.to_string()}),
        }
    });

    let report = json!({
        "image": name.to_string(),
        "machine": pe.machine(),
        "format": if pe.is_pe32_plus() { "PE32+" } else { "PE32" },
        "layout": layout,
        "digests": digests_json(&bytes),
        "sections": sections,
        "signatures": signatures,
        "sbat": sbat,
        "vendor_certificates": vendor_certificates,
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    } else {
        print_show_text(&report);
    }
    Ok(Outcome::Pass)
}

fn signature_json(signature: &AuthenticodeSignature, certificate_type: u16) -> Value {
    let (subject, issuer, serial) = signature.signer_description();
    let chain: Vec<Value> = signature
        .certificates()
        .iter()
        .map(|certificate| {
            let tbs = certificate.tbs_certificate();
            json!({"subject": tbs.subject().to_string(), "issuer": tbs.issuer().to_string(), "serial": hex(tbs.serial_number().as_bytes())})
        })
        .collect();
    let nested = match signature.nested_signatures() {
        Ok(nested) => nested.iter().map(|inner| signature_json(inner, certificate_type)).collect::<Vec<_>>().into(),
        Err(error) => json!({"error": error.to_string()}),
    };
    json!({
        "certificate_type": certificate_type,
        "digest_algorithm": signature.digest_algorithm().name(),
        "signed_digest": hex(signature.image_digest()),
        "signer": subject,
        "issuer": issuer,
        "serial": serial,
        "certificates": chain,
        "nested": nested,
    })
}

fn print_show_text(report: &Value) {
    println!("image: {}", report["image"].as_str().unwrap_or_default());
    println!(
        "format: {}, machine {:#06x}",
        report["format"].as_str().unwrap_or_default(),
        report["machine"].as_u64().unwrap_or_default()
    );
    if report["layout"]["consistent"] == json!(false) {
        println!("layout: INCONSISTENT: {}", report["layout"]["detail"].as_str().unwrap_or_default());
    }
    if let Some(digests) = report["digests"].as_object() {
        for (algorithm, value) in digests {
            println!("{algorithm}: {}", value.as_str().unwrap_or_default());
        }
    }
    println!("sections:");
    for section in report["sections"].as_array().into_iter().flatten() {
        println!(
            "  {:<8} raw {:#x}+{:#x}",
            section["name"].as_str().unwrap_or_default(),
            section["pointer_to_raw_data"].as_u64().unwrap_or_default(),
            section["size_of_raw_data"].as_u64().unwrap_or_default()
        );
    }
    println!("signatures:");
    for signature in report["signatures"].as_array().into_iter().flatten() {
        print_signature_text(signature, 1);
    }
    if let Some(entries) = report["sbat"].as_array() {
        println!("sbat:");
        for entry in entries {
            println!("  {},{}", entry["component"].as_str().unwrap_or_default(), entry["generation"]);
        }
    }
    if let Some(certificates) = report["vendor_certificates"].as_array() {
        println!("shim vendor certificates:");
        for certificate in certificates {
            println!(
                "  {} (sha256 {})",
                certificate["subject"].as_str().unwrap_or_default(),
                certificate["sha256"].as_str().unwrap_or_default()
            );
        }
    }
}

fn print_signature_text(signature: &Value, depth: usize) {
    let indent = "  ".repeat(depth);
    if let Some(error) = signature["error"].as_str() {
        println!("{indent}- unreadable: {error}");
        return;
    }
    println!(
        "{indent}- {} signed by {} (issuer {})",
        signature["digest_algorithm"].as_str().unwrap_or_default(),
        signature["signer"].as_str().unwrap_or_default(),
        signature["issuer"].as_str().unwrap_or_default()
    );
    for certificate in signature["certificates"].as_array().into_iter().flatten() {
        println!(
            "{indent}    certificate {} (issuer {})",
            certificate["subject"].as_str().unwrap_or_default(),
            certificate["issuer"].as_str().unwrap_or_default()
        );
    }
    for nested in signature["nested"].as_array().into_iter().flatten() {
        print_signature_text(nested, depth.saturating_add(1));
    }
}
