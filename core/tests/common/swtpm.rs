//! A software TPM for tests: one `swtpm` process per [`Swtpm`], listening on unix sockets in its
//! own temporary folder, driven with tpm2-tools through the `swtpm` TCTI.
//!
//! [`Swtpm::start`] returns `None` and prints why when `swtpm` or tpm2-tools are not installed,
//! so the calling test can skip. Under `CI=true` a missing tool fails the test instead. The
//! process is killed by its pid, and the folder removed, when the [`Swtpm`] is dropped.
#![allow(dead_code, unreachable_pub, reason = "each test binary uses a different subset")]

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long to wait for swtpm to create and accept on its command socket.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

static NEXT_INSTANCE: AtomicUsize = AtomicUsize::new(0);

/// A running swtpm with its state folder.
pub struct Swtpm {
    child: Child,
    folder: PathBuf,
}

/// Whether `program` is an executable file on `PATH`.
pub fn installed(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|folder| folder.join(program).is_file()))
}

/// Prints why the test skips, or fails under `CI=true`.
pub fn skip(message: &str) {
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
    eprintln!("skipped: {message}");
}

impl Swtpm {
    /// Starts swtpm (TPM 2.0, already powered on and started with `TPM2_Startup(CLEAR)`).
    pub fn start() -> Option<Self> {
        let tools = [
            "swtpm",
            "tpm2_pcrread",
            "tpm2_pcrextend",
            "tpm2_pcrevent",
            "tpm2_createak",
            "tpm2_quote",
            "tpm2_checkquote",
        ];
        for tool in tools {
            if !installed(tool) {
                skip(&format!("{tool} not found; install the swtpm and tpm2-tools packages"));
                return None;
            }
        }

        let instance = NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed);
        let folder = std::env::temp_dir().join(format!("tl-swtpm-{}-{instance}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).expect("creating the swtpm folder");

        // The swtpm TCTI of tpm2-tss looks for the control socket at `<path>.ctrl`.
        let socket = folder.join("sock");
        let child = Command::new("swtpm")
            .arg("socket")
            .arg("--tpm2")
            .arg("--server")
            .arg(format!("type=unixio,path={}", socket.display()))
            .arg("--ctrl")
            .arg(format!("type=unixio,path={}.ctrl", socket.display()))
            .arg("--tpmstate")
            .arg(format!("dir={}", folder.display()))
            .arg("--flags")
            .arg("not-need-init,startup-clear")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting swtpm");
        let swtpm = Self { child, folder };

        let deadline = Instant::now() + STARTUP_TIMEOUT;
        while UnixStream::connect(&socket).is_err() {
            assert!(Instant::now() < deadline, "swtpm did not open {} within {STARTUP_TIMEOUT:?}", socket.display());
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(swtpm)
    }

    /// The folder holding the TPM state; tests write their files here too.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The TCTI string for tpm2-tools.
    pub fn tcti(&self) -> String {
        format!("swtpm:path={}", self.folder.join("sock").display())
    }

    /// Runs a tpm2-tools command in the folder against this TPM, returning its output.
    pub fn try_run(&self, program: &str, args: &[&str]) -> Output {
        Command::new(program)
            .args(args)
            .current_dir(&self.folder)
            .env("TPM2TOOLS_TCTI", self.tcti())
            .output()
            .unwrap_or_else(|error| panic!("running {program}: {error}"))
    }

    /// Runs a tpm2-tools command and panics with its stderr when it fails. Transient objects are
    /// flushed afterwards, because swtpm without a resource manager holds only three.
    pub fn run(&self, program: &str, args: &[&str]) -> Output {
        let output = self.try_run(program, args);
        assert!(output.status.success(), "{program} {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
        let flush = self.try_run("tpm2_flushcontext", &["-t"]);
        assert!(flush.status.success(), "tpm2_flushcontext -t failed: {}", String::from_utf8_lossy(&flush.stderr));
        output
    }

    /// Reads a file from the folder.
    pub fn read(&self, name: &str) -> Vec<u8> {
        let path = self.folder.join(name);
        std::fs::read(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
    }

    /// Writes a file into the folder and returns its name.
    pub fn write<'a>(&self, name: &'a str, data: &[u8]) -> &'a str {
        let path = self.folder.join(name);
        std::fs::write(&path, data).unwrap_or_else(|error| panic!("writing {}: {error}", path.display()));
        name
    }
}

impl Drop for Swtpm {
    fn drop(&mut self) {
        // `Child::kill` signals exactly this child's pid.
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
