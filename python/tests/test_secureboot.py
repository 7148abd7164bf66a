"""SecureBootPolicy.verify_image on the generated fixtures and the shared corpus.

Expected verdicts come from tests/fixtures/secureboot/manifest.json (written by
tools/fixtures/generate.py) and from the corpus authenticode/PROVENANCE.md rows named below.
"""

import hashlib
import json
import mmap
import os
import pathlib

import pytest

import trusted_launch

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "secureboot"
CORPUS = pathlib.Path(os.environ.get("TRUSTED_LAUNCH_CORPUS", ROOT.parent / "shared" / "corpus"))


def corpus(relative):
    path = CORPUS / relative
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"corpus file {path} is missing")
        pytest.skip(f"corpus file {path} is missing; set TRUSTED_LAUNCH_CORPUS")
    return path.read_bytes()


def database(files):
    return b"".join((FIXTURES / name).read_bytes() for name in files)


def policy_for(case):
    sbat = (FIXTURES / case["sbat_level"]).read_bytes() if case["sbat_level"] else None
    return trusted_launch.SecureBootPolicy(
        db=database(case["db"]), dbx=database(case["dbx"]), dbt=database(case["dbt"]), sbat_level=sbat
    )


CASES = json.loads((FIXTURES / "manifest.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_manifest_case(case):
    verdict = policy_for(case).verify_image((FIXTURES / case["image"]).read_bytes())
    expected = case["expected"]
    assert verdict.allowed == (expected["verdict"] == "allowed"), verdict.detail
    assert verdict.reason == expected["reason"], verdict.detail
    assert bool(verdict) == verdict.allowed


def test_allowed_verdict_carries_authority_and_digest():
    case = next(case for case in CASES if case["name"] == "rsa2048_chain_to_root")
    verdict = policy_for(case).verify_image((FIXTURES / case["image"]).read_bytes())
    root = (FIXTURES / "certs" / "root.der").read_bytes()
    assert verdict.authority["data"] == root
    assert verdict.authority["signature_type"] == "a5c059a1-94e4-4aa7-87b5-ab155c2bf072"
    assert verdict.digests["sha256"] == case["digests"]["sha256"]
    report = verdict.to_dict()
    assert report["verdict"] == "allowed"
    assert report["signatures"][0]["outcome"] == "authorized"
    json.dumps({key: value for key, value in report.items() if key != "authority"})


def test_buffers_are_read_without_copying_requirements():
    case = next(case for case in CASES if case["name"] == "p256_sha256")
    policy = policy_for(case)
    data = (FIXTURES / case["image"]).read_bytes()
    assert policy.verify_image(bytearray(data)).allowed
    assert policy.verify_image(memoryview(data)).allowed
    with open(FIXTURES / case["image"], "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        assert policy.verify_image(mapped).allowed


def test_parse_errors_carry_structure_and_offset():
    with pytest.raises(trusted_launch.ParseError) as raised:
        trusted_launch.SecureBootPolicy(db=b"not a signature list at all")
    assert raised.value.structure == "EFI_SIGNATURE_LIST"
    assert raised.value.offset == 0
    assert isinstance(raised.value, trusted_launch.Error)

    with pytest.raises(trusted_launch.ParseError) as raised:
        trusted_launch.SecureBootPolicy().verify_image(b"MZ1234567890")
    assert "offset" in str(raised.value)


def test_sha256_matches_hashlib():
    data = b"trusted-launch" * 1000
    assert trusted_launch.sha256(data) == hashlib.sha256(data).hexdigest()


def test_edk2_unsigned_image_allowed_by_its_sha256_in_db():
    # Corpus authenticode/PROVENANCE.md row "edk2-googletest/UnsignedCOFF.efi": SHA-256
    # 88998eb1…b189; "ACCEPT if that hash is in db; DENY if it is in dbx or in neither".
    image = corpus("authenticode/edk2-googletest/UnsignedCOFF.efi")
    digest = bytes.fromhex("88998eb13ca81d2628d30cab66f67009818766aaa4702bd4eead8fdca38ab189")
    # EFI_SIGNATURE_LIST: EFI_CERT_SHA256 GUID, ListSize 76, HeaderSize 0, SignatureSize 48.
    sha256_guid = bytes.fromhex("2616c4c14c509240aca941f936934328")
    entry = bytes(16) + digest
    signature_list = sha256_guid + (28 + 48).to_bytes(4, "little") + bytes(4) + (48).to_bytes(4, "little") + entry

    allowed = trusted_launch.SecureBootPolicy(db=signature_list).verify_image(image)
    assert allowed.allowed and allowed.reason == "digest_in_db"
    refused = trusted_launch.SecureBootPolicy(db=signature_list, dbx=signature_list).verify_image(image)
    assert refused.reason == "digest_in_dbx"
    assert trusted_launch.SecureBootPolicy().verify_image(image).reason == "not_authorized"
