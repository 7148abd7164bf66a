"""Baseline and verify_boot on real OVMF + swtpm boots recorded by tools/bootlab/bootlab.py in
.cache/bootlab. Expected values come from each scenario's outcome.json and the lab README."""

import json
import os
import pathlib

import pytest

import trusted_launch

ROOT = pathlib.Path(__file__).resolve().parents[2]
LAB = ROOT / ".cache" / "bootlab"


def scenario(name):
    folder = LAB / name
    if not (folder / "outcome.json").exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{folder} is missing; run tools/bootlab/bootlab.py all")
        pytest.skip(f"{folder} is missing; run tools/bootlab/bootlab.py all")
    return folder


def good_baseline():
    good = scenario("good")
    store = trusted_launch.VariableStore.from_edk2((good / "OVMF_VARS.before.fd").read_bytes())
    return trusted_launch.Baseline.capture((good / "binary_bios_measurements").read_bytes(), store)


def verify(name, baseline):
    folder = scenario(name)
    return trusted_launch.verify_boot(
        (folder / "binary_bios_measurements").read_bytes(),
        attest=(folder / "quote.msg").read_bytes(),
        signature=(folder / "quote.sig").read_bytes(),
        key=trusted_launch.AttestationKey((folder / "ak.pub").read_bytes()),
        nonce=bytes.fromhex((folder / "nonce.hex").read_text().strip()),
        store=trusted_launch.VariableStore.from_edk2((folder / "OVMF_VARS.before.fd").read_bytes()),
        baseline=baseline,
        require_secure_boot=True,
    )


def test_good_again_is_trusted():
    report = verify("good-again", good_baseline())
    assert report.verdict == "trusted"
    assert report
    shim = json.loads((scenario("good-again") / "outcome.json").read_text())["authenticode_sha256"]["shim"]
    assert report.to_dict()["images"][0]["sha256"] == shim


def test_kernel_checksum_change_deviates_in_pcr9():
    report = verify("kernel-checksum-changed", good_baseline())
    assert report.verdict == "untrusted"
    deviations = report.to_dict()["deviations"]
    assert [(d["pcr"], d["component"]) for d in deviations] == [(9, "kernel")]
    changed = json.loads((scenario("kernel-checksum-changed") / "outcome.json").read_text())["images"]["kernel"]
    assert deviations[0]["found"] == f"sha256:{changed}"
    assert report.alert_kinds == ["boot_log_deviates_from_baseline"]


def test_baseline_json_round_trip_and_errors():
    baseline = good_baseline()
    again = trusted_launch.Baseline.from_json(baseline.to_json().encode())
    assert again.to_json() == baseline.to_json()
    with pytest.raises(trusted_launch.ParseError) as raised:
        trusted_launch.Baseline.from_json(b'{"version": 1, "version": 1}')
    assert raised.value.offset == 15


def test_nothing_is_incomplete():
    report = trusted_launch.verify_boot()
    assert report.verdict == "incomplete"
    assert "vtpm_or_quote_missing" in report.alert_kinds
