//! Reading expected PCR values from a file, in either of two forms:
//!
//! - the YAML that `tpm2_pcrread` (tpm2-tools 5.x) prints: a bank name line such as `sha256:`,
//!   then one `<index> : 0x<hex>` line per PCR;
//! - JSON: an object mapping bank names to objects that map decimal PCR numbers to hex values,
//!   either at the top level, under `"banks"` (the shape `log replay --json` prints) or under
//!   `"pcrs"`.
//!
//! Hex values may carry a `0x` prefix and use either case.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use trusted_launch::digest::{Digest, HashAlgorithm};

use crate::InputError;
use crate::sources::read_file;

/// PCR values read from a file, by bank and then PCR index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PcrValues {
    values: BTreeMap<(usize, u32), Digest>,
    /// Banks in the order the file lists them. Only YAML fixes that order: JSON objects are
    /// read with sorted keys.
    bank_order: Vec<HashAlgorithm>,
    ordered: bool,
}

impl PcrValues {
    /// The values as `(pcr, digest)` pairs, ordered by bank and then PCR index.
    pub(crate) fn pairs(&self) -> Vec<(u32, Digest)> {
        self.values.iter().map(|((_, pcr), digest)| (*pcr, *digest)).collect()
    }

    /// Whether no value was read.
    pub(crate) fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The banks in file order, each with its PCR indices and values in ascending order.
    pub(crate) fn banks(&self) -> Vec<(HashAlgorithm, Vec<(u32, Digest)>)> {
        self.bank_order
            .iter()
            .map(|algorithm| {
                let pcrs = self
                    .values
                    .iter()
                    .filter(|((bank, _), _)| *bank == algorithm.index())
                    .map(|((_, pcr), digest)| (*pcr, *digest))
                    .collect();
                (*algorithm, pcrs)
            })
            .collect()
    }

    /// Whether the file fixes the order of its banks (YAML does, JSON does not), which a quote's
    /// PCR selection needs.
    pub(crate) fn bank_order_is_fixed(&self) -> bool {
        self.ordered || self.bank_order.len() <= 1
    }

    fn insert(&mut self, algorithm: HashAlgorithm, pcr: u32, digest: Digest) -> Result<(), String> {
        if pcr >= 24 {
            return Err(format!("PCR index {pcr} is out of range (0 to 23)"));
        }
        if self.values.insert((algorithm.index(), pcr), digest).is_some() {
            return Err(format!("{algorithm} PCR {pcr} is given twice"));
        }
        if !self.bank_order.contains(&algorithm) {
            self.bank_order.push(algorithm);
        }
        Ok(())
    }
}

/// Reads expected PCR values from `path`, naming the file (and the line, for YAML) in errors.
pub(crate) fn read_pcr_values(path: &Path) -> Result<PcrValues, InputError> {
    let bytes = read_file(path)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| InputError(format!("{}: PCR values file is not UTF-8 text", path.display())))?;
    let values = parse_pcr_values(text).map_err(|message| InputError(format!("{}: {message}", path.display())))?;
    if values.is_empty() {
        return Err(InputError(format!("{}: no PCR values found", path.display())));
    }
    Ok(values)
}

/// Parses the text of a PCR values file, JSON when it starts with `{`, YAML otherwise.
pub(crate) fn parse_pcr_values(text: &str) -> Result<PcrValues, String> {
    if text.trim_start().starts_with('{') { parse_json(text) } else { parse_pcrread_yaml(text) }
}

fn algorithm_named(name: &str) -> Result<HashAlgorithm, String> {
    HashAlgorithm::ALL
        .into_iter()
        .find(|algorithm| algorithm.name() == name.to_ascii_lowercase())
        .ok_or_else(|| format!("unknown PCR bank \"{name}\" (expected sha1, sha256, sha384 or sha512)"))
}

fn parse_digest(algorithm: HashAlgorithm, text: &str) -> Result<Digest, String> {
    let digits = text.trim();
    let digits = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")).unwrap_or(digits);
    let bytes = decode_hex(digits).ok_or_else(|| format!("\"{text}\" is not hexadecimal"))?;
    Digest::new(algorithm, &bytes).ok_or_else(|| {
        format!("a {algorithm} value has {} bytes, but \"{text}\" has {}", algorithm.output_size(), bytes.len())
    })
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 || !text.is_ascii() {
        return None;
    }
    text.as_bytes()
        .chunks_exact(2)
        .map(|pair| std::str::from_utf8(pair).ok().and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect()
}

fn parse_pcr_number(text: &str) -> Result<u32, String> {
    text.trim().parse().map_err(|_| format!("\"{}\" is not a PCR number", text.trim()))
}

fn parse_pcrread_yaml(text: &str) -> Result<PcrValues, String> {
    let mut values = PcrValues { ordered: true, ..PcrValues::default() };
    let mut bank = None;
    for (number, line) in text.lines().enumerate() {
        let line_number = number.saturating_add(1);
        let content = line.split('#').next().unwrap_or_default().trim();
        if content.is_empty() {
            continue;
        }
        let Some((key, value)) = content.split_once(':') else {
            return Err(format!("line {line_number}: expected \"<bank>:\" or \"<pcr> : <hex>\", found \"{content}\""));
        };
        let value = value.trim();
        if value.is_empty() {
            bank = Some(algorithm_named(key.trim()).map_err(|message| format!("line {line_number}: {message}"))?);
            continue;
        }
        let algorithm = bank.ok_or_else(|| format!("line {line_number}: PCR value before any bank name"))?;
        let entry = parse_pcr_number(key)
            .and_then(|pcr| Ok((pcr, parse_digest(algorithm, value)?)))
            .and_then(|(pcr, digest)| values.insert(algorithm, pcr, digest));
        entry.map_err(|message| format!("line {line_number}: {message}"))?;
    }
    Ok(values)
}

fn parse_json(text: &str) -> Result<PcrValues, String> {
    let document: Value = serde_json::from_str(text).map_err(|error| format!("invalid JSON: {error}"))?;
    let banks = match (&document["banks"], &document["pcrs"]) {
        (Value::Object(banks), _) | (_, Value::Object(banks)) => banks,
        _ => document.as_object().ok_or("the JSON document is not an object")?,
    };
    let mut values = PcrValues::default();
    for (name, pcrs) in banks {
        let algorithm = algorithm_named(name)?;
        let pcrs = pcrs.as_object().ok_or_else(|| format!("bank \"{name}\" is not an object of PCR values"))?;
        for (pcr, value) in pcrs {
            let hex = value.as_str().ok_or_else(|| format!("{name} PCR {pcr} is not a hex string"))?;
            let digest = parse_digest(algorithm, hex).map_err(|message| format!("{name} PCR {pcr}: {message}"))?;
            values.insert(algorithm, parse_pcr_number(pcr)?, digest)?;
        }
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Output of `tpm2_pcrread sha1:0,7+sha256:0` (tpm2-tools 5.x layout), values from a swtpm
    // that was only started: PCR 0 is all zeros before firmware extends it.
    const PCRREAD: &str = "  sha1:\n    0 : 0x0000000000000000000000000000000000000000\n    7 : 0xA0B1C2D3E4F5A6B7C8D9E0F1A2B3C4D5E6F7A8B9\n  sha256:\n    0 : 0x0000000000000000000000000000000000000000000000000000000000000000\n";

    #[test]
    fn pcrread_yaml_reads_every_bank() {
        let values = parse_pcr_values(PCRREAD).unwrap();
        let pairs = values.pairs();
        assert_eq!(pairs.len(), 3);
        assert_eq!(pairs[0].0, 0);
        assert_eq!(pairs[0].1.algorithm(), HashAlgorithm::Sha1);
        assert_eq!(pairs[1].0, 7);
        assert_eq!(pairs[1].1.to_string(), "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9");
        assert_eq!(pairs[2].1.algorithm(), HashAlgorithm::Sha256);
    }

    #[test]
    fn json_banks_and_top_level_agree() {
        let zero = "00".repeat(32);
        let wrapped = format!("{{\"banks\": {{\"sha256\": {{\"10\": \"{zero}\"}}}}}}");
        let bare = format!("{{\"sha256\": {{\"10\": \"0x{zero}\"}}}}");
        let pcrs = format!("{{\"pcrs\": {{\"sha256\": {{\"10\": \"{zero}\"}}}}, \"source\": \"x\"}}");
        let expected = parse_pcr_values(&wrapped).unwrap();
        assert_eq!(expected.pairs()[0].0, 10);
        assert_eq!(parse_pcr_values(&bare).unwrap(), expected);
        assert_eq!(parse_pcr_values(&pcrs).unwrap(), expected);
    }

    #[test]
    fn wrong_length_names_line() {
        let error = parse_pcr_values("sha256:\n  3 : 0x00\n").unwrap_err();
        assert!(error.starts_with("line 2: a sha256 value has 32 bytes"), "{error}");
    }

    #[test]
    fn value_before_bank_is_rejected() {
        let error = parse_pcr_values("0 : 0x00\n").unwrap_err();
        assert_eq!(error, "line 1: PCR value before any bank name");
    }

    #[test]
    fn unknown_bank_is_rejected() {
        let error = parse_pcr_values("sm3_256:\n").unwrap_err();
        assert!(error.contains("unknown PCR bank \"sm3_256\""), "{error}");
    }

    #[test]
    fn out_of_range_pcr_is_rejected() {
        let error = parse_pcr_values(&format!("sha1:\n  24 : 0x{}\n", "00".repeat(20))).unwrap_err();
        assert_eq!(error, "line 2: PCR index 24 is out of range (0 to 23)");
    }

    #[test]
    fn duplicate_pcr_is_rejected() {
        let line = format!("  1 : {}\n", "11".repeat(20));
        let error = parse_pcr_values(&format!("sha1:\n{line}{line}")).unwrap_err();
        assert_eq!(error, "line 3: sha1 PCR 1 is given twice");
    }
}
