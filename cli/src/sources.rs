//! Reading policy inputs from files: signature lists (raw or efivarfs), X.509 certificates
//! (DER or PEM) and `SbatLevel` payloads.

use std::path::Path;

use trusted_launch::uefi::guid::Guid;
use trusted_launch::uefi::sigdb::SignatureDatabase;
use trusted_launch::uefi::siglist::{parse_signature_lists, strip_efivarfs_attributes};

use crate::InputError;

/// Owner GUID given to certificates loaded from a bare X.509 file: the all-zero GUID, because a
/// certificate file carries no owner.
pub(crate) const CERTIFICATE_FILE_OWNER: Guid = Guid::from_bytes([0; 16]);

/// Reads a whole file, naming it in the error.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, InputError> {
    std::fs::read(path).map_err(|error| InputError(format!("{}: cannot read: {error}", path.display())))
}

/// Builds one database from several sources, in order.
pub(crate) fn load_database(paths: &[std::path::PathBuf]) -> Result<SignatureDatabase, InputError> {
    let mut database = SignatureDatabase::new();
    for path in paths {
        add_source(&mut database, path)?;
    }
    Ok(database)
}

/// Adds one source to `database`. A source is, tried in this order: a PEM certificate, a DER
/// certificate, concatenated `EFI_SIGNATURE_LIST`s, or an efivarfs file (a 4-byte attribute word
/// followed by signature lists).
fn add_source(database: &mut SignatureDatabase, path: &Path) -> Result<(), InputError> {
    let bytes = read_file(path)?;
    if let Some(der) = pem_certificate(&bytes) {
        let der = der.map_err(|message| InputError(format!("{}: {message}", path.display())))?;
        return add_certificate(database, path, &der);
    }
    if is_der_certificate(&bytes) {
        return add_certificate(database, path, &bytes);
    }

    let raw_error = match parse_signature_lists(&bytes, 0) {
        Ok(lists) => {
            lists.iter().for_each(|list| database.add_list(list));
            return Ok(());
        }
        Err(error) => error,
    };
    if let Ok((_attributes, data)) = strip_efivarfs_attributes(&bytes) {
        if let Ok(lists) = parse_signature_lists(data, 4) {
            lists.iter().for_each(|list| database.add_list(list));
            return Ok(());
        }
    }
    Err(InputError(format!(
        "{}: not a certificate, and not signature lists (raw or efivarfs): {raw_error}",
        path.display()
    )))
}

fn add_certificate(database: &mut SignatureDatabase, path: &Path, der: &[u8]) -> Result<(), InputError> {
    database
        .add_certificate(der, CERTIFICATE_FILE_OWNER)
        .map_err(|error| InputError(format!("{}: {error}", path.display())))
}

/// `Some` when `bytes` is PEM text holding a certificate: the DER of the first one, or why the
/// PEM could not be decoded.
fn pem_certificate(bytes: &[u8]) -> Option<Result<Vec<u8>, String>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.find("-----BEGIN CERTIFICATE-----")?;
    let pem = text.get(start..)?;
    Some(
        x509_cert::Certificate::load_pem_chain(pem.as_bytes())
            .map_err(|error| format!("invalid PEM certificate: {error}"))
            .and_then(|chain| {
                let first = chain.into_iter().next().ok_or_else(|| "PEM holds no certificate".to_owned())?;
                der::Encode::to_der(&first).map_err(|error| format!("cannot encode certificate: {error}"))
            }),
    )
}

/// Whether `bytes` is exactly one DER X.509 certificate.
fn is_der_certificate(bytes: &[u8]) -> bool {
    <x509_cert::Certificate as der::Decode>::from_der(bytes).is_ok()
}
