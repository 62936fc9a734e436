//! The `fission` command: parse arguments, run, print the error chain, exit.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = fission::cli::Cli::parse();
    match fission::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(fission::cli::exit_code(&e))
        }
    }
}
