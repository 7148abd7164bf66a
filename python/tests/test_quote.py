"""verify_quote on the generated sample boot (tests/fixtures/boot, written by
tools/fixtures/bootsample.py). tpm2_checkquote accepts the `good` quote for its nonce and PCR
values and refuses it for another nonce (tools/fixtures/check_bootsample.sh runs both)."""

import json
import pathlib

import pytest

import trusted_launch

GOOD = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "boot" / "good"


def sample():
    pcrs = json.loads((GOOD / "pcrs.json").read_text())["banks"]["sha256"]
    values = {"sha256": {int(index): bytes.fromhex(value) for index, value in pcrs.items() if int(index) < 10}}
    return (
        trusted_launch.AttestationKey((GOOD / "ak.pub").read_bytes()),
        (GOOD / "quote.msg").read_bytes(),
        (GOOD / "quote.sig").read_bytes(),
        bytes.fromhex((GOOD / "nonce.hex").read_text().strip()),
        values,
    )


def test_good_quote_is_valid():
    key, attest, signature, nonce, values = sample()
    assert key.is_restricted_signing_key
    assert key.object_attributes == 0x00050072
    verdict = trusted_launch.verify_quote(key, attest, signature, nonce, "sha256:0,1,2,3,4,5,6,7,8,9", values)
    assert verdict.valid, verdict.detail
    assert verdict.reason == "valid"


def test_other_nonce_is_refused():
    key, attest, signature, nonce, values = sample()
    verdict = trusted_launch.verify_quote(key, attest, signature, b"x" + nonce[1:], "sha256:0,1,2,3,4,5,6,7,8,9", values)
    assert not verdict.valid
    assert verdict.reason == "nonce_mismatch"


def test_changed_pcr_value_is_refused():
    key, attest, signature, nonce, values = sample()
    values["sha256"][4] = bytes(32)
    verdict = trusted_launch.verify_quote(key, attest, signature, nonce, "sha256:0,1,2,3,4,5,6,7,8,9", values)
    assert verdict.reason == "pcr_digest_mismatch"


def test_other_selection_is_refused():
    key, attest, signature, nonce, values = sample()
    verdict = trusted_launch.verify_quote(key, attest, signature, nonce, "sha256:0,1,2,3,4,5,6,7,8", None)
    assert verdict.reason == "selection_mismatch"


def test_unreadable_key_raises_parse_error():
    with pytest.raises(trusted_launch.ParseError):
        trusted_launch.AttestationKey(b"\x00\x01")
