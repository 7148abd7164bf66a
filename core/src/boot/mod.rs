//! The boot chain: measuring a boot as firmware does, and predicting the PCR values a boot
//! will produce.

pub mod measure;
pub mod predict;
