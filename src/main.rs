use std::process::ExitCode;

fn main() -> ExitCode {
    seaworthy::cli::run()
}
