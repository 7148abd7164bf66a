"""VariableStore and authenticated updates on Debian's OVMF store and Microsoft's published
updates, with expected values from the corpus uefi/PROVENANCE.md rows named below."""

import os
import pathlib

import pytest

import trusted_launch

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = pathlib.Path(os.environ.get("TRUSTED_LAUNCH_CORPUS", ROOT.parent / "shared" / "corpus"))
FIXTURES = ROOT / "tests" / "fixtures" / "secureboot"


def corpus(relative):
    path = CORPUS / "uefi" / relative
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"corpus file {path} is missing")
        pytest.skip(f"corpus file {path} is missing; set TRUSTED_LAUNCH_CORPUS")
    return path.read_bytes()


def test_ovmf_store_lists_live_variables():
    # Row "ovmf_debian/derived": virt-fw-vars lists 31 variables in OVMF_VARS_4M.ms.fd.
    store = trusted_launch.VariableStore.from_edk2(corpus("ovmf_debian/OVMF_VARS_4M.ms.fd"))
    names = {variable["name"] for variable in store.variables()}
    assert len(store) == 31
    assert {"PK", "KEK", "db", "dbx"} <= names


def test_amd64_dbx_update_appends_443_entries():
    # Row "DBXUpdate_amd64.bin": 443 SHA-256 entries, VALID with attributes 0x67 under
    # Microsoft Corporation KEK CA 2011, INVALID with 0x27.
    update = corpus("secureboot_objects/dbx/DBXUpdate_amd64.bin")
    store = trusted_launch.VariableStore.from_edk2(corpus("ovmf_debian/OVMF_VARS_4M.ms.fd"))

    refused = store.apply_update("dbx", update, append=False, attributes=0x27)
    assert not refused.accepted
    assert refused.reason is not None

    verdict = store.apply_update("dbx", update, append=True)
    assert verdict.accepted, verdict.detail
    assert verdict.entries_after - verdict.entries_before == 443
    assert bool(verdict)

    # The written store reads back with the new dbx, and builds a policy from it.
    reread = trusted_launch.VariableStore.from_edk2(store.to_bytes())
    assert len(reread) == len(store)
    policy = reread.secure_boot_policy()
    image = (FIXTURES / "images" / "rsa2048-sha256.efi").read_bytes()
    assert policy.verify_image(image).reason == "not_authorized"


def test_garbage_store_raises_parse_error():
    with pytest.raises(trusted_launch.ParseError) as raised:
        trusted_launch.VariableStore.from_edk2(b"\x00" * 64)
    assert raised.value.offset >= 0
