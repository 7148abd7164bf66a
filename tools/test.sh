#!/usr/bin/env bash
# The whole test suite. Needs the tools .ci/run installs (cbindgen 0.29.4, sbsigntool,
# osslsigncode, pesign, valgrind, gcc, python3-venv, cargo-fuzz with the nightly toolchain).
# The shared corpora are read from $TRUSTED_LAUNCH_CORPUS or ../shared/corpus; tests that need
# them skip when they are missing, except under CI=true.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

step() { printf '\n== %s\n' "$*"; }
mkdir -p target

step "Debian's signed shim, GRUB, kernel and OVMF into .cache/debian"
tools/fetch-debian-boot.sh

step "Fixtures: regenerate and compare with the committed ones (virt-firmware is for the vars tests)"
python3 -m venv .cache/venv
.cache/venv/bin/pip install --quiet --disable-pip-version-check -r tools/fixtures/requirements.txt -r python/requirements-test.txt
.cache/venv/bin/python tools/fixtures/generate.py --out tests/fixtures/secureboot
.cache/venv/bin/python tools/fixtures/authvar.py --out tests/fixtures/authvar
.cache/venv/bin/python tools/fixtures/bootsample.py --out tests/fixtures/boot
git diff --exit-code --stat -- tests/fixtures || { echo "fixtures differ from the generator's output" >&2; exit 1; }
test -z "$(git status --porcelain -- tests/fixtures)" || { echo "the generator wrote files that are not committed" >&2; git status --porcelain -- tests/fixtures >&2; exit 1; }

step "Real boots: OVMF + swtpm + Debian's signed chain under QEMU into .cache/bootlab"
python3 tools/bootlab/bootlab.py all --out .cache/bootlab

step "Fixtures agree with the reference tools (osslsigncode, sbverify, efitools, tpm2-tools, the real boot)"
tools/fixtures/check_with_reference_tools.sh >target/check-secureboot-fixtures.log 2>&1 \
    || { tail -40 target/check-secureboot-fixtures.log >&2; exit 1; }
PATH="$root/.cache/venv/bin:$PATH" tools/fixtures/check_bootsample.sh >target/check-boot-sample.log 2>&1 \
    || { tail -40 target/check-boot-sample.log >&2; exit 1; }

step "Format and lints"
cargo fmt --all --check
cargo clippy --workspace --exclude trusted-launch-python --all-targets -- -D warnings

step "Rust tests"
cargo test --workspace --exclude trusted-launch-python

step "no_std: link the core into a program without std and run it"
cargo run --quiet --manifest-path nostd-check/Cargo.toml

step "C header is up to date"
cbindgen --quiet --config ffi/cbindgen.toml --crate trusted-launch-ffi --output target/trusted_launch.h ffi
diff -u include/trusted_launch.h target/trusted_launch.h

step "C tests against the header and the static library, under valgrind"
cargo build --quiet --release -p trusted-launch-ffi
c_test() {
    local name=$1
    shift
    gcc -std=c11 -Wall -Wextra -Werror -Iinclude "ffi/tests/$name.c" target/release/libtrusted_launch_ffi.a \
        -lpthread -ldl -lm -o "target/$name"
    valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect "target/$name" "$@"
}
c_test test_verify tests/fixtures/secureboot
c_test test_eventlog "${TRUSTED_LAUNCH_CORPUS:-../shared/corpus}"
c_test test_quote_vars . "${TRUSTED_LAUNCH_CORPUS:-../shared/corpus}"

step "Python bindings (maturin) and pytest"
VIRTUAL_ENV="$root/.cache/venv" .cache/venv/bin/maturin develop --quiet --release --manifest-path python/Cargo.toml
.cache/venv/bin/python -m pytest -q python/tests

step "Fuzz targets build and run briefly"
fuzz/seed.sh
(cd fuzz && for target in $(cargo +nightly fuzz list); do
    cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time=20 -seed=1 >"../target/fuzz-$target.log" 2>&1 \
        || { echo "fuzz target $target failed; see target/fuzz-$target.log" >&2; tail -40 "../target/fuzz-$target.log" >&2; exit 1; }
done)

step "All tests passed"
