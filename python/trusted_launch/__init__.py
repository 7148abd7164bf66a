"""Checks a VM's UEFI Secure Boot chain: Authenticode signatures against db, dbx and dbt."""

from trusted_launch._native import (
    Error,
    ImageVerdict,
    ParseError,
    SecureBootPolicy,
    UpdateVerdict,
    VariableStore,
    sha256,
)

__all__ = ["Error", "ImageVerdict", "ParseError", "SecureBootPolicy", "UpdateVerdict", "VariableStore", "sha256"]
