//! A private swtpm (TPM 2.0 simulator) for differential tests, on unix sockets in a fresh
//! temporary folder, driven with tpm2-tools through the `swtpm` TCTI.
//!
//! [`Swtpm::start`] returns `None` (the test skips) when swtpm or tpm2-tools is not installed;
//! under `CI=true` their absence fails the test instead. The child process is killed by its pid
//! and the folder removed when the value is dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static INSTANCE: AtomicUsize = AtomicUsize::new(0);

/// A running swtpm.
pub struct Swtpm {
    child: Child,
    folder: PathBuf,
    socket: PathBuf,
}

/// Whether `program` can be run (`--version` exits, whatever its status).
pub fn installed(program: &str) -> bool {
    Command::new(program).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

/// Prints why the test skips, or fails under `CI=true`.
pub fn skip(message: &str) {
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
    eprintln!("skipped: {message}");
}

impl Swtpm {
    /// Starts swtpm with `--flags not-need-init,startup-clear`, so the TPM is started and ready.
    /// The control socket is `<socket>.ctrl`, where the `swtpm` TCTI looks for it.
    pub fn start() -> Option<Self> {
        for program in ["swtpm", "tpm2_pcrread", "tpm2_pcrextend", "tpm2_pcrevent"] {
            if !installed(program) {
                skip(&format!("{program} is not installed (Debian packages swtpm and tpm2-tools)"));
                return None;
            }
        }
        let instance = INSTANCE.fetch_add(1, Ordering::SeqCst);
        let folder = std::env::temp_dir().join(format!("tl-swtpm-{}-{instance}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).unwrap();
        let socket = folder.join("sock");
        let control = folder.join("sock.ctrl");
        let child = Command::new("swtpm")
            .arg("socket")
            .arg("--tpm2")
            .arg("--server")
            .arg(format!("type=unixio,path={}", socket.display()))
            .arg("--ctrl")
            .arg(format!("type=unixio,path={}", control.display()))
            .arg("--tpmstate")
            .arg(format!("dir={}", folder.display()))
            .arg("--flags")
            .arg("not-need-init,startup-clear")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("starting swtpm: {error}"));
        let mut swtpm = Self { child, folder, socket };
        swtpm.wait_for_sockets(&control);
        Some(swtpm)
    }

    fn wait_for_sockets(&mut self, control: &Path) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !(self.socket.exists() && control.exists()) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("swtpm exited early with {status}");
            }
            assert!(Instant::now() < deadline, "swtpm did not create its sockets within 10 s");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The TCTI configuration for tpm2-tools.
    pub fn tcti(&self) -> String {
        format!("swtpm:path={}", self.socket.display())
    }

    /// The folder holding the sockets and the TPM state; tests may put input files there.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// Runs a tpm2-tools `program` against this TPM and returns its output; panics when it fails.
    pub fn run(&self, program: &str, args: &[&str]) -> Output {
        let output = Command::new(program)
            .args(args)
            .env("TPM2TOOLS_TCTI", self.tcti())
            .output()
            .unwrap_or_else(|error| panic!("running {program}: {error}"));
        assert!(output.status.success(), "{program} {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
        output
    }
}

impl Drop for Swtpm {
    fn drop(&mut self) {
        // Child::kill signals this child's pid only.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// Parses `tpm2_pcrread` or `tpm2_eventlog` YAML output: `bank:` lines followed by
/// `index : 0xHEX` lines. Returns (bank name, PCR index, value bytes).
pub fn parse_pcr_listing(text: &str) -> Vec<(String, u32, Vec<u8>)> {
    let mut bank = None;
    let mut out = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_suffix(':') {
            if name.starts_with("sha") {
                bank = Some(name.to_owned());
            }
            continue;
        }
        let Some((index, value)) = trimmed.split_once(':') else { continue };
        let (Some(bank), Ok(index), Some(hex)) = (&bank, index.trim().parse::<u32>(), value.trim().strip_prefix("0x"))
        else {
            continue;
        };
        out.push((bank.clone(), index, super::hex(hex)));
    }
    out
}
