//! TPM 2.0 building blocks: platform configuration registers, their banks and selections.

pub mod pcr;
