//! The JSON form of a [`BootReport`], version 1. Members:
//!
//! - `version` (1), `verdict` (`trusted`, `untrusted`, `incomplete`);
//! - `quote`: `{status, detail}`, `status` one of `absent`, `trusted_pcrs`, `valid`,
//!   `log_does_not_match` or a quote refusal code;
//! - `event_log`: whether a log was given;
//! - `secure_boot`: `{enabled (bool or null), verified, source, db_entries, dbx_entries}`;
//! - `deviations`: `[{pcr, event (index or null), component, kind, expected: [..], found,
//!   description}]`;
//! - `alerts`: `[{kind, severity, message}]`;
//! - `images`: `[{event, name, component, sha256, path, device_path, status, detail,
//!   authority: {source, owner, subject, sha256, from_log} or null}]`;
//! - `command_lines`: `[text]`;
//! - `pcrs`: `[{pcr, bank, result, replayed, quoted, quirk}]`, `result` one of `matches`,
//!   `differs`, `not_in_log`, `missing_digest`.

use alloc::format;
use alloc::string::String;

use crate::boot::report::{BootReport, ImageAuthority, ImageReport, ImageStatus, QuoteStatus};
use crate::eventlog::replay::{PcrComparison, PcrResult, Quirk};
use crate::json::{Value, object};
use crate::tpm::pcr_values::PcrValues;

/// The version of the report's JSON form.
pub const REPORT_VERSION: i64 = 1;

impl BootReport {
    /// The report as indented JSON.
    pub fn to_json(&self) -> String {
        self.to_value().to_json()
    }

    /// The report as a JSON value (see the module documentation).
    pub fn to_value(&self) -> Value {
        let quote_detail = match &self.quote {
            QuoteStatus::Refused { message, .. } => Value::from(message.as_str()),
            _ => Value::Null,
        };
        let secure_boot = object([
            ("enabled", Value::from(self.secure_boot.enabled)),
            ("verified", Value::from(self.secure_boot.verified)),
            ("source", Value::from(self.secure_boot.source)),
            ("db_entries", Value::from(self.secure_boot.db_entries)),
            ("dbx_entries", Value::from(self.secure_boot.dbx_entries)),
        ]);
        let deviations = self
            .deviations
            .iter()
            .map(|deviation| {
                object([
                    ("pcr", Value::from(deviation.pcr)),
                    ("event", Value::from(deviation.event)),
                    ("component", Value::from(deviation.component.code())),
                    ("kind", Value::from(deviation.kind.code())),
                    (
                        "expected",
                        Value::Array(deviation.expected.iter().map(|text| Value::from(text.as_str())).collect()),
                    ),
                    ("found", Value::from(deviation.found.as_str())),
                    ("description", Value::from(deviation.description.as_str())),
                ])
            })
            .collect();
        let alerts = self
            .alerts
            .iter()
            .map(|alert| {
                object([
                    ("kind", Value::from(alert.kind.code())),
                    ("severity", Value::from(alert.severity.code())),
                    ("message", Value::from(alert.message.as_str())),
                ])
            })
            .collect();
        object([
            ("version", Value::Integer(REPORT_VERSION)),
            ("verdict", Value::from(self.verdict.code())),
            ("quote", object([("status", Value::from(self.quote.code())), ("detail", quote_detail)])),
            ("event_log", Value::from(self.event_log)),
            ("secure_boot", secure_boot),
            ("deviations", Value::Array(deviations)),
            ("alerts", Value::Array(alerts)),
            ("images", Value::Array(self.images.iter().map(image_value).collect())),
            ("command_lines", Value::Array(self.command_lines.iter().map(|line| Value::from(line.as_str())).collect())),
            ("pcrs", Value::Array(self.replay.iter().map(|entry| pcr_value(entry, &self.pcr_values)).collect())),
        ])
    }
}

fn image_value(image: &ImageReport) -> Value {
    let detail = match &image.status {
        ImageStatus::Refused { message, .. } => Value::from(message.as_str()),
        _ => Value::Null,
    };
    object([
        ("event", Value::from(image.event)),
        ("name", Value::from(image.name.clone())),
        ("component", Value::from(image.component.code())),
        ("sha256", Value::from(image.sha256.map(|digest| format!("{digest}")))),
        ("path", Value::from(image.path.clone())),
        ("device_path", Value::from(image.device_path.clone())),
        ("status", Value::from(image.status.code())),
        ("detail", detail),
        ("authority", image.authority.as_ref().map_or(Value::Null, authority_value)),
    ])
}

fn authority_value(authority: &ImageAuthority) -> Value {
    object([
        ("source", Value::from(authority.source.as_str())),
        ("owner", Value::from(authority.owner.map(|owner| format!("{owner}")))),
        ("subject", Value::from(authority.subject.clone())),
        ("sha256", Value::from(format!("{}", authority.sha256))),
        ("from_log", Value::from(authority.from_log)),
    ])
}

fn pcr_value(entry: &PcrComparison, values: &PcrValues) -> Value {
    let (result, replayed, quoted): (&str, Value, Value) = match entry.result {
        PcrResult::Matches => {
            // A match means the replayed value is the compared one.
            let value =
                values.get(entry.algorithm, entry.pcr).map_or(Value::Null, |value| Value::from(format!("{value}")));
            ("matches", value.clone(), value)
        }
        PcrResult::Differs { replayed, expected } => {
            ("differs", Value::from(format!("{replayed}")), Value::from(format!("{expected}")))
        }
        PcrResult::NotInLog => ("not_in_log", Value::Null, Value::Null),
        PcrResult::MissingDigest { .. } => ("missing_digest", Value::Null, Value::Null),
    };
    let quirk = entry.quirk.map(|quirk| match quirk {
        Quirk::VariableDataOnly => "variable_data_only",
        Quirk::ShimAuthorityTrailingByte => "shim_authority_trailing_byte",
        Quirk::MissingExitBootServices => "missing_exit_boot_services",
    });
    object([
        ("pcr", Value::from(entry.pcr)),
        ("bank", Value::from(entry.algorithm.name())),
        ("result", Value::from(result)),
        ("replayed", replayed),
        ("quoted", quoted),
        ("quirk", Value::from(quirk)),
    ])
}
