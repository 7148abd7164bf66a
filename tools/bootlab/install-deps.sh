#!/usr/bin/env bash
# Installs the Debian packages that tools/bootlab/bootlab.py runs, and virt-firmware (for
# virt-fw-vars) into .cache/venv. Safe to rerun: it skips apt-get when every package is present.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)

packages=(
    qemu-system-x86   # qemu-system-x86_64
    swtpm swtpm-tools # the vTPM and swtpm_ioctl
    tpm2-tools        # tpm2_pcrread, tpm2_createek, tpm2_createak, tpm2_quote, tpm2_checkquote
    libtss2-tcti-swtpm0
    busybox-static    # the initramfs userland
    cpio              # the initramfs archive
    gdisk             # sgdisk for the GPT disk
    dosfstools        # mkfs.vfat
    mtools            # mcopy writes into the FAT image without mounting it
    pesign            # pesign -h prints the Authenticode digest used for dbx
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$package")
    fi
done
if [ "${#missing[@]}" -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

venv="$root/.cache/venv"
if [ ! -x "$venv/bin/python3" ]; then
    python3 -m venv "$venv"
fi
if [ ! -x "$venv/bin/virt-fw-vars" ]; then
    "$venv/bin/python3" -m pip install --quiet virt-firmware
fi
