//! Empty: this package exists only to fetch bzip2-sys and lua-src (see Cargo.toml).
