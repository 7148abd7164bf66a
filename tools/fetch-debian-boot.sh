#!/usr/bin/env bash
# Downloads Debian's signed boot chain (shim, GRUB, kernel) and OVMF with `apt-get download` and
# unpacks it into .cache/debian (ignored by git). Prints nothing on success; reruns are no-ops.
#
# Files it leaves, for tests and benchmarks:
#   .cache/debian/shimx64.efi.signed   shim signed by Microsoft Corporation UEFI CA 2011
#   .cache/debian/grubx64.efi.signed   GRUB signed by the Debian Secure Boot signer
#   .cache/debian/vmlinuz.efi          the signed kernel of linux-image-amd64
#   .cache/debian/ovmf/                OVMF_CODE_4M*.fd and OVMF_VARS_4M*.fd
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache="$root/.cache/debian"
if [ -f "$cache/.complete" ]; then
    exit 0
fi
mkdir -p "$cache/debs" "$cache/tree"
cd "$cache/debs"

kernel_package=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$kernel_package" ]; then
    echo "fetch-debian-boot: cannot find the kernel package that linux-image-amd64 depends on" >&2
    exit 1
fi
apt-get -o APT::Sandbox::User=root download shim-signed grub-efi-amd64-signed "$kernel_package" ovmf >/dev/null
for deb in ./*.deb; do
    dpkg -x "$deb" "$cache/tree"
done

cp "$cache/tree/usr/lib/shim/shimx64.efi.signed" "$cache/shimx64.efi.signed"
cp "$cache/tree/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" "$cache/grubx64.efi.signed"
cp "$cache"/tree/boot/vmlinuz-* "$cache/vmlinuz.efi"
mkdir -p "$cache/ovmf"
cp "$cache"/tree/usr/share/OVMF/OVMF_*4M*.fd "$cache/ovmf/"
touch "$cache/.complete"
