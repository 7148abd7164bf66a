"""Checks a VM's UEFI Secure Boot chain (Authenticode signatures against db, dbx and dbt) and TPM 2.0 quotes."""

from trusted_launch._native import (
    AttestationKey,
    Error,
    Event,
    EventLog,
    ImageVerdict,
    Measurer,
    ParseError,
    Prediction,
    QuoteVerdict,
    SecureBootPolicy,
    UpdateVerdict,
    VariableStore,
    predict,
    sha256,
    verify_quote,
)

__all__ = [
    "AttestationKey",
    "Error",
    "Event",
    "EventLog",
    "ImageVerdict",
    "Measurer",
    "ParseError",
    "Prediction",
    "QuoteVerdict",
    "SecureBootPolicy",
    "UpdateVerdict",
    "VariableStore",
    "predict",
    "sha256",
    "verify_quote",
]
