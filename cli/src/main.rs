//! `trusted-launch`: checks boot images against UEFI Secure Boot databases, from files an operator
//! pulled off a VM (boot images, efivarfs variables, signature lists, certificates), and shows and
//! updates UEFI variable stores.
//!
//! Exit status: 0 when everything checked is allowed, 1 when anything is refused, 2 when an input
//! cannot be used (the message names the file, the structure and the byte offset), and 3 when
//! `verify` lacks the evidence to conclude.

mod image;
mod log;
mod pcrs_file;
mod predict;
mod quote;
mod sources;
mod tpm_files;
mod vars;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Checks a VM's Secure Boot chain (boot images against db, dbx and dbt) and its TPM quotes.
#[derive(Parser)]
#[command(name = "trusted-launch", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify or inspect PE/COFF boot images.
    #[command(subcommand)]
    Image(image::ImageCommand),
    /// Show UEFI variable stores and apply authenticated updates to them.
    #[command(subcommand)]
    Vars(vars::VarsCommand),
    /// Verify TPM 2.0 quotes.
    #[command(subcommand)]
    Quote(quote::QuoteCommand),
    /// Show or replay TCG event logs.
    #[command(subcommand)]
    Log(log::LogCommand),
    /// Predict the PCR 4, 7 and 14 values of OVMF booting shim, GRUB and a kernel.
    Predict(predict::PredictArgs),
    /// Judge a boot: event log, quote or PCR values, variable store and images, against a baseline.
    Verify(verify::VerifyArgs),
    /// Capture a trusted baseline from a known-good boot.
    #[command(subcommand)]
    Baseline(verify::BaselineCommand),
}

/// An input that cannot be used; printed to stderr with exit status 2.
#[derive(Debug)]
pub(crate) struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The exit status of a command that ran to its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Everything checked passed.
    Pass,
    /// Something was refused or did not match.
    Fail,
    /// Nothing failed, but evidence needed to conclude is missing.
    Incomplete,
}

/// Restores the default action of SIGPIPE, so that `trusted-launch … | head` ends quietly when
/// `head` closes the pipe, as other command-line tools do. Rust programs start with SIGPIPE
/// ignored, which turns the closed pipe into a write error and `println!` into a panic.
#[cfg(unix)]
#[allow(unsafe_code, reason = "setting a signal disposition is a C library call")]
fn restore_default_sigpipe() {
    unsafe extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
    }
    const SIGPIPE: i32 = 13;
    const SIG_DFL: usize = 0;
    // SAFETY: `signal` with SIG_DFL installs no handler code; it is called before any thread starts.
    unsafe {
        signal(SIGPIPE, SIG_DFL);
    }
}

fn main() -> ExitCode {
    #[cfg(unix)]
    restore_default_sigpipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Image(command) => image::run(command),
        Command::Vars(command) => vars::run(command),
        Command::Quote(command) => quote::run(command),
        Command::Log(command) => log::run(command),
        Command::Predict(args) => predict::run(&args),
        Command::Verify(args) => verify::run_verify(&args),
        Command::Baseline(command) => verify::run_baseline(command),
    };
    match result {
        Ok(Outcome::Pass) => ExitCode::from(0),
        Ok(Outcome::Fail) => ExitCode::from(1),
        Ok(Outcome::Incomplete) => ExitCode::from(3),
        Err(error) => {
            eprintln!("trusted-launch: {error}");
            ExitCode::from(2)
        }
    }
}
