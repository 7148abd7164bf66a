//! Readers for the TPM files that `tpm2-tools` writes and that several commands take: attestation
//! keys, quotes, PCR values (`tpm2_pcrread` YAML, `tpm2_quote -o`, our JSON) and PCR selections.

use std::path::Path;

use trusted_launch::digest::HashAlgorithm;
use trusted_launch::tpm::attestation_key::AttestationKey;
use trusted_launch::tpm::pcr_values::PcrValues;
use trusted_launch::tpm::selection::{PcrSelection, PcrSelectionList};

use crate::InputError;
use crate::pcrs_file::parse_pcr_values;
use crate::sources::read_file;

/// Reads the key as a TPM public area, else a PEM or DER SubjectPublicKeyInfo.
pub(crate) fn load_key(path: &Path) -> Result<AttestationKey, InputError> {
    let bytes = read_file(path)?;
    let tpm_error = match AttestationKey::from_tpm_public(&bytes) {
        Ok(key) => return Ok(key),
        Err(error) => error,
    };
    if let Ok(text) = std::str::from_utf8(&bytes)
        && text.contains("-----BEGIN")
    {
        return AttestationKey::from_spki_pem(text).map_err(|error| InputError(format!("{}: {error}", path.display())));
    }
    AttestationKey::from_spki_der(&bytes).map_err(|spki_error| {
        InputError(format!(
            "{}: neither a TPM public area ({tpm_error}) nor a SubjectPublicKeyInfo ({spki_error})",
            path.display()
        ))
    })
}

/// Removes the size of a TPM2B_ATTEST: a TPMS_ATTEST starts with 0xff544347, never with its own
/// length.
pub(crate) fn strip_tpm2b(bytes: Vec<u8>) -> Vec<u8> {
    let size = bytes.first_chunk::<2>().map(|size| usize::from(u16::from_be_bytes(*size)));
    if size == Some(bytes.len().saturating_sub(2)) { bytes.get(2..).unwrap_or_default().to_vec() } else { bytes }
}

/// Reads PCR values: JSON, `tpm2_pcrread` YAML, the default `tpm2_quote -o` format, or
/// concatenated values in the order of `requested`. Returns the selection to require and the values.
pub(crate) fn load_pcrs(
    path: &Path,
    requested: Option<&PcrSelectionList>,
) -> Result<(PcrSelectionList, PcrValues), InputError> {
    let bytes = read_file(path)?;
    let invalid = |message: String| InputError(format!("{}: {message}", path.display()));

    if let Some((format, file_selection, values)) = self_describing_pcrs(&bytes).map_err(invalid)? {
        let selection = match requested {
            Some(selection) => selection.clone(),
            None if format != PcrFileFormat::JsonSeveralBanks => file_selection,
            None => return Err(invalid("JSON with several banks does not fix their order: give --selection".into())),
        };
        return Ok((selection, values));
    }
    let selection = requested.ok_or_else(|| {
        invalid("not a tpm2_quote -o file in the default format; for -F values give --selection".into())
    })?;
    let values = PcrValues::from_concatenated(selection, &bytes).map_err(|error| invalid(error.to_string()))?;
    Ok((selection.clone(), values))
}

/// Reads PCR values where no selection is needed (the quote being checked carries its own):
/// JSON, `tpm2_pcrread` YAML or the default `tpm2_quote -o` format.
pub(crate) fn load_pcr_values(path: &Path) -> Result<PcrValues, InputError> {
    let bytes = read_file(path)?;
    let invalid = |message: String| InputError(format!("{}: {message}", path.display()));
    match self_describing_pcrs(&bytes).map_err(invalid)? {
        Some((_, _, values)) => Ok(values),
        None => Err(invalid("not JSON, tpm2_pcrread YAML or a tpm2_quote -o file in the default format".into())),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PcrFileFormat {
    /// JSON with a single bank.
    Json,
    /// JSON with several banks, read with sorted keys, so their order is not the file's.
    JsonSeveralBanks,
    PcrreadYaml,
    QuoteOutput,
}

/// Parses the PCR file formats that name their banks and PCRs: JSON and `tpm2_pcrread` YAML
/// (read by [`crate::pcrs_file`]), and the default `tpm2_quote -o` format; `None` for anything else.
fn self_describing_pcrs(bytes: &[u8]) -> Result<Option<(PcrFileFormat, PcrSelectionList, PcrValues)>, String> {
    if let Ok((selection, values)) = PcrValues::from_tpm2_tools_serialized(bytes) {
        return Ok(Some((PcrFileFormat::QuoteOutput, selection, values)));
    }
    let Ok(text) = std::str::from_utf8(bytes) else { return Ok(None) };
    let is_json = text.trim_start().starts_with('{');
    let read = match parse_pcr_values(text) {
        Ok(read) => read,
        Err(message) if is_json => return Err(message),
        Err(_) => return Ok(None),
    };
    let format = if read.bank_order_is_fixed() && !is_json {
        PcrFileFormat::PcrreadYaml
    } else if read.bank_order_is_fixed() {
        PcrFileFormat::Json
    } else {
        PcrFileFormat::JsonSeveralBanks
    };
    let mut selection = PcrSelectionList::new();
    let mut values = PcrValues::new();
    for (bank, pcrs) in read.banks() {
        let entry = PcrSelection::new(bank, pcrs.iter().map(|(index, _)| *index)).ok_or("PCR index above 31")?;
        selection.push(entry).map_err(|error| error.to_string())?;
        values.extend(pcrs);
    }
    Ok(Some((format, selection, values)))
}

/// Parses a tpm2-tools PCR list such as `sha256:0,1,2+sha1:3`.
pub(crate) fn parse_selection(text: &str) -> Result<PcrSelectionList, InputError> {
    let invalid = || InputError(format!("--selection: invalid PCR list {text:?} (expected e.g. sha256:0,1,2+sha1:3)"));
    let mut list = PcrSelectionList::new();
    for bank in text.split('+') {
        let (name, pcrs) = bank.split_once(':').ok_or_else(invalid)?;
        let algorithm = hash_by_name(name).ok_or_else(invalid)?;
        let indices = pcrs.split(',').map(|pcr| pcr.trim().parse::<u32>()).collect::<Result<Vec<_>, _>>();
        let entry = PcrSelection::new(algorithm, indices.map_err(|_| invalid())?).ok_or_else(invalid)?;
        list.push(entry).map_err(|_| invalid())?;
    }
    Ok(list)
}

pub(crate) fn hash_by_name(name: &str) -> Option<HashAlgorithm> {
    HashAlgorithm::ALL.into_iter().find(|algorithm| algorithm.name() == name)
}

pub(crate) fn parse_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|start| u8::from_str_radix(text.get(start..start.checked_add(2)?)?, 16).ok())
        .collect()
}
