//! The child processes of the reliability tests (`cargo xtask` starts itself instead).

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    podstate_reliability::child_main(&args)
}
