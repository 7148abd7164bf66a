//! Inputs shared by the benchmarks: locating real images and building large synthetic ones.

use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A large signed PE for the verification benchmark: `$TRUSTED_LAUNCH_BENCH_IMAGE`, or Debian's
/// signed kernel fetched by `tools/fetch-debian-boot.sh` into `.cache/debian`. `None` when
/// neither exists.
pub fn large_signed_image() -> Option<(PathBuf, Vec<u8>)> {
    let candidates = std::env::var_os("TRUSTED_LAUNCH_BENCH_IMAGE")
        .map(PathBuf::from)
        .into_iter()
        .chain(std::iter::once(repo_root().join(".cache/debian/vmlinuz.efi")));
    candidates.into_iter().find_map(|path| std::fs::read(&path).ok().map(|bytes| (path, bytes)))
}

/// The corpus root: `$TRUSTED_LAUNCH_CORPUS` or `../shared/corpus` beside the repository.
pub fn corpus_root() -> PathBuf {
    std::env::var_os("TRUSTED_LAUNCH_CORPUS").map_or_else(|| repo_root().join("../shared/corpus"), PathBuf::from)
}
