//! The boot chain as a whole: evidence about one boot ([`evidence::BootEvidence`]) judged
//! against a policy ([`policy::BootPolicy`]) into a report ([`report::BootReport`]) with a
//! verdict, deviations from a trusted baseline ([`baseline::Baseline`]) and alerts.
//!
//! Entry point: [`verify::verify_boot`].

pub mod baseline;
pub mod chain;
pub mod component;
pub mod evidence;
pub mod policy;
pub mod report;
pub mod report_json;
pub mod verify;

pub use baseline::Baseline;
pub use component::Component;
pub use evidence::{BootEvidence, BootImage, PcrEvidence, QuoteEvidence, VariableEvidence};
pub use policy::BootPolicy;
pub use report::{Alert, AlertKind, BootReport, Deviation, DeviationKind, Severity, Verdict};
pub use verify::verify_boot;
