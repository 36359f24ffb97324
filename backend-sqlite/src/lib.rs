//! SQLite backend for podstate. Empty for now: a later issue fills it (rusqlite, bundled SQLite).
