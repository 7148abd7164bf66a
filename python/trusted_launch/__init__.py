"""Checks a VM's UEFI Secure Boot chain (Authenticode signatures against db, dbx and dbt) and TPM 2.0 quotes."""

from trusted_launch._native import (
    AttestationKey,
    Error,
    Event,
    EventLog,
    ImageVerdict,
    ParseError,
    QuoteVerdict,
    SecureBootPolicy,
    UpdateVerdict,
    VariableStore,
    sha256,
    verify_quote,
)

__all__ = [
    "AttestationKey",
    "Error",
    "Event",
    "EventLog",
    "ImageVerdict",
    "ParseError",
    "QuoteVerdict",
    "SecureBootPolicy",
    "UpdateVerdict",
    "VariableStore",
    "sha256",
    "verify_quote",
]
