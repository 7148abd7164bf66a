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
