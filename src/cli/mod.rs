//! Command-line interface: every flag is defined here, once.

mod eval;
mod extract;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::io::{CsvTable, OutputFormat};
use crate::offsets::OffsetUnit;

#[derive(Debug, Parser)]
#[command(
    name = "quotex",
    version,
    about = "Turn dumps of news articles into quote datasets: sentences, quotes, speakers and named entities.",
    after_help = "Exit codes: 0 all records processed; 2 some records failed (see the error records); 1 fatal error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Annotate articles and write one record per article.
    Extract(ExtractArgs),
    /// Measure accuracy against a gold file.
    #[command(subcommand)]
    Eval(EvalCommand),
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Files or directories (searched recursively) to read; `-` or nothing reads stdin.
    /// Formats by extension: .txt (one article per file), .jsonl/.ndjson (one per line),
    /// .json (array of articles), .csv (header row); .gz and .zst are decompressed.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Write output here instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Jsonl)]
    pub format: OutputFormat,

    /// Which table --format csv writes.
    #[arg(long, value_enum, default_value_t = CsvTable::Quotes)]
    pub table: CsvTable,

    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,

    /// Input field (JSON key or CSV column) holding the article id.
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_field: String,

    /// Input field holding the article text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub text_field: String,

    /// Input field holding the article title.
    #[arg(long, default_value = "title", value_name = "NAME")]
    pub title_field: String,

    /// Unit of output offsets: Unicode code points (as Python indexes text) or UTF-8 bytes.
    #[arg(long, value_enum, default_value_t = OffsetUnit::Chars)]
    pub offsets: OffsetUnit,

    /// Write error records (JSONL) to this file instead of the output stream.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,

    /// Never show the progress bar (it is shown only when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,

    /// Do not print the summary line at the end.
    #[arg(short, long)]
    pub quiet: bool,

    /// Entity layers, comma-separated: `model` (the embedded spaCy-compatible model),
    /// `gazetteer` (bundled lists and --entities files), `rules` (context rules and
    /// document-level consistency for SHOW and CHARACTER), `all`, or `none`.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "all",
        value_name = "LAYERS"
    )]
    pub ner_layers: Vec<NerLayer>,

    /// A gazetteer to add (repeatable): CSV with a `name,label[,aliases]` header (aliases
    /// separated by `|`) or JSONL `{"name","label","aliases":[...]}`. Its names win over the
    /// bundled lists and the model.
    #[arg(long = "entities", value_name = "FILE")]
    pub entity_files: Vec<PathBuf>,

    /// Leave out the gazetteers bundled in the binary (keep only --entities files).
    #[arg(long)]
    pub no_bundled_gazetteers: bool,

    /// Keep only entities with these labels in the output, comma-separated
    /// (e.g. PERSON,ORG,SHOW,CHARACTER).
    #[arg(long, value_delimiter = ',', value_name = "LABELS")]
    pub labels: Vec<String>,

    /// Articles per batch handed to the worker threads (memory grows with it).
    #[arg(long, default_value_t = 256, value_name = "N", hide_short_help = true)]
    pub batch_size: usize,

    /// Backend of the model layer: `spacy-sm` (embedded) or `bert` (a BERT token
    /// classifier directory given with --ner-model; built with the `bert` feature).
    #[cfg(feature = "bert")]
    #[arg(long, value_enum, default_value_t = NerBackend::SpacySm, value_name = "BACKEND")]
    pub ner_backend: NerBackend,

    /// Model directory for --ner-backend bert: config.json (with id2label), vocab.txt or
    /// tokenizer.json, model.safetensors or rust_model.ot.
    #[cfg(feature = "bert")]
    #[arg(long, value_name = "DIR")]
    pub ner_model: Option<PathBuf>,
}

/// The implementation of the model layer (feature `bert`).
#[cfg(feature = "bert")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NerBackend {
    /// The embedded spaCy-compatible model.
    SpacySm,
    /// A BERT token classifier from --ner-model DIR (rust-bert, libtorch).
    Bert,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NerLayer {
    /// Every layer (the default).
    All,
    /// The statistical model (spaCy en_core_web_sm 3.8.0 parity).
    Model,
    /// Bundled and user gazetteers.
    Gazetteer,
    /// Context rules and document-level consistency.
    Rules,
    /// No entities.
    None,
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Score sentence segmentation against gold `{"id","text","sentences":[...]}` lines.
    Sentences(EvalSentencesArgs),
    /// Score quotes and speakers against gold in the PolNeAR JSONL format.
    Quotes(EvalQuotesArgs),
}

#[derive(Debug, Args)]
pub struct EvalQuotesArgs {
    /// Gold JSONL file (`{"id","text","quotes":[{"start","end","parts","speaker_start",
    /// "speaker_end","type"}]}` per line, code-point offsets).
    #[arg(long, value_name = "FILE")]
    pub gold: PathBuf,

    /// Also write our quotes in the scorer's format (for ../shared/tools/score_quotes.py).
    #[arg(long, value_name = "FILE")]
    pub predictions: Option<PathBuf>,

    /// Print the scores as one JSON object.
    #[arg(long)]
    pub json: bool,

    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
}

#[derive(Debug, Args)]
pub struct EvalSentencesArgs {
    /// Gold JSONL file.
    #[arg(long, value_name = "FILE")]
    pub gold: PathBuf,

    /// Also write our sentences in the gold format (for ../shared/tools/score_sbd.py).
    #[arg(long, value_name = "FILE")]
    pub predictions: Option<PathBuf>,

    /// Print the scores as one JSON object.
    #[arg(long)]
    pub json: bool,

    /// Print up to N documents whose segmentation differs from gold.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub show_mismatches: usize,
}

/// Parses the arguments and runs the command; the exit code follows the documented contract.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            use clap::error::ErrorKind;
            if matches!(
                err.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = err.print();
                return if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // One line: clap's first line names the problem; --help has the rest.
            let rendered = err.to_string();
            let first = rendered
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid arguments");
            let first = first.trim_start_matches("error: ");
            eprintln!("quotex: error: {first} (see 'quotex --help')");
            return ExitCode::from(1);
        }
    };
    let result = match cli.command {
        Command::Extract(args) => extract::run(args),
        Command::Eval(EvalCommand::Sentences(args)) => eval::sentences(args),
        Command::Eval(EvalCommand::Quotes(args)) => eval::quotes(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("quotex: error: {err:#}");
            ExitCode::from(1)
        }
    }
}
