"""EventLog parsing, replay and claims on the shared event-log corpus.

Expected PCR values come from eventlog/expected_pcrs.json (the values the upstream projects'
tests assert); claims come from the eventlog/PROVENANCE.md rows named beside each check.
"""

import json
import mmap
import os
import pathlib

import pytest

import trusted_launch

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = pathlib.Path(os.environ.get("TRUSTED_LAUNCH_CORPUS", ROOT.parent / "shared" / "corpus")) / "eventlog"


def corpus_path(relative):
    path = CORPUS / relative
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"corpus file {path} is missing")
        pytest.skip(f"corpus file {path} is missing; set TRUSTED_LAUNCH_CORPUS")
    return path


def expected(name):
    return json.loads(corpus_path("expected_pcrs.json").read_text())[name]["pcrs"]


# Logs whose expected_pcrs.json entry lists exactly the PCRs the log extends.
EXACT = [
    "go-tpm-tools/cos-85-amd-sev.bin",
    "go-tpm-tools/debian-10.bin",
    "go-tpm-tools/rhel8-uefi.bin",
    "tpm2-tools/event-bootorder.bin",
    "tpm2-tools/event-uefi-sha1-log.bin",
]


@pytest.mark.parametrize("name", EXACT)
def test_replay_banks_equal_expected(name):
    log = trusted_launch.EventLog(corpus_path(name).read_bytes())
    banks = log.replay()["banks"]
    for bank, pcrs in expected(name).items():
        assert banks[bank] == pcrs


def test_replay_comparison_reports_wrong_pcr():
    name = "go-tpm-tools/rhel8-uefi.bin"
    pcrs = expected(name)
    pcrs["sha256"]["4"] = "ab" * 32
    result = trusted_launch.EventLog(corpus_path(name).read_bytes()).replay(pcrs)
    assert result["all_match"] is False
    failed = [entry for entry in result["comparison"] if not entry["accepted"]]
    assert [(entry["bank"], entry["pcr"], entry["result"]) for entry in failed] == [("sha256", 4, "differs")]
    assert failed[0]["expected"] == "ab" * 32


def test_pcr_keys_may_be_int_and_values_bytes():
    name = "tpm2-tools/event-uefi-sha1-log.bin"
    pcrs = {"sha1": {int(pcr): bytes.fromhex(value) for pcr, value in expected(name)["sha1"].items()}}
    result = trusted_launch.EventLog(corpus_path(name).read_bytes()).replay(pcrs)
    assert result["all_match"] is True
    assert len(result["comparison"]) == 8


def test_exit_boot_services_workaround():
    # expected_pcrs.json note: PCR 5 matches only after appending the two ExitBootServices actions.
    name = "go-attestation/ebs_event_missing_eventlog"
    log = trusted_launch.EventLog(corpus_path(name).read_bytes())
    pcrs = {"sha1": expected(name)["sha1"]}
    assert log.replay(pcrs)["comparison"][0]["result"] == "differs"
    entry = log.replay(pcrs, danger_missing_exit_boot_services=True)["comparison"][0]
    assert entry["result"] == "matches"
    assert entry["quirk"] == "missing_exit_boot_services"


def test_events_decode_spec_id_and_digests():
    log = trusted_launch.EventLog(corpus_path("go-tpm-tools/rhel8-uefi.bin").read_bytes())
    # PROVENANCE.md rhel8-uefi: agile sha1, sha256, sha384.
    assert log.format == "crypto_agile"
    assert log.algorithms == ["sha1", "sha256", "sha384"]
    events = log.events
    assert len(events) == len(log)
    assert events[0].type_name == "EV_NO_ACTION"
    assert events[0].decoded == {"kind": "spec_id", "algorithms": "sha1,sha256,sha384"}
    assert events[0].data.startswith(b"Spec ID Event03\0")
    assert set(events[1].digests) == {"sha1", "sha256", "sha384"}
    with pytest.raises(AttributeError):
        events[0].pcr = 3
    kinds = {event.decoded["kind"] for event in events}
    assert {"variable", "separator", "image_load", "grub_command", "kernel_command_line"} <= kinds
    assert log.to_dict()["events"][1]["type_name"] == events[1].type_name


def test_secure_boot_state_from_verified_pcr7():
    # PROVENANCE.md rhel8-uefi: Secure Boot on.
    name = "go-tpm-tools/rhel8-uefi.bin"
    log = trusted_launch.EventLog(corpus_path(name).read_bytes())
    state = log.secure_boot_state(expected(name))
    assert state["enabled"] is True
    assert len(state["databases"]["db"]) > 0
    assert any(authority["kind"] == "signature" for authority in state["authorities"])
    # Without PCR 7 among the values, nothing is claimed.
    assert log.secure_boot_state({"sha256": {"0": expected(name)["sha256"]["0"]}}) is None
    with pytest.raises(ValueError):
        log.secure_boot_state()


def test_unverified_state_needs_danger_flag():
    # PROVENANCE.md keylime: binary_bios_measurements-secureboot has Secure Boot enabled.
    log = trusted_launch.EventLog(corpus_path("keylime/binary_bios_measurements-secureboot").read_bytes())
    assert log.secure_boot_state(danger_unverified=True)["enabled"] is True


def test_windows_claims():
    # PROVENANCE.md windows_gcp_shielded_vm: ColdBoot=true, BootCount=4, DEP=true,
    # CodeIntegrity=true, BitlockerUnlocks=[0,0], vioscsi.sys among the loaded modules.
    name = "go-attestation/windows_gcp_shielded_vm.wbcl.bin"
    log = trusted_launch.EventLog(corpus_path(name).read_bytes())
    claims = log.windows_claims(expected(name))
    assert claims["cold_boot"] is True
    assert claims["boot_count"] == 4
    assert claims["data_execution_prevention"] is True
    assert claims["code_integrity"] is True
    assert claims["bitlocker_unlocks"] == [0, 0]
    paths = [module["file_path"] or "" for module in claims["loaded_modules"]]
    assert any(path.lower().endswith("vioscsi.sys") for path in paths)


def test_padding_needs_allow_padding():
    # PROVENANCE.md ccel-cos-113-intel-tdx.bin: 0xFF padding after the last event, sha384 only.
    path = corpus_path("go-eventlog/ccel-cos-113-intel-tdx.bin")
    with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        with pytest.raises(trusted_launch.ParseError):
            trusted_launch.EventLog(mapped)
        assert trusted_launch.EventLog(mapped, allow_padding=True).algorithms == ["sha384"]


def test_unusable_logs_raise_parse_error():
    # PROVENANCE.md keylime: -empty is 0 bytes and -bogus is 34 bytes of text; both are rejected.
    for name in ["keylime/binary_bios_measurements-empty", "keylime/binary_bios_measurements-bogus"]:
        with pytest.raises(trusted_launch.ParseError) as raised:
            trusted_launch.EventLog(corpus_path(name).read_bytes())
        assert isinstance(raised.value, trusted_launch.Error)
        assert raised.value.offset >= 0
    truncated = corpus_path("go-tpm-tools/rhel8-uefi.bin").read_bytes()[:-10]
    with pytest.raises(trusted_launch.ParseError) as raised:
        trusted_launch.EventLog(truncated)
    assert raised.value.structure == "TCG_PCR_EVENT2"
