"""Type stubs for trusted_launch."""

from typing import Any, Optional, Union
import mmap

Buffer = Union[bytes, bytearray, memoryview, mmap.mmap]

class Error(Exception):
    """Root of every trusted_launch exception."""

class ParseError(Error):
    """An input could not be parsed."""

    structure: str
    """Spec name of the structure being read."""
    offset: int
    """Byte offset of the problem in the input."""

class ImageVerdict:
    """The verdict on one image. Truthy when the image is allowed."""

    @property
    def allowed(self) -> bool: ...
    @property
    def reason(self) -> str:
        """`signature_in_db` or `digest_in_db` when allowed, else the refusal code."""
    @property
    def detail(self) -> str: ...
    @property
    def authority(self) -> Optional[dict[str, Any]]:
        """The authorizing db entry: matched_by, signature_type, owner (GUID strings), data (bytes)."""
    @property
    def digests(self) -> dict[str, str]:
        """Authenticode digests computed, as lowercase hex by algorithm name."""
    @property
    def signatures(self) -> list[dict[str, Any]]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __bool__(self) -> bool: ...

class SecureBootPolicy:
    """db, dbx and dbt as EFI_SIGNATURE_LIST bytes, shim's SbatLevel, and the revocation scope."""

    def __init__(
        self,
        *,
        db: Optional[Buffer] = None,
        dbx: Optional[Buffer] = None,
        dbt: Optional[Buffer] = None,
        sbat_level: Optional[Buffer] = None,
        per_signature_revocation: bool = False,
    ) -> None: ...
    def verify_image(self, data: Buffer) -> ImageVerdict:
        """Decide whether firmware would run the PE/COFF image; raises ParseError only for unreadable headers."""

def sha256(data: Buffer) -> str: ...

PcrValues = dict[str, dict[Union[int, str], Union[str, bytes]]]
"""Expected PCR values by bank name (`sha1`, `sha256`, …), then PCR number, as hex or bytes."""

class Event:
    """One event of a TCG event log."""

    @property
    def index(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def pcr(self) -> int:
        """`pcrIndex`; 0xFFFFFFFF on Windows EV_NO_ACTION records that belong to no PCR."""
    @property
    def type(self) -> int: ...
    @property
    def type_name(self) -> str:
        """The spec name, such as `EV_SEPARATOR`, or hex for an unknown type."""
    @property
    def digests(self) -> dict[str, str]:
        """Digests by bank name, as lowercase hex."""
    @property
    def data(self) -> bytes: ...
    @property
    def decoded(self) -> dict[str, Any]:
        """The data decoded by the event type; `kind` names the structure."""
    def to_dict(self) -> dict[str, Any]: ...

class EventLog:
    """A TCG PC Client event log (SHA-1 or crypto-agile format); raises ParseError when unusable."""

    def __init__(self, data: Buffer, allow_padding: bool = False) -> None: ...
    @property
    def format(self) -> str:
        """`sha1` or `crypto_agile`."""
    @property
    def algorithms(self) -> list[str]: ...
    @property
    def events(self) -> list[Event]: ...
    def replay(
        self, pcrs: Optional[PcrValues] = None, *, danger_missing_exit_boot_services: bool = False
    ) -> dict[str, Any]:
        """`{"banks": {bank: {"<pcr>": hex}}}`; with pcrs also `comparison` and `all_match`."""
    def secure_boot_state(
        self, pcrs: Optional[PcrValues] = None, *, danger_unverified: bool = False
    ) -> Optional[dict[str, Any]]:
        """The Secure Boot state of PCR 7 when pcrs verify it, else None."""
    def windows_claims(
        self, pcrs: Optional[PcrValues] = None, *, danger_unverified: bool = False
    ) -> dict[str, Any]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __len__(self) -> int: ...
