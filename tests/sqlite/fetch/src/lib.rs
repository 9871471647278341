//! Empty: this package exists only to fetch libsqlite3-sys (see Cargo.toml).
