//! Printing: human text or `--json`, and the exit codes every command shares.

use std::io::{IsTerminal, Write};

use serde::Serialize;

/// The input was read and is fine (or the command did what it was asked).
pub const EXIT_OK: u8 = 0;
/// The input has errors, or findings at the level the user asked to fail on.
pub const EXIT_FINDINGS: u8 = 1;
/// The command could not run: bad flags, unreadable file, unwritable output.
pub const EXIT_CANNOT_RUN: u8 = 2;

/// Die quietly on a closed pipe (`vow policy schema | head`) instead of panicking.
pub fn reset_sigpipe() {
    #[cfg(unix)]
    {
        // SAFETY: restoring the default disposition of SIGPIPE at start-up,
        // before any thread exists, is what every Unix filter does.
        unsafe {
            libc_signal();
        }
    }
}

#[cfg(unix)]
unsafe fn libc_signal() {
    unsafe extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
    }
    const SIGPIPE: i32 = 13;
    const SIG_DFL: usize = 0;
    unsafe {
        signal(SIGPIPE, SIG_DFL);
    }
}

/// Whether to colour output on stderr.
pub fn color_stderr() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}
