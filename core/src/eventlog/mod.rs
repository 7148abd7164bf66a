//! TCG PC Client event logs (TCG PC Client Platform Firmware Profile 1.05, section 10):
//! parsing both record formats, typed event data, replay against PCR values, digest checks,
//! claims drawn from verified events, and a writer.
//!
//! Typical use: [`EventLog::parse`] → [`replay::replay`] → [`replay::Replay::compare`] with
//! the PCR values of a quote → [`claims::VerifiedEvents::new`] → [`claims::loaded_images`],
//! [`secureboot_state::SecureBootState::from_events`],
//! [`windows::WindowsBootClaims::from_events`].

pub mod claims;
pub mod data;
pub mod event_type;
pub mod parse;
pub mod replay;
pub mod secureboot_state;
pub mod spec_id;
pub mod windows;
pub mod writer;

pub use data::EventData;
pub use event_type::EventType;
pub use parse::{Event, EventLog, LogFormat, Padding, ParseOptions};
pub use replay::{DigestCheck, PcrResult, Quirk, Replay, ReplayOptions, ReplayReport};
pub use writer::EventLogWriter;
