//! Developer chores for paybind: `cargo xtask <command>`.
fn main() {
    eprintln!("usage: cargo xtask <command>  (no commands yet)");
    std::process::exit(2);
}
