"""Checks a VM's UEFI Secure Boot chain (Authenticode signatures against db, dbx and dbt) and TPM 2.0 quotes."""

from trusted_launch._native import (
    AttestationKey,
    Baseline,
    BootReport,
    Error,
    ImageVerdict,
    ParseError,
    QuoteVerdict,
    SecureBootPolicy,
    UpdateVerdict,
    VariableStore,
    sha256,
    verify_boot,
    verify_quote,
)

__all__ = [
    "AttestationKey",
    "Baseline",
    "BootReport",
    "Error",
    "ImageVerdict",
    "ParseError",
    "QuoteVerdict",
    "SecureBootPolicy",
    "UpdateVerdict",
    "VariableStore",
    "sha256",
    "verify_boot",
    "verify_quote",
]
