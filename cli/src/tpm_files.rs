//! Readers for the TPM files that `tpm2-tools` writes and that several commands take: attestation
//! keys, quotes, PCR values (`tpm2_pcrread` YAML, `tpm2_quote -o`, our JSON) and PCR selections.

use std::path::Path;

use serde_json::Value;
use trusted_launch::digest::{Digest, HashAlgorithm};
use trusted_launch::tpm::attestation_key::AttestationKey;
use trusted_launch::tpm::pcr_values::PcrValues;
use trusted_launch::tpm::selection::{PcrSelection, PcrSelectionList};

use crate::InputError;
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
            None if format != PcrFileFormat::Json || file_selection.selections().len() <= 1 => file_selection,
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
    Json,
    PcrreadYaml,
    QuoteOutput,
}

/// Parses the PCR file formats that name their banks and PCRs; `None` for anything else.
fn self_describing_pcrs(bytes: &[u8]) -> Result<Option<(PcrFileFormat, PcrSelectionList, PcrValues)>, String> {
    if bytes.iter().find(|byte| !byte.is_ascii_whitespace()) == Some(&b'{') {
        let (selection, values) = pcrs_from_json(bytes)?;
        return Ok(Some((PcrFileFormat::Json, selection, values)));
    }
    if let Some((selection, values)) = pcrs_from_pcrread_yaml(bytes)? {
        return Ok(Some((PcrFileFormat::PcrreadYaml, selection, values)));
    }
    Ok(PcrValues::from_tpm2_tools_serialized(bytes)
        .ok()
        .map(|(selection, values)| (PcrFileFormat::QuoteOutput, selection, values)))
}

/// Reads `{"banks": {"sha256": {"0": "<hex>", ...}}}`.
fn pcrs_from_json(bytes: &[u8]) -> Result<(PcrSelectionList, PcrValues), String> {
    let document: Value = serde_json::from_slice(bytes).map_err(|error| format!("invalid JSON: {error}"))?;
    let banks = document.get("banks").and_then(Value::as_object).ok_or("missing object \"banks\"")?;

    let mut selection = PcrSelectionList::new();
    let mut values = PcrValues::new();
    for (name, pcrs) in banks {
        let bank = hash_by_name(name).ok_or_else(|| format!("unknown bank {name:?}"))?;
        let pcrs = pcrs.as_object().ok_or_else(|| format!("bank {name:?} is not an object"))?;
        let mut indices = Vec::new();
        for (index, value) in pcrs {
            let index: u32 = index.parse().map_err(|_| format!("{name}: invalid PCR index {index:?}"))?;
            let text = value.as_str().ok_or_else(|| format!("{name}:{index} is not a string"))?;
            let digest = parse_hex(text.trim_start_matches("0x"))
                .and_then(|bytes| Digest::new(bank, &bytes))
                .ok_or_else(|| format!("{name}:{index}: not a {}-byte hex value", bank.output_size()))?;
            values.insert(index, digest);
            indices.push(index);
        }
        let entry = PcrSelection::new(bank, indices).ok_or_else(|| format!("{name}: PCR index above 31"))?;
        selection.push(entry).map_err(|error| error.to_string())?;
    }
    Ok((selection, values))
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

/// Reads `tpm2_pcrread` output (tpm2-tools 5.4): a `<bank>:` line per bank, then `<index> :
/// 0x<HEX>` lines. `Ok(None)` when the text has no such bank line, so another format is tried.
fn pcrs_from_pcrread_yaml(bytes: &[u8]) -> Result<Option<(PcrSelectionList, PcrValues)>, String> {
    let Ok(text) = std::str::from_utf8(bytes) else { return Ok(None) };
    let mut selection = PcrSelectionList::new();
    let mut values = PcrValues::new();
    let mut bank: Option<(HashAlgorithm, Vec<u32>)> = None;
    let finish = |bank: Option<(HashAlgorithm, Vec<u32>)>, selection: &mut PcrSelectionList| -> Result<(), String> {
        if let Some((algorithm, indices)) = bank {
            let entry = PcrSelection::new(algorithm, indices).ok_or("PCR index above 31")?;
            selection.push(entry).map_err(|error| error.to_string())?;
        }
        Ok(())
    };

    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_suffix(':') {
            let Some(algorithm) = hash_by_name(name.trim()) else {
                return if number == 0 {
                    Ok(None)
                } else {
                    Err(format!("line {}: unknown bank {name:?}", number.saturating_add(1)))
                };
            };
            finish(bank.take(), &mut selection)?;
            bank = Some((algorithm, Vec::new()));
            continue;
        }
        let Some((algorithm, indices)) = bank.as_mut() else { return Ok(None) };
        let (index, value) = line
            .split_once(':')
            .ok_or_else(|| format!("line {}: expected `<index> : 0x<hex>`", number.saturating_add(1)))?;
        let index: u32 =
            index.trim().parse().map_err(|_| format!("line {}: invalid PCR index", number.saturating_add(1)))?;
        let digest = parse_hex(&value.trim().trim_start_matches("0x").to_ascii_lowercase())
            .and_then(|bytes| Digest::new(*algorithm, &bytes))
            .ok_or_else(|| {
                format!("line {}: not a {}-byte hex value", number.saturating_add(1), algorithm.output_size())
            })?;
        values.insert(index, digest);
        indices.push(index);
    }
    if bank.is_none() && values.is_empty() {
        return Ok(None);
    }
    finish(bank, &mut selection)?;
    Ok(Some((selection, values)))
}
