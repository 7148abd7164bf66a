"""Checks a VM's UEFI Secure Boot chain: Authenticode signatures against db, dbx and dbt."""

from trusted_launch._native import Error, ImageVerdict, ParseError, SecureBootPolicy, sha256
from trusted_launch._native import Event, EventLog

__all__ = ["Error", "ImageVerdict", "ParseError", "SecureBootPolicy", "sha256"]
__all__ += ["Event", "EventLog"]
