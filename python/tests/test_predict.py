"""Measurer and predict against the boot lab (tools/bootlab): Debian's shim, GRUB and kernel booted
under OVMF 2022.11 with a swtpm vTPM. Expected PCR values are swtpm's, read with tpm2_pcrread
after the boot (pcrread.yaml); expected event digests come from the event log the guest read."""

import os
import pathlib
import re

import pytest

import trusted_launch

ROOT = pathlib.Path(__file__).resolve().parents[2]
BOOTLAB = ROOT / ".cache" / "bootlab"
DEBIAN = ROOT / ".cache" / "debian"


def lab_file(path):
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing; run tools/bootlab/bootlab.py all --out .cache/bootlab")
        pytest.skip(f"{path} is missing; run tools/bootlab/bootlab.py all --out .cache/bootlab")
    return path.read_bytes()


def pcrread(scenario):
    """Parses tpm2_pcrread YAML into {bank: {pcr: bytes}}."""
    text = lab_file(BOOTLAB / scenario / "pcrread.yaml").decode()
    banks, bank = {}, None
    for line in text.splitlines():
        header = re.match(r"\s*(sha\d+):\s*$", line)
        if header:
            bank = banks.setdefault(header.group(1), {})
            continue
        value = re.match(r"\s*(\d+)\s*:\s*0x([0-9A-Fa-f]+)", line)
        if value and bank is not None:
            bank[int(value.group(1))] = bytes.fromhex(value.group(2))
    return banks


def predict(scenario):
    store = trusted_launch.VariableStore.from_edk2(lab_file(BOOTLAB / scenario / "OVMF_VARS.before.fd"))
    return trusted_launch.predict(
        store,
        lab_file(DEBIAN / "shimx64.efi.signed"),
        lab_file(DEBIAN / "grubx64.efi.signed"),
        lab_file(DEBIAN / "vmlinuz.efi"),
    )


@pytest.mark.parametrize("scenario", ["good", "secure-boot-off"])
def test_prediction_equals_swtpm(scenario):
    prediction = predict(scenario)
    measured = pcrread(scenario)
    assert prediction
    assert prediction.secure_boot == (scenario == "good")
    for bank, values in prediction.pcrs.items():
        for pcr in (4, 7, 14):
            assert values[pcr] == measured[bank][pcr], f"{scenario} {bank} PCR {pcr}"


def test_shim_in_dbx_is_rejected():
    # The lab's shim-in-dbx store contains shim's Authenticode SHA-256 in dbx, and OVMF printed
    # "Access Denied" for the boot option (bootlab README).
    prediction = predict("shim-in-dbx")
    assert not prediction
    assert "digest_in_dbx" in prediction.refusal
    assert prediction.pcrs == {}


def test_measurer_replays_sequence():
    # swtpm's sha256 PCR 3 after the good boot, whose only PCR 3 event is the separator.
    expected_pcr3 = pcrread("good")["sha256"][3]
    measurer = trusted_launch.Measurer(["sha256"])
    measurer.measure_separator([3])
    measurer.measure_action(4, "Calling EFI Application from Boot Option")
    log, pcrs = measurer.finish()
    assert pcrs["sha256"][3] == expected_pcr3
    assert log.startswith(b"\x00\x00\x00\x00\x03\x00\x00\x00")


def test_to_dict_has_hex_values():
    prediction = predict("good")
    result = prediction.to_dict()
    assert result["boots"] is True
    assert set(result["pcrs"]) == {"sha1", "sha256", "sha384", "sha512"}
    assert result["pcrs"]["sha256"]["4"] == pcrread("good")["sha256"][4].hex()
    assert result["events"][0]["description"] == "SecureBoot = 01"
