//! Helpers shared by the integration tests: locating the shared corpora and generated fixtures.
#![allow(dead_code, unreachable_pub, reason = "each test binary uses a different subset")]

pub mod json;
pub mod swtpm;

use std::path::PathBuf;

/// The repository root (the parent of `core/`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The corpus folder `name` (`authenticode`, `uefi`, `eventlog`) under `$TRUSTED_LAUNCH_CORPUS`,
/// or under `../shared/corpus` next to the repository.
///
/// Returns `None` and prints why when the folder is missing, so the calling test can skip; under
/// `CI=true` a missing corpus fails the test instead.
pub fn corpus(name: &str) -> Option<PathBuf> {
    let root = std::env::var_os("TRUSTED_LAUNCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/corpus"));
    let folder = root.join(name);
    if folder.is_dir() {
        return Some(folder);
    }
    let message = format!("corpus folder {} not found; set TRUSTED_LAUNCH_CORPUS to the corpus root", folder.display());
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
    eprintln!("skipped: {message}");
    None
}

/// Reads a corpus file, or returns `None` (the test skips) when the corpus folder is missing.
pub fn corpus_file(name: &str, path: &str) -> Option<Vec<u8>> {
    let folder = corpus(name)?;
    let file = folder.join(path);
    Some(std::fs::read(&file).unwrap_or_else(|error| panic!("reading {}: {error}", file.display())))
}

/// Decodes lowercase or uppercase hexadecimal; panics on bad input (test helper).
pub fn hex(text: &str) -> Vec<u8> {
    assert!(text.len() % 2 == 0, "odd-length hex {text}");
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit")).collect()
}
