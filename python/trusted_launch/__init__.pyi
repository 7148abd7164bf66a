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

class UpdateVerdict:
    """The outcome of one authenticated variable write. Truthy when accepted."""

    @property
    def accepted(self) -> bool: ...
    @property
    def reason(self) -> Optional[str]:
        """None when accepted, else the refusal code (`signer_not_authorized`, `stale_timestamp`, ...)."""
    @property
    def detail(self) -> Optional[str]: ...
    @property
    def entries_before(self) -> Optional[int]: ...
    @property
    def entries_after(self) -> Optional[int]: ...
    @property
    def new_timestamp(self) -> Optional[str]:
        """The stored time stamp after the write, ISO 8601 without a zone."""
    @property
    def deleted(self) -> bool: ...
    @property
    def authority(self) -> Optional[str]:
        """`setup_mode`, `platform_key` or `key_exchange_key` when accepted."""
    def to_dict(self) -> dict[str, Any]: ...
    def __bool__(self) -> bool: ...

class VariableStore:
    """A UEFI variable store: an EDK2/OVMF image or efivarfs files. Accepted updates change it in place."""

    @staticmethod
    def from_edk2(data: Buffer) -> VariableStore: ...
    @staticmethod
    def from_efivarfs(files: dict[str, Buffer]) -> VariableStore:
        """Files as {`Name-GUID`: attribute word + data}; other names are skipped."""
    def variables(self) -> list[dict[str, Any]]:
        """Live variables: name, guid, attributes, timestamp (ISO 8601 or None), data (bytes)."""
    def apply_update(
        self,
        name: str,
        update: Buffer,
        *,
        guid: Optional[str] = None,
        append: bool = False,
        attributes: Optional[int] = None,
    ) -> UpdateVerdict:
        """Apply an EFI_VARIABLE_AUTHENTICATION_2 update against the store's PK and KEK."""
    def to_bytes(self) -> bytes:
        """The updated EDK2 image; raises ValueError for an efivarfs store."""
    def secure_boot_policy(self) -> SecureBootPolicy: ...
    def __len__(self) -> int: ...

def sha256(data: Buffer) -> str: ...
