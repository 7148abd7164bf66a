#!/usr/bin/env python3
"""Boot Debian's signed shim, GRUB and kernel under OVMF with a swtpm vTPM, and record what happened.

Each scenario builds a disk and a variable store and boots them in QEMU (TCG). The guest prints
the event log and the PCRs on its serial console. After QEMU is gone, a second swtpm reopens the
saved vTPM state so that tpm2-tools can read the PCRs, create an EK and an AK, and take quotes.
Inputs come from .cache/debian (tools/fetch-debian-boot.sh), and tools/bootlab/install-deps.sh
installs the tools.

Usage:
    python3 tools/bootlab/bootlab.py boot --scenario good --out .cache/bootlab
    python3 tools/bootlab/bootlab.py all --out .cache/bootlab
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEBIAN = ROOT / ".cache" / "debian"
VENV = ROOT / ".cache" / "venv"

# Fixed identifiers, so that the GPT (measured into PCR 5) and the boot options that OVMF creates
# from the disk's device path (measured into PCR 1) are the same on every boot.
DISK_GUID = "5b1e0a2c-6f0d-4c1b-9a51-1c2b0b007001"
ESP_PARTITION_GUID = "5b1e0a2c-6f0d-4c1b-9a51-1c2b0b007002"
FAT_VOLUME_ID = "0B00714B"
# 2000-01-01T00:00:00Z, the mtime given to every file on the ESP and in the initramfs.
FIXED_EPOCH = 946684800
SECTOR_SIZE = 512
DISK_BYTES = 64 * 1024 * 1024
ESP_FIRST_SECTOR = 2048
ESP_MEBIBYTES = 62

# Owner GUID of the dbx entry that the shim-in-dbx scenario adds (any fixed GUID works).
DBX_OWNER_GUID = "5b1e0a2c-6f0d-4c1b-9a51-1c2b0b0070db"
# Qualifying data for every quote: SHA-256 of the ASCII string "trusted-launch bootlab nonce".
NONCE_HEX = hashlib.sha256(b"trusted-launch bootlab nonce").hexdigest()
QUOTE_PCRS = "0,1,2,3,4,5,6,7,8,9"

MARKER_EVENTLOG_BEGIN = "BOOTLAB-EVENTLOG-BEGIN"
MARKER_EVENTLOG_END = "BOOTLAB-EVENTLOG-END"
MARKER_NO_EVENTLOG = "BOOTLAB-NO-EVENTLOG"
MARKER_PCRS_BEGIN = "BOOTLAB-PCRS-BEGIN"
MARKER_PCRS_END = "BOOTLAB-PCRS-END"
MARKER_DONE = "BOOTLAB-DONE"

# Serial console lines that mean the firmware, shim or GRUB rejected an image. The boot is over
# once one appears, although QEMU keeps running (OVMF falls back to its boot manager and GRUB
# returns to its menu).
REJECTION_PATTERNS = [
    re.compile(r"Access Denied"),
    re.compile(r"Security Violation"),
    re.compile(r"bad shim signature"),
    re.compile(r"Malformed binary[^\r\n]*"),
    re.compile(r"Verification failed[^\r\n]*"),
    re.compile(r"Kernel panic[^\r\n]*"),
]
# Seconds to keep reading the console after a rejection, so that its follow-up lines are logged.
REJECTION_GRACE_SECONDS = 3.0

INIT_SCRIPT = f"""#!/bin/sh
# /init of the bootlab initramfs: print the TPM event log and the PCRs on the console, then stop.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t securityfs securityfs /sys/kernel/security
log=/sys/kernel/security/tpm0/binary_bios_measurements
if cat "$log" > /eventlog 2>/dev/null && [ -s /eventlog ]; then
    echo "{MARKER_EVENTLOG_BEGIN} $(wc -c < /eventlog) $(sha256sum /eventlog | cut -d ' ' -f 1)"
    base64 /eventlog
    echo "{MARKER_EVENTLOG_END}"
else
    echo "{MARKER_NO_EVENTLOG}"
fi
echo "{MARKER_PCRS_BEGIN}"
for bank in /sys/class/tpm/tpm0/pcr-*; do
    [ -d "$bank" ] || continue
    name=${{bank##*/pcr-}}
    for index in $(seq 0 23); do
        echo "PCR $name $index $(cat "$bank/$index")"
    done
done
echo "{MARKER_PCRS_END}"
echo "{MARKER_DONE}"
poweroff -f
"""

GRUB_CONFIG = """set timeout=0
set default=0
menuentry "bootlab" {
    linux /vmlinuz console=ttyS0,115200 loglevel=4 panic=-1
    initrd /initrd.img
}
"""

BUSYBOX_APPLETS = ["sh", "mount", "cat", "base64", "wc", "sha256sum", "cut", "seq", "poweroff", "echo"]


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    secure_boot: bool
    # Function name in this module that changes one input image, or None.
    mutation: str | None = None
    add_shim_to_dbx: bool = False


SCENARIOS = {
    scenario.name: scenario
    for scenario in [
        Scenario("good", secure_boot=True),
        Scenario("good-again", secure_boot=True),
        Scenario("secure-boot-off", secure_boot=False),
        Scenario("shim-in-dbx", secure_boot=True, add_shim_to_dbx=True),
        Scenario("kernel-byte-changed", secure_boot=True, mutation="change_kernel_code_byte"),
        Scenario("kernel-checksum-changed", secure_boot=True, mutation="change_kernel_checksum"),
        Scenario("grub-appended", secure_boot=True, mutation="append_after_grub_certificates"),
    ]
}


class BootLabError(Exception):
    """A step of the lab failed; the message names the step and the fix."""


def log(message: str) -> None:
    print(f"bootlab: {message}", file=sys.stderr, flush=True)


def run(command: list[str], *, timeout: float = 120, cwd: Path | None = None, env: dict | None = None,
        check: bool = True) -> subprocess.CompletedProcess:
    """Run a command and capture its output, raising BootLabError when it fails and check is set."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env)
    except subprocess.TimeoutExpired as error:
        raise BootLabError(f"{command[0]} timed out after {timeout} s: {' '.join(command)}") from error
    except FileNotFoundError as error:
        raise BootLabError(f"{command[0]} not found: run tools/bootlab/install-deps.sh") from error
    if check and result.returncode != 0:
        raise BootLabError(
            f"{' '.join(command)} failed with exit status {result.returncode}: {result.stderr.strip()}")
    return result


# --- PE/COFF changes -------------------------------------------------------------------------


def pe_header_offsets(image: bytes) -> tuple[int, int, int]:
    """Return the offsets of the PE signature and the optional header, and the optional header's magic."""
    (pe_offset,) = struct.unpack_from("<I", image, 0x3C)
    if image[pe_offset:pe_offset + 4] != b"PE\0\0":
        raise BootLabError("input is not a PE image: no PE signature at the e_lfanew offset")
    optional_header = pe_offset + 24
    (magic,) = struct.unpack_from("<H", image, optional_header)
    if magic != 0x20B:
        raise BootLabError(f"expected a PE32+ optional header (magic 0x20b), found {magic:#x}")
    return pe_offset, optional_header, magic


def change_kernel_code_byte(images: dict[str, bytearray]) -> str:
    """Invert one byte in the middle of the kernel's .text section (the Authenticode digest changes)."""
    image = images["kernel"]
    pe_offset, optional_header, _ = pe_header_offsets(bytes(image))
    (section_count,) = struct.unpack_from("<H", image, pe_offset + 6)
    (optional_size,) = struct.unpack_from("<H", image, pe_offset + 20)
    section_table = optional_header + optional_size
    for index in range(section_count):
        header = section_table + 40 * index
        name = bytes(image[header:header + 8]).rstrip(b"\0")
        raw_size, raw_pointer = struct.unpack_from("<II", image, header + 16)
        if name == b".text" and raw_size > 0:
            offset = raw_pointer + raw_size // 2
            image[offset] ^= 0xFF
            return f"kernel byte at file offset {offset:#x} (middle of .text) inverted"
    raise BootLabError("the kernel has no non-empty .text section")


def change_kernel_checksum(images: dict[str, bytearray]) -> str:
    """Change the kernel's optional header CheckSum, which Authenticode excludes from its digest."""
    image = images["kernel"]
    _, optional_header, _ = pe_header_offsets(bytes(image))
    checksum_offset = optional_header + 64
    (old,) = struct.unpack_from("<I", image, checksum_offset)
    new = old ^ 0x5A5A5A5A
    struct.pack_into("<I", image, checksum_offset, new)
    return f"kernel CheckSum at file offset {checksum_offset:#x} changed from {old:#010x} to {new:#010x}"


def append_after_grub_certificates(images: dict[str, bytearray]) -> str:
    """Append 16 zero bytes after GRUB's attribute certificate table (the last bytes of the file)."""
    image = images["grub"]
    _, optional_header, _ = pe_header_offsets(bytes(image))
    # Data directory 4 (certificate table) of a PE32+ optional header starts at offset 112 + 4 * 8.
    table_offset, table_size = struct.unpack_from("<II", image, optional_header + 144)
    table_end = table_offset + table_size
    if table_size == 0 or table_end != len(image):
        raise BootLabError(
            f"GRUB's certificate table ({table_offset:#x}+{table_size:#x}) does not end at the file end "
            f"({len(image):#x})")
    image.extend(bytes(16))
    return f"16 zero bytes appended to GRUB at file offset {table_end:#x}, after its certificate table"


# --- Disk, initramfs and variable store ------------------------------------------------------


def build_initramfs(work: Path) -> Path:
    """Write a reproducible newc cpio archive with static busybox and the /init script."""
    busybox = Path("/bin/busybox")
    if not busybox.exists():
        raise BootLabError("/bin/busybox not found: run tools/bootlab/install-deps.sh (busybox-static)")
    tree = work / "initramfs"
    if tree.exists():
        shutil.rmtree(tree)
    for directory in ["bin", "dev", "proc", "sys"]:
        (tree / directory).mkdir(parents=True)
    shutil.copyfile(busybox, tree / "bin" / "busybox")
    (tree / "bin" / "busybox").chmod(0o755)
    for applet in BUSYBOX_APPLETS:
        (tree / "bin" / applet).symlink_to("busybox")
    (tree / "init").write_text(INIT_SCRIPT)
    (tree / "init").chmod(0o755)

    paths = sorted([tree, *tree.rglob("*")], reverse=True)
    for path in paths:
        os.utime(path, (FIXED_EPOCH, FIXED_EPOCH), follow_symlinks=False)

    names = sorted(str(path.relative_to(tree)) for path in tree.rglob("*"))
    archive = work / "initrd.img"
    with open(archive, "wb") as output:
        subprocess.run(
            ["cpio", "--create", "--format=newc", "--reproducible", "--owner=0:0", "--quiet"],
            input="\n".join(names).encode() + b"\n", stdout=output, cwd=tree, check=True,
            env={**os.environ, "LC_ALL": "C"})
    return archive


def build_disk(work: Path, images: dict[str, bytes], initramfs: Path) -> Path:
    """Write a GPT disk with one FAT32 EFI System Partition holding shim, GRUB, the kernel and the initramfs."""
    staging = work / "esp"
    if staging.exists():
        shutil.rmtree(staging)
    boot = staging / "EFI" / "BOOT"
    debian = staging / "EFI" / "debian"
    boot.mkdir(parents=True)
    debian.mkdir(parents=True)
    (boot / "BOOTX64.EFI").write_bytes(images["shim"])
    (boot / "grubx64.efi").write_bytes(images["grub"])
    # The config embedded in Debian's signed GRUB sources $prefix/grub.cfg (prefix /EFI/debian) when
    # that folder exists, and otherwise falls back to grub.cfg beside the GRUB image ($cmdpath).
    (boot / "grub.cfg").write_text(GRUB_CONFIG)
    (debian / "grub.cfg").write_text(GRUB_CONFIG)
    mok_manager = DEBIAN / "tree" / "usr" / "lib" / "shim" / "mmx64.efi.signed"
    if mok_manager.exists():
        shutil.copyfile(mok_manager, boot / "mmx64.efi")
    (staging / "vmlinuz").write_bytes(images["kernel"])
    shutil.copyfile(initramfs, staging / "initrd.img")
    for path in [staging, *staging.rglob("*")]:
        os.utime(path, (FIXED_EPOCH, FIXED_EPOCH))

    disk = work / "disk.img"
    disk.unlink(missing_ok=True)
    with open(disk, "wb") as output:
        output.truncate(DISK_BYTES)
    run(["sgdisk", "--clear", f"--disk-guid={DISK_GUID}",
         f"--new=1:{ESP_FIRST_SECTOR}:+{ESP_MEBIBYTES}M", "--typecode=1:ef00",
         f"--partition-guid=1:{ESP_PARTITION_GUID}", "--change-name=1:EFI System Partition", str(disk)])
    # --invariant must come before -i, because it resets the volume ID to a constant of its own.
    run(["mkfs.vfat", "-F", "32", "--invariant", "-i", FAT_VOLUME_ID, "-n", "BOOTLAB",
         f"--offset={ESP_FIRST_SECTOR}", str(disk), str(ESP_MEBIBYTES * 1024)])
    partition = f"{disk}@@{ESP_FIRST_SECTOR * SECTOR_SIZE}"
    mtools_env = {**os.environ, "MTOOLS_SKIP_CHECK": "1"}
    for entry in sorted(staging.iterdir()):
        run(["mcopy", "-s", "-m", "-i", partition, str(entry), "::/"], env=mtools_env)
    return disk


def prepare_variable_store(scenario: Scenario, scenario_dir: Path, shim_path: Path) -> dict:
    """Copy (and for shim-in-dbx, change) the OVMF variable store; return what was done."""
    suffix = ".ms" if scenario.secure_boot else ""
    code = DEBIAN / "ovmf" / f"OVMF_CODE_4M{suffix}.fd"
    template = DEBIAN / "ovmf" / f"OVMF_VARS_4M{suffix}.fd"
    for path in [code, template]:
        if not path.exists():
            raise BootLabError(f"{path} not found: run tools/fetch-debian-boot.sh")
    before = scenario_dir / "OVMF_VARS.before.fd"
    details: dict = {"code": code.name, "vars_template": template.name}
    if scenario.add_shim_to_dbx:
        digest = authenticode_sha256(shim_path)
        if digest is None:
            raise BootLabError(f"pesign -h could not hash {shim_path}")
        virt_fw_vars = VENV / "bin" / "virt-fw-vars"
        if not virt_fw_vars.exists():
            raise BootLabError(f"{virt_fw_vars} not found: run tools/bootlab/install-deps.sh")
        command = [str(virt_fw_vars), "-i", str(template), "--add-dbx-hash", DBX_OWNER_GUID, digest,
                   "-o", str(before)]
        run(command)
        details["dbx_added_sha256"] = digest
        details["vars_command"] = " ".join(command)
    else:
        shutil.copyfile(template, before)
    working = scenario_dir / "OVMF_VARS.fd"
    shutil.copyfile(before, working)
    details["code_path"] = str(code)
    details["vars_path"] = str(working)
    return details


def authenticode_sha256(path: Path) -> str | None:
    """Return the Authenticode SHA-256 that pesign computes for a PE image, or None if pesign rejects it."""
    result = run(["pesign", "-h", "-i", str(path)], check=False)
    match = re.search(r"hash:\s*([0-9a-f]{64})", result.stdout)
    return match.group(1) if result.returncode == 0 and match else None


# --- Processes -------------------------------------------------------------------------------


class Processes:
    """Every long-running process this lab starts, stopped by pid in stop_all()."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen] = []

    def start(self, command: list[str], log_path: Path) -> subprocess.Popen:
        with open(log_path, "ab") as output:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        self.started.append(process)
        return process

    @staticmethod
    def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, wait: float = 5.0) -> None:
        if process.poll() is not None:
            return
        os.kill(process.pid, sig)
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=wait)

    def stop_all(self) -> None:
        for process in reversed(self.started):
            try:
                self.stop(process)
            except (ProcessLookupError, subprocess.TimeoutExpired) as error:
                log(f"could not stop pid {process.pid}: {error}")


def wait_for_socket(path: Path, process: subprocess.Popen, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            with socket.socket(socket.AF_UNIX) as probe:
                try:
                    probe.connect(str(path))
                    return
                except OSError:
                    pass
        if process.poll() is not None:
            raise BootLabError(f"swtpm exited with status {process.returncode} before creating {path}")
        time.sleep(0.05)
    raise BootLabError(f"timed out after {timeout} s waiting for {path}")


def check_socket_path(path: Path) -> None:
    # sockaddr_un.sun_path has room for 108 bytes, including the terminating NUL.
    if len(os.fsencode(path)) > 107:
        raise BootLabError(f"unix socket path {path} is longer than 107 bytes: pass a shorter --out")


# --- Boot ------------------------------------------------------------------------------------


def watch_console(serial_log: Path, qemu: subprocess.Popen, timeout: float) -> dict:
    """Poll the serial log until the guest's end marker, a rejection, QEMU's exit or the timeout."""
    start = time.monotonic()
    rejection_at = None
    message = ""
    while True:
        elapsed = time.monotonic() - start
        text = serial_log.read_text(errors="replace") if serial_log.exists() else ""
        if MARKER_DONE in text:
            return {"end": "guest end marker", "seconds": elapsed, "message": ""}
        if rejection_at is None:
            matches = [match for pattern in REJECTION_PATTERNS if (match := pattern.search(text))]
            if matches:
                rejection_at = elapsed
                message = rejection_line(text, min(matches, key=lambda match: match.start()))
        if rejection_at is not None and elapsed - rejection_at >= REJECTION_GRACE_SECONDS:
            return {"end": "rejection on the console", "seconds": rejection_at, "message": message}
        if qemu.poll() is not None:
            return {"end": f"QEMU exited with status {qemu.returncode}", "seconds": elapsed,
                    "message": message}
        if elapsed >= timeout:
            return {"end": f"timed out after {timeout} s", "seconds": elapsed, "message": message}
        time.sleep(0.2)


def rejection_line(text: str, match: re.Match) -> str:
    """Return the whole console line around a rejection match, without control sequences."""
    line_start = max(text.rfind("\n", 0, match.start()), text.rfind("\r", 0, match.start())) + 1
    line_end_candidates = [i for i in (text.find("\n", match.end()), text.find("\r", match.end())) if i >= 0]
    line_end = min(line_end_candidates) if line_end_candidates else len(text)
    line = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text[line_start:line_end])
    return line.strip()


def parse_guest_output(text: str) -> tuple[bytes | None, dict]:
    """Return the event log and the bank -> PCR -> hex map that the guest's /init printed."""
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n")]
    event_log = None
    begin = next((i for i, line in enumerate(lines) if line.startswith(MARKER_EVENTLOG_BEGIN)), None)
    if begin is not None:
        fields = lines[begin].split()
        expected_size, expected_sha256 = int(fields[1]), fields[2]
        end = lines.index(MARKER_EVENTLOG_END, begin)
        # Kernel messages can land between the base64 lines; only whole base64 lines count.
        encoded = "".join(line for line in lines[begin + 1:end] if re.fullmatch(r"[A-Za-z0-9+/=]+", line))
        event_log = base64.b64decode(encoded)
        if len(event_log) != expected_size or hashlib.sha256(event_log).hexdigest() != expected_sha256:
            raise BootLabError(
                f"decoded event log has {len(event_log)} bytes and SHA-256 "
                f"{hashlib.sha256(event_log).hexdigest()}, the guest reported {expected_size} and "
                f"{expected_sha256}: the serial log is garbled")
    pcrs: dict[str, dict[str, str]] = {}
    if MARKER_PCRS_BEGIN in lines:
        begin = lines.index(MARKER_PCRS_BEGIN)
        end = lines.index(MARKER_PCRS_END, begin)
        for line in lines[begin + 1:end]:
            match = re.fullmatch(r"PCR (\w+) (\d+) ([0-9A-Fa-f]+)", line)
            if match:
                pcrs.setdefault(match.group(1), {})[match.group(2)] = match.group(3).lower()
    return event_log, pcrs


def read_vtpm(scenario_dir: Path, state_dir: Path, processes: Processes, has_event_log: bool) -> dict:
    """Start a second swtpm on the saved state, resume it and read, quote and check with tpm2-tools."""
    server = scenario_dir / "tpm.sock"
    control = scenario_dir / "tpm.sock.ctrl"
    check_socket_path(control)
    for path in [server, control]:
        path.unlink(missing_ok=True)
    swtpm = processes.start(
        ["swtpm", "socket", "--tpm2", "--tpmstate", f"dir={state_dir}",
         "--server", f"type=unixio,path={server}", "--ctrl", f"type=unixio,path={control}",
         "--log", f"file={scenario_dir / 'swtpm-read.log'},level=1"],
        scenario_dir / "swtpm-read.out")
    wait_for_socket(control, swtpm)
    wait_for_socket(server, swtpm)
    run(["swtpm_ioctl", "--unix", str(control), "-i"])

    tcti = ["-T", f"swtpm:path={server}"]

    def flush_transient_objects() -> None:
        # Without a resource manager every loaded key stays in one of the TPM's few object slots.
        run(["tpm2_flushcontext", *tcti, "--transient-object"])
        run(["tpm2_flushcontext", *tcti, "--loaded-session"])

    results: dict = {}
    pcrread = run(["tpm2_pcrread", *tcti])
    (scenario_dir / "pcrread.yaml").write_text(pcrread.stdout)
    banks = [bank for bank, values in read_pcr_yaml(scenario_dir / "pcrread.yaml").items() if values]
    results["banks"] = banks

    run(["tpm2_createek", *tcti, "-c", str(scenario_dir / "ek.ctx"), "-G", "rsa",
         "-u", str(scenario_dir / "ek.pub")])
    flush_transient_objects()
    run(["tpm2_createak", *tcti, "-C", str(scenario_dir / "ek.ctx"), "-c", str(scenario_dir / "ak.ctx"),
         "-G", "rsa", "-g", "sha256", "-s", "rsassa", "-u", str(scenario_dir / "ak.pub"),
         "-n", str(scenario_dir / "ak.name")])
    flush_transient_objects()
    run(["tpm2_readpublic", *tcti, "-c", str(scenario_dir / "ak.ctx"), "-f", "pem",
         "-o", str(scenario_dir / "ak.pem")])
    flush_transient_objects()
    (scenario_dir / "nonce.hex").write_text(NONCE_HEX + "\n")

    quotes = {"quote": f"sha256:{QUOTE_PCRS}"}
    multi_banks = [bank for bank in ["sha1", "sha256", "sha384"] if bank in banks]
    if multi_banks == ["sha1", "sha256", "sha384"]:
        quotes["quote-multi"] = "+".join(f"{bank}:{QUOTE_PCRS}" for bank in multi_banks)
    for prefix, selection in quotes.items():
        message, signature, pcr_values = (scenario_dir / f"{prefix}.{kind}" for kind in ("msg", "sig", "pcrs"))
        run(["tpm2_quote", *tcti, "-c", str(scenario_dir / "ak.ctx"), "-l", selection, "-q", NONCE_HEX,
             "-g", "sha256", "-m", str(message), "-s", str(signature), "-o", str(pcr_values)])
        flush_transient_objects()
        verdicts = {}
        check = ["tpm2_checkquote", "-u", str(scenario_dir / "ak.pub"), "-m", str(message),
                 "-s", str(signature), "-f", str(pcr_values), "-g", "sha256", "-q", NONCE_HEX]
        checked = run(check, check=False)
        verdicts["without_event_log"] = checkquote_verdict(checked)
        if has_event_log:
            checked = run([*check, "-e", str(scenario_dir / "binary_bios_measurements")], check=False)
            verdicts["with_event_log"] = checkquote_verdict(checked)
        results[prefix] = {"pcr_selection": selection, "tpm2_checkquote": verdicts}
    Processes.stop(swtpm)
    return results


def checkquote_verdict(result: subprocess.CompletedProcess) -> dict:
    output = (result.stdout + result.stderr).strip()
    return {"exit_status": result.returncode, "verified": result.returncode == 0,
            "output_tail": "\n".join(output.splitlines()[-3:])}


def boot(scenario: Scenario, out: Path, timeout: float) -> dict:
    """Run one scenario into out/<scenario> and return its outcome."""
    scenario_dir = (out / scenario.name).resolve()
    if scenario_dir.exists():
        shutil.rmtree(scenario_dir)
    scenario_dir.mkdir(parents=True)
    work = scenario_dir / "build"
    work.mkdir()

    sources = {"shim": DEBIAN / "shimx64.efi.signed", "grub": DEBIAN / "grubx64.efi.signed",
               "kernel": DEBIAN / "vmlinuz.efi"}
    for path in sources.values():
        if not path.exists():
            raise BootLabError(f"{path} not found: run tools/fetch-debian-boot.sh")
    images = {name: bytearray(path.read_bytes()) for name, path in sources.items()}
    change = getattr(sys.modules[__name__], scenario.mutation)(images) if scenario.mutation else None
    image_paths = {}
    for name, data in images.items():
        image_paths[name] = work / f"{name}.efi"
        image_paths[name].write_bytes(data)

    variable_store = prepare_variable_store(scenario, scenario_dir, image_paths["shim"])
    initramfs = build_initramfs(work)
    disk = build_disk(work, {name: bytes(data) for name, data in images.items()}, initramfs)

    state_dir = scenario_dir / "tpm-state"
    state_dir.mkdir()
    qemu_control = scenario_dir / "swtpm-qemu.ctrl"
    check_socket_path(qemu_control)
    serial_log = scenario_dir / "serial.log"
    processes = Processes()
    outcome: dict = {"scenario": scenario.name}
    started = time.monotonic()
    try:
        swtpm = processes.start(
            ["swtpm", "socket", "--tpm2", "--tpmstate", f"dir={state_dir}",
             "--ctrl", f"type=unixio,path={qemu_control}",
             "--log", f"file={scenario_dir / 'swtpm-boot.log'},level=1"],
            scenario_dir / "swtpm-boot.out")
        wait_for_socket(qemu_control, swtpm)
        qemu_command = [
            "qemu-system-x86_64", "-machine", "q35,smm=on", "-accel", "tcg", "-cpu", "max", "-m", "1024",
            "-global", "driver=cfi.pflash01,property=secure,value=on",
            "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={variable_store['code_path']}",
            "-drive", f"if=pflash,format=raw,unit=1,file={variable_store['vars_path']}",
            "-drive", f"if=none,id=esp,format=raw,file={disk}",
            "-device", "virtio-blk-pci,drive=esp",
            "-chardev", f"socket,id=vtpm,path={qemu_control}",
            "-tpmdev", "emulator,id=tpm0,chardev=vtpm", "-device", "tpm-tis,tpmdev=tpm0",
            "-nic", "none", "-display", "none", "-vga", "none", "-monitor", "none",
            "-serial", f"file:{serial_log}", "-no-reboot", "-no-shutdown",
        ]
        (scenario_dir / "qemu-command.txt").write_text(" ".join(qemu_command) + "\n")
        qemu = processes.start(qemu_command, scenario_dir / "qemu.out")
        console = watch_console(serial_log, qemu, timeout)
        Processes.stop(qemu, signal.SIGKILL)

        run(["swtpm_ioctl", "--unix", str(qemu_control), "-v"])
        Processes.stop(swtpm)

        text = serial_log.read_text(errors="replace")
        event_log, guest_pcrs = parse_guest_output(text)
        if event_log is not None:
            (scenario_dir / "binary_bios_measurements").write_bytes(event_log)
        (scenario_dir / "guest-pcrs.json").write_text(json.dumps(guest_pcrs, indent=2, sort_keys=True) + "\n")

        booted = console["end"] == "guest end marker"
        outcome.update({
            "booted": booted,
            "firmware_message": console["message"],
            "seconds": round(console["seconds"], 1),
            "secure_boot": scenario.secure_boot,
            "images": {name: hashlib.sha256(data).hexdigest() for name, data in images.items()},
            "authenticode_sha256": {name: authenticode_sha256(path) for name, path in image_paths.items()},
            "change": change,
            "disk_sha256": hashlib.sha256(disk.read_bytes()).hexdigest(),
            "initramfs_sha256": hashlib.sha256(initramfs.read_bytes()).hexdigest(),
            "end": console["end"],
            "event_log": event_log is not None,
            "no_event_log_marker": MARKER_NO_EVENTLOG in text,
            "variable_store": {key: value for key, value in variable_store.items() if not key.endswith("_path")},
            "nonce_hex": NONCE_HEX,
        })
        outcome["vtpm"] = read_vtpm(scenario_dir, state_dir, processes, event_log is not None)
        outcome["wall_seconds"] = round(time.monotonic() - started, 1)
    finally:
        processes.stop_all()
    (scenario_dir / "outcome.json").write_text(json.dumps(outcome, indent=2) + "\n")
    shutil.rmtree(work)
    return outcome


# --- Checks against the expected outcomes -----------------------------------------------------


def read_pcr_yaml(path: Path) -> dict[str, dict[str, str]]:
    """Parse tpm2_pcrread's output into bank -> PCR -> lowercase hex."""
    banks: dict[str, dict[str, str]] = {}
    bank = None
    for line in path.read_text().splitlines():
        header = re.fullmatch(r"\s*(\w+):\s*", line)
        value = re.fullmatch(r"\s*(\d+)\s*:\s*0x([0-9A-Fa-f]+)\s*", line)
        if value and bank:
            banks[bank][value.group(1)] = value.group(2).lower()
        elif header:
            bank = header.group(1)
            banks[bank] = {}
    return banks


def check_expectations(out: Path, outcomes: dict[str, dict]) -> list[dict]:
    """Compare each scenario's outcome with what the real chain is known to do."""
    checks = []

    def expect(scenario: str, description: str, passed: bool) -> None:
        checks.append({"scenario": scenario, "check": description, "passed": bool(passed)})

    def pcrs(scenario: str) -> dict:
        path = out / scenario / "pcrread.yaml"
        return read_pcr_yaml(path) if path.exists() else {}

    def message(scenario: str) -> str:
        return outcomes.get(scenario, {}).get("firmware_message", "")

    def booted(scenario: str) -> bool:
        return outcomes.get(scenario, {}).get("booted", False)

    if "good" in outcomes:
        expect("good", "boots", booted("good"))
        expect("good", "guest printed an event log", outcomes["good"].get("event_log"))
        verdicts = outcomes["good"].get("vtpm", {}).get("quote", {}).get("tpm2_checkquote", {})
        expect("good", "tpm2_checkquote replays the event log to the quoted PCRs",
               verdicts.get("with_event_log", {}).get("verified"))
    if "good" in outcomes and "good-again" in outcomes:
        expect("good-again", "boots", booted("good-again"))
        expect("good-again", "every PCR in every bank equals the good boot", pcrs("good") == pcrs("good-again"))
        log_a, log_b = out / "good" / "binary_bios_measurements", out / "good-again" / "binary_bios_measurements"
        expect("good-again", "event log equals the good boot",
               log_a.exists() and log_b.exists() and log_a.read_bytes() == log_b.read_bytes())
        expect("good-again", "disk image equals the good boot",
               outcomes["good"].get("disk_sha256") == outcomes["good-again"].get("disk_sha256"))
    if "secure-boot-off" in outcomes:
        expect("secure-boot-off", "boots", booted("secure-boot-off"))
        expect("secure-boot-off", "kernel exposes no event log",
               outcomes["secure-boot-off"].get("no_event_log_marker"))
    if "shim-in-dbx" in outcomes:
        expect("shim-in-dbx", "does not boot", not booted("shim-in-dbx"))
        expect("shim-in-dbx", "OVMF reports Access Denied", "Access Denied" in message("shim-in-dbx"))
    if "kernel-byte-changed" in outcomes:
        expect("kernel-byte-changed", "does not boot", not booted("kernel-byte-changed"))
        expect("kernel-byte-changed", "GRUB reports bad shim signature",
               "bad shim signature" in message("kernel-byte-changed"))
    if "kernel-checksum-changed" in outcomes:
        expect("kernel-checksum-changed", "boots", booted("kernel-checksum-changed"))
        if "good" in outcomes:
            good, changed = pcrs("good"), pcrs("kernel-checksum-changed")
            expect("kernel-checksum-changed", "PCR 4 equals the good boot (sha256)",
                   good.get("sha256", {}).get("4") == changed.get("sha256", {}).get("4"))
            expect("kernel-checksum-changed", "PCR 9 differs from the good boot (sha256)",
                   good.get("sha256", {}).get("9") != changed.get("sha256", {}).get("9"))
    if "grub-appended" in outcomes:
        expect("grub-appended", "does not boot", not booted("grub-appended"))
        expect("grub-appended", "shim reports Malformed binary after Attribute Certificate Table",
               "Malformed binary after Attribute Certificate Table" in
               (out / "grub-appended" / "serial.log").read_text(errors="replace"))
    for name, outcome in outcomes.items():
        if outcome.get("booted"):
            expect(name, "guest PCRs equal tpm2_pcrread after the boot", guest_matches_pcrread(out / name))
        verdict = outcome.get("vtpm", {}).get("quote", {}).get("tpm2_checkquote", {})
        expect(name, "tpm2_checkquote verifies the sha256 quote",
               verdict.get("without_event_log", {}).get("verified"))
    return checks


def guest_matches_pcrread(scenario_dir: Path) -> bool:
    guest_path = scenario_dir / "guest-pcrs.json"
    if not guest_path.exists() or not (scenario_dir / "pcrread.yaml").exists():
        return False
    guest = json.loads(guest_path.read_text())
    host = read_pcr_yaml(scenario_dir / "pcrread.yaml")
    return bool(guest) and all(host.get(bank) == values for bank, values in guest.items())


# --- Command line ------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    boot_parser = commands.add_parser("boot", help="run one scenario")
    boot_parser.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    all_parser = commands.add_parser("all", help="run every scenario and check the expected outcomes")
    for sub in (boot_parser, all_parser):
        sub.add_argument("--out", type=Path, default=ROOT / ".cache" / "bootlab",
                         help="output folder; each scenario writes OUT/<scenario>/ (default: .cache/bootlab)")
        sub.add_argument("--timeout", type=float, default=120.0,
                         help="seconds to wait for the guest's end marker before stopping QEMU (default: 120)")
    arguments = parser.parse_args()

    names = [arguments.scenario] if arguments.command == "boot" else list(SCENARIOS)
    outcomes = {}
    try:
        for name in names:
            log(f"{name}: booting")
            outcome = boot(SCENARIOS[name], arguments.out, arguments.timeout)
            outcomes[name] = outcome
            log(f"{name}: booted={outcome['booted']} seconds={outcome['seconds']} end={outcome['end']!r} "
                f"message={outcome['firmware_message']!r}")
    except BootLabError as error:
        log(f"error: {error}")
        return 1

    if arguments.command == "all":
        checks = check_expectations(arguments.out, outcomes)
        summary = {"outcomes": {name: {key: outcome.get(key) for key in
                                       ("booted", "firmware_message", "seconds", "wall_seconds", "end",
                                                   "event_log")}
                                for name, outcome in outcomes.items()},
                   "checks": checks}
        (arguments.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        failed = [check for check in checks if not check["passed"]]
        for check in checks:
            log(f"{'ok  ' if check['passed'] else 'FAIL'} {check['scenario']}: {check['check']}")
        log(f"{len(checks) - len(failed)} passed, {len(failed)} failed")
        return 1 if failed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
