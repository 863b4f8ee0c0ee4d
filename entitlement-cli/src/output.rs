//! Where the command writes, and how it fails.
//!
//! Every write goes through [`Out`] and returns `Result<_, Failure>`: a reader that goes away
//! (`entitlement demo | head -1`) is [`Failure::Pipe`], which ends the command quietly, never a
//! panic; any other failure is a message that names its file.

use std::fmt::Display;
use std::io::{self, BufWriter, Stdout, Write};
use std::path::Path;

/// Why a command stopped early.
#[derive(Debug)]
pub enum Failure {
    /// The reader of the standard output went away: stop quietly (exit 0).
    Pipe,
    /// An error: printed to the standard error as `entitlement: <message>`, exit 2.
    Error(String),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::Pipe
        } else {
            Failure::Error(format!("writing the output: {e}"))
        }
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Failure {
        match e.io_error_kind() {
            Some(io::ErrorKind::BrokenPipe) => Failure::Pipe,
            _ => Failure::Error(format!("writing the output: {e}")),
        }
    }
}

impl Failure {
    /// An error about `file`: `FILE: message [code]` (the message of a core error already says
    /// where inside the file, as `processes[0].milestones[1].target`).
    pub fn in_file(file: &Path, e: &entitlement_core::Error) -> Failure {
        let shown = file.display().to_string();
        let message = e.to_string();
        if message.contains(&shown) {
            Failure::Error(format!("{message} [{}]", e.code()))
        } else {
            Failure::Error(format!("{shown}: {message} [{}]", e.code()))
        }
    }

    /// An error about `file` that is not a core error (an I/O error, a malformed state file).
    pub fn file(file: &Path, message: impl Display) -> Failure {
        Failure::Error(format!("{}: {message}", file.display()))
    }
}

/// What a command found, when it ran to the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Exit 0.
    Clean,
    /// Exit 1: `check` found warnings, or `monitor --strict` rejected cases.
    Findings,
}

/// The standard output, buffered. Flushed by [`Out::finish`]; a failed flush is a failure like
/// a failed write.
pub struct Out {
    w: BufWriter<Stdout>,
}

impl Out {
    pub fn stdout() -> Out {
        Out {
            w: BufWriter::with_capacity(64 * 1024, io::stdout()),
        }
    }

    pub fn finish(&mut self) -> Result<(), Failure> {
        self.w.flush().map_err(Failure::from)
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.w.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// Writes `value` as indented JSON and a newline.
pub fn json_pretty<T: serde::Serialize + ?Sized>(out: &mut Out, value: &T) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Writes `value` as one line of JSON.
pub fn json_line<T: serde::Serialize + ?Sized>(out: &mut Out, value: &T) -> Result<(), Failure> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// A line on the standard error, never a panic (`eprintln!` panics when the standard error is
/// closed).
pub fn note(message: impl Display) {
    let _ = writeln!(io::stderr(), "entitlement: {message}");
}
