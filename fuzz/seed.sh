#!/usr/bin/env bash
# Copies starting inputs for each fuzz target into fuzz/corpus/<target> (ignored by git): the
# generated fixtures and, when present, the shared corpora ($TRUSTED_LAUNCH_CORPUS or
# ../shared/corpus beside the repository).
set -euo pipefail
fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$fuzz/.." && pwd)
shared=${TRUSTED_LAUNCH_CORPUS:-$root/../shared/corpus}
fixtures="$root/tests/fixtures/secureboot"

seed() {
    local target=$1
    shift
    mkdir -p "$fuzz/corpus/$target"
    for file in "$@"; do
        [ -f "$file" ] && cp "$file" "$fuzz/corpus/$target/" || true
    done
}

images=("$fixtures"/images/*.efi)
if [ -d "$shared/authenticode" ]; then
    images+=("$shared"/authenticode/edk2-googletest/*.efi "$shared"/authenticode/authenticode-rs/*.efi)
fi
seed pe "${images[@]}"
seed verify_image "${images[@]}"
seed certificate_table "$fixtures"/images/two-signatures.efi
seed signature_lists "$fixtures"/esl/*.esl
[ -d "$shared/authenticode" ] && seed signature_lists "$shared"/authenticode/shim-test-data/efivars-1/*
# The PKCS#7 DER of each signed fixture image: the WIN_CERTIFICATE contents, cut out with the
# security directory entry (data directory 4 of the optional header).
mkdir -p "$fuzz/corpus/signed_data"
python3 - "$fuzz/corpus/signed_data" "$fixtures"/images/*.efi <<'PYTHON'
import struct, sys
out = sys.argv[1]
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    header = struct.unpack_from("<I", data, 0x3C)[0]
    optional = header + 24
    directories = optional + (112 if struct.unpack_from("<H", data, optional)[0] == 0x20B else 96)
    offset, size = struct.unpack_from("<II", data, directories + 4 * 8)
    if offset == 0 or offset + size > len(data):
        continue
    length = struct.unpack_from("<I", data, offset)[0]
    start = offset + (24 if struct.unpack_from("<H", data, offset + 6)[0] == 0x0EF1 else 8)
    name = path.rsplit("/", 1)[-1]
    open(f"{out}/{name}.der", "wb").write(data[start:offset + length])
PYTHON
seed sbat "$fixtures"/sbat/*.txt
[ -d "$shared/authenticode" ] && seed sbat "$shared"/authenticode/shim-test-data/shim-sbat.csv
# Event logs: every file of the event-log corpus that is not JSON, protobuf or Markdown.
if [ -d "$shared/eventlog" ]; then
    logs=()
    while IFS= read -r -d '' file; do
        logs+=("$file")
    done < <(find "$shared/eventlog" -type f ! -name '*.json' ! -name '*.pb' ! -name '*.md' -print0)
    seed eventlog_parse "${logs[@]}"
    seed eventlog_replay "${logs[@]}"
fi
seed authvar_update "$root"/tests/fixtures/authvar/*.auth
[ -d "$shared/uefi" ] && seed authvar_update "$shared"/uefi/secureboot_objects/dbx/DBXUpdate_arm64.bin "$shared"/uefi/secureboot_objects/kek_update_samples/*.bin
seed varstore "$root"/tests/fixtures/authvar/*.esl
[ -d "$shared/uefi" ] && seed varstore "$shared"/uefi/ovmf_debian/OVMF_VARS_4M.ms.fd
seed tpm_structures "$root"/tests/fixtures/boot/good/ak.pub "$root"/tests/fixtures/boot/good/quote.msg "$root"/tests/fixtures/boot/good/quote.sig
seed verify_quote "$root"/tests/fixtures/boot/good/quote.msg
exit 0
