//! Writes a synthetic BERT token classifier directory (feature `bert`):
//! `cargo run --release --features bert --example make_tiny_bert -- DIR [tiny|base]`.
//! `tiny` has hand-set weights with a known output (the tests' model); `base` has
//! BERT-base's shape with seeded random weights (for speed figures). Deterministic.

use std::path::PathBuf;
use std::process::ExitCode;

use quotex::ner::bert::tiny::{write_model, ModelSize};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: make_tiny_bert DIR [tiny|base]");
        return ExitCode::from(1);
    };
    let size = match args.next().as_deref() {
        None | Some("tiny") => ModelSize::Tiny,
        Some("base") => ModelSize::Base,
        Some(other) => {
            eprintln!("make_tiny_bert: unknown size {other:?} (tiny or base)");
            return ExitCode::from(1);
        }
    };
    match write_model(&dir, size) {
        Ok(()) => {
            eprintln!("make_tiny_bert: wrote {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("make_tiny_bert: {e}");
            ExitCode::from(1)
        }
    }
}
