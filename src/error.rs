//! Link errors. Every error is one (or a few) human-readable lines naming the file and, where there is
//! one, the symbol; the driver prints them and exits 1. Nothing in the linker panics on bad input.

use std::fmt;

#[derive(Debug)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error(e.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `bail!("{}: bad thing", file)` returns an `Err(Error)` from the enclosing function.
#[macro_export]
macro_rules! bail {
    ($($arg:tt)*) => { return Err($crate::error::Error(format!($($arg)*))) };
}

/// `err!(...)` builds an `Error` value without returning.
#[macro_export]
macro_rules! err {
    ($($arg:tt)*) => { $crate::error::Error(format!($($arg)*)) };
}

/// Non-fatal diagnostics go to stderr immediately, prefixed like GNU ld's.
pub fn warn(msg: &str) {
    eprintln!("solder: warning: {msg}");
}
