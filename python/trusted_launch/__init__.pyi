"""Type stubs for trusted_launch."""

from typing import Any, Literal, Mapping, Optional, Sequence, Union
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

Hierarchy = Literal["endorsement", "platform", "owner", "null"]

class AttestationKey:
    """An attestation key from a TPM2B_PUBLIC or TPMT_PUBLIC, or a DER/PEM SubjectPublicKeyInfo.

    A SubjectPublicKeyInfo does not show that the key is restricted, so its quotes are refused
    unless verify_quote is called with danger_accept_unrestricted_key=True.
    """

    def __init__(self, data: Buffer, *, hierarchy: Optional[Hierarchy] = None) -> None: ...
    @property
    def object_attributes(self) -> Optional[int]:
        """TPMA_OBJECT bits, or None for a SubjectPublicKeyInfo key."""
    @property
    def name(self) -> Optional[bytes]:
        """nameAlg followed by the hash of the TPMT_PUBLIC, or None for a SubjectPublicKeyInfo key."""
    @property
    def is_restricted_signing_key(self) -> bool: ...

class QuoteVerdict:
    """The verdict on one quote. Truthy when the quote is valid; the quote fields are None otherwise."""

    @property
    def valid(self) -> bool: ...
    @property
    def reason(self) -> str:
        """`valid` or a refusal code such as `nonce_mismatch` or `pcr_digest_mismatch`."""
    @property
    def detail(self) -> str: ...
    @property
    def selection(self) -> Optional[str]:
        """The quoted selection in tpm2-tools form, such as `sha256:0,1,2+sha1:3`."""
    @property
    def pcr_digest(self) -> Optional[bytes]: ...
    @property
    def pcr_values_checked(self) -> bool: ...
    @property
    def clock(self) -> Optional[int]: ...
    @property
    def reset_count(self) -> Optional[int]: ...
    @property
    def restart_count(self) -> Optional[int]: ...
    @property
    def safe(self) -> Optional[bool]: ...
    @property
    def firmware_version(self) -> Optional[int]: ...
    @property
    def obfuscation(self) -> Optional[Literal["not_applied", "applied", "unknown"]]:
        """Whether reset_count, restart_count and firmware_version are obfuscated."""
    @property
    def qualified_signer(self) -> Optional[bytes]: ...
    @property
    def pcrs(self) -> Optional[list[dict[str, Any]]]:
        """For pcr_digest_mismatch: every selected PCR (bank, index, value or None when missing)."""
    def to_dict(self) -> dict[str, Any]: ...
    def __bool__(self) -> bool: ...

def verify_quote(
    key: AttestationKey,
    attest: Buffer,
    signature: Buffer,
    nonce: Buffer,
    selection: Union[str, Sequence[tuple[str, Sequence[int]]]],
    pcr_values: Optional[Mapping[str, Mapping[int, bytes]]] = None,
    *,
    allow_sha1: bool = False,
    danger_accept_unrestricted_key: bool = False,
) -> QuoteVerdict:
    """Verify a TPM2_Quote; raises ParseError only when a structure cannot be read."""
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

Bank = Literal["sha1", "sha256", "sha384", "sha512"]

class Measurer:
    """PCR banks and their TCG event log, extended together, for a VMM that boots a guest itself."""

    def __init__(self, banks: Sequence[Bank] = ("sha1", "sha256", "sha384", "sha512"), startup_locality: int = 0) -> None: ...
    def measure_variable(self, pcr: int, event_type: int, name: str, guid: str, data: Buffer) -> None:
        """Measure UEFI_VARIABLE_DATA; EV_EFI_VARIABLE_BOOT (0x80000002) is digested over the data alone."""
    def measure_authority(self, owner: str, data: Buffer) -> None:
        """Measure the authorizing db entry (owner GUID, signature data) into PCR 7."""
    def measure_image(self, pcr: int, event_type: int, image: Buffer, device_path: Optional[Buffer] = None) -> None:
        """Measure UEFI_IMAGE_LOAD_EVENT with the image's Authenticode digest in each bank."""
    def measure_action(self, pcr: int, text: str) -> None: ...
    def measure_separator(self, pcrs: Sequence[int]) -> None: ...
    def measure_ipl(self, pcr: int, data: Buffer) -> None: ...
    def log(self) -> bytes: ...
    def pcrs(self) -> dict[str, dict[int, bytes]]: ...
    def finish(self) -> tuple[bytes, dict[str, dict[int, bytes]]]:
        """The log and every PCR of every bank; the measurer stays usable."""

class Prediction:
    """Predicted PCR 4, 7 and 14 events and values. Falsy when firmware or shim would reject an image."""

    @property
    def boots(self) -> bool: ...
    @property
    def refusal(self) -> Optional[str]: ...
    @property
    def secure_boot(self) -> Optional[bool]: ...
    @property
    def pcrs(self) -> dict[str, dict[int, bytes]]: ...
    @property
    def events(self) -> list[dict[str, Any]]:
        """Dicts with pcr, type, type_value, digests ({bank: hex}), data and description."""
    @property
    def log(self) -> Optional[bytes]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __bool__(self) -> bool: ...

def predict(
    store: VariableStore,
    shim: Buffer,
    grub: Buffer,
    kernel: Buffer,
    *,
    failed_boot_options: int = 1,
) -> Prediction:
    """Predict OVMF booting shim, GRUB and a kernel with `store` as it is before the boot."""


class Baseline:
    """A trusted baseline: the events and PCR values of a known-good boot (JSON schema version 1)."""

    @staticmethod
    def capture(log: Buffer, store: Optional[VariableStore] = None) -> Baseline: ...
    @staticmethod
    def from_json(data: Buffer) -> Baseline:
        """Raises ParseError with the byte offset of the value it rejects."""
    def merged(self, other: Baseline) -> Baseline:
        """A baseline that also accepts every value of `other` (the same chain, some components changed)."""
    def to_json(self) -> str: ...
    def __len__(self) -> int: ...

class BootReport:
    """The judgement of one boot; truthy only when the verdict is "trusted"."""

    @property
    def verdict(self) -> str:
        """"trusted", "untrusted" or "incomplete"."""
    @property
    def alert_kinds(self) -> list[str]: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> dict[str, Any]:
        """verdict, quote, event_log, secure_boot, deviations, alerts, images, command_lines, pcrs."""
    def __bool__(self) -> bool: ...

def verify_boot(
    log: Optional[Buffer] = None,
    *,
    attest: Optional[Buffer] = None,
    signature: Optional[Buffer] = None,
    key: Optional[AttestationKey] = None,
    nonce: Optional[Buffer] = None,
    quote_pcr_values: Optional[Mapping[str, Mapping[int, bytes]]] = None,
    pcr_values: Optional[Mapping[str, Mapping[int, bytes]]] = None,
    store: Optional[VariableStore] = None,
    images: Sequence[tuple[str, bytes]] = (),
    baseline: Optional[Baseline] = None,
    require_secure_boot: bool = False,
) -> BootReport:
    """Judge a boot; raises ParseError only for input that cannot be read."""
