//! `podstate.h` is generated from the crate's source by cbindgen and checked in: this test
//! generates it again and fails when the checked-in file differs. `cargo xtask header` (or
//! `PODSTATE_BLESS=1` on this test) writes the fresh header instead.

use std::path::Path;

#[test]
fn the_checked_in_header_is_what_cbindgen_generates() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_crate(dir)
        .with_config(config)
        .generate()
        .expect("cbindgen reads the crate");
    let mut fresh = Vec::new();
    bindings.write(&mut fresh);
    let path = dir.join("podstate.h");
    if std::env::var_os("PODSTATE_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write podstate.h");
        return;
    }
    let checked_in = std::fs::read(&path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "capi/podstate.h is stale: run `cargo xtask header` and commit it"
    );
}
