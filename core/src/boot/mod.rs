//! The boot chain as a whole: evidence about one boot ([`evidence::BootEvidence`]) judged
//! against a policy ([`policy::BootPolicy`]) into a report ([`report::BootReport`]) with a
//! verdict, deviations from a trusted baseline ([`baseline::Baseline`]) and alerts; the PCR
//! values a boot will produce ([`predict`]); and measuring a boot as firmware does, for VMMs
//! that keep a vTPM and its event log in step ([`measure`]).
//!
//! Entry point: [`verify::verify_boot`].

pub mod baseline;
pub mod chain;
pub mod component;
pub mod evidence;
pub mod measure;
pub mod policy;
pub mod predict;
pub mod report;
pub mod report_json;
pub mod verify;

pub use baseline::Baseline;
pub use component::Component;
pub use evidence::{BootEvidence, BootImage, PcrEvidence, QuoteEvidence, VariableEvidence};
pub use policy::BootPolicy;
pub use report::{Alert, AlertKind, BootReport, Deviation, DeviationKind, Severity, Verdict};
pub use verify::verify_boot;
