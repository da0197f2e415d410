//! Command-line interface: every flag is defined here, once.

mod eval;
mod extract;

use std::path::PathBuf;
use std::process::ExitCode;

use std::io::Write;

use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::io::{CsvTable, OutputFormat};
use crate::offsets::OffsetUnit;

const EXAMPLES: &str = "\
Examples:
  quotex extract article.txt                       annotate one article (JSONL on stdout)
  quotex extract dump.jsonl.gz -o out.jsonl        a compressed dump into a file
  quotex extract dir/ --format csv --table quotes  every article under dir/, one row per quote
  zcat dump.jsonl.gz | quotex extract - -q         from stdin, no summary line
  quotex extract dump.jsonl -o out.jsonl --resume  continue a killed run
  quotex extract dump.jsonl --shard 0/4 -o part0.jsonl   one of 4 processes over one dump
  quotex completions bash > ~/.local/share/bash-completion/completions/quotex
  quotex man | man -l -

Exit codes: 0 all records processed; 2 some records failed (see the error records); 1 fatal error.";

const EXTRACT_EXAMPLES: &str = "\
Examples:
  quotex extract article.txt
  quotex extract dump.jsonl.gz -o out.jsonl --errors errors.jsonl
  quotex extract dir/ --format csv --table entities -o entities.csv
  quotex extract dump.jsonl --tokens -o out.jsonl        records with tokens, tags and parse
  quotex extract dump.jsonl --format conllu -o out.conllu   sentences as CoNLL-U
  quotex extract dump.jsonl -o out.jsonl --resume        continue after a crash or kill
  quotex extract dump.jsonl --shard 2/8 -o part2.jsonl   records 2, 10, 18, ... (0-based)

Exit codes: 0 all records processed; 2 some records failed (see the error records); 1 fatal error.";

#[derive(Debug, Parser)]
#[command(
    name = "quotex",
    version,
    about = "Turn dumps of news articles into quote datasets: sentences, quotes, speakers and named entities.",
    after_help = EXAMPLES
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Annotate articles and write one record per article.
    #[command(after_help = EXTRACT_EXAMPLES)]
    Extract(Box<ExtractArgs>),
    /// Measure accuracy against a gold file.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Print a shell completion script to stdout.
    #[command(
        after_help = "Examples:\n  quotex completions bash > ~/.local/share/bash-completion/completions/quotex\n  quotex completions zsh > ~/.zfunc/_quotex\n  quotex completions fish > ~/.config/fish/completions/quotex.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout; with a subcommand, that subcommand's page.
    #[command(
        after_help = "Examples:\n  quotex man | man -l -\n  quotex man extract > quotex-extract.1"
    )]
    Man {
        /// A subcommand (e.g. extract) whose page to print instead.
        #[arg(value_name = "SUBCOMMAND")]
        subcommand: Option<String>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct ExtractArgs {
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

    /// Which table --format csv or parquet writes (default: quotes); `speakers` (one row per
    /// speaker across the run, written at the end) also replaces the records of jsonl and
    /// json. Not with --format conllu.
    #[arg(long, value_enum, value_name = "TABLE")]
    pub table: Option<CsvTable>,

    /// Add each article's tokens to the jsonl/json records: `"tokens":[{"start","end",
    /// "tag","pos","lemma","dep","head"}]`, `head` indexing the article's token list (a root
    /// points to itself); whitespace tokens included. With --no-syntax, start and end only.
    #[arg(long)]
    pub tokens: bool,

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

    /// Skip tagging and parsing (no `syntax` layer): faster, and the quote stage falls back
    /// to its word-window rules.
    #[arg(long)]
    pub no_syntax: bool,

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

    /// An article longer than this (in characters) becomes an error record; it is never
    /// truncated.
    #[arg(long, default_value_t = crate::io::DEFAULT_MAX_ARTICLE_CHARS, value_name = "N")]
    pub max_article_chars: usize,

    /// Continue a killed run: keep the complete records already in --output (and
    /// --errors), check that they match the first input records, and append the rest.
    /// Needs --output and files as input; not with --format json or conllu.
    #[arg(long, requires = "output")]
    pub resume: bool,

    /// Process only the input records whose index (0-based, over all inputs in the order
    /// read) is K modulo N; the N shards together are the whole input.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::io::Shard>,

    /// The output is flushed at least every N records (and whenever the writer waits).
    #[arg(long, default_value_t = 256, value_name = "N", hide_short_help = true)]
    pub batch_size: usize,

    /// At most N records are read but not yet written (the reorder window; memory grows
    /// with it). A slow record holds back the output of at most N records.
    #[arg(long, default_value_t = 1024, value_name = "N", hide_short_help = true)]
    pub window: usize,

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
pub(crate) enum NerBackend {
    /// The embedded spaCy-compatible model.
    SpacySm,
    /// A BERT token classifier from --ner-model DIR (rust-bert, libtorch).
    Bert,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum NerLayer {
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
pub(crate) enum EvalCommand {
    /// Score sentence segmentation against gold `{"id","text","sentences":[...]}` lines.
    Sentences(EvalSentencesArgs),
    /// Score quotes and speakers against gold in the PolNeAR JSONL format.
    Quotes(EvalQuotesArgs),
    /// Score entities against gold in the WNUT-17 JSONL format (exact span + type).
    Entities(EvalEntitiesArgs),
}

#[derive(Debug, Args)]
pub(crate) struct EvalEntitiesArgs {
    /// Gold JSONL file (`{"id","text","entities":[{"start","end","label"}]}` per line,
    /// code-point offsets, WNUT-17 types).
    #[arg(long, value_name = "FILE")]
    pub gold: PathBuf,

    /// Also write our entities, mapped to the gold types, in the gold format.
    #[arg(long, value_name = "FILE")]
    pub predictions: Option<PathBuf>,

    /// Print the scores as one JSON object.
    #[arg(long)]
    pub json: bool,

    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,

    /// Entity layers, as for `extract`.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "all",
        value_name = "LAYERS"
    )]
    pub ner_layers: Vec<NerLayer>,

    /// Skip tagging and parsing (no `syntax` layer): faster, and the quote stage falls back
    /// to its word-window rules.
    #[arg(long)]
    pub no_syntax: bool,

    /// Leave out the gazetteers bundled in the binary.
    #[arg(long)]
    pub no_bundled_gazetteers: bool,

    /// Print the records with errors of this gold type (e.g. creative-work).
    #[arg(long, value_name = "TYPE")]
    pub show_errors: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct EvalQuotesArgs {
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

    /// Skip tagging and parsing (no `syntax` layer): faster, and the quote stage falls back
    /// to its word-window rules.
    #[arg(long)]
    pub no_syntax: bool,
}

#[derive(Debug, Args)]
pub(crate) struct EvalSentencesArgs {
    /// Gold JSONL file.
    #[arg(long, value_name = "FILE")]
    pub gold: PathBuf,

    /// Also write our sentences in the gold format (for ../shared/tools/score_sbd.py).
    #[arg(long, value_name = "FILE")]
    pub predictions: Option<PathBuf>,

    /// Rule sentences only (no tagging and parsing), as `extract --no-syntax` gives them.
    #[arg(long)]
    pub no_syntax: bool,

    /// Print the scores as one JSON object.
    #[arg(long)]
    pub json: bool,

    /// Print up to N documents whose segmentation differs from gold.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub show_mismatches: usize,
}

fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut Cli::command(), "quotex", &mut out);
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn man(subcommand: Option<&str>) -> anyhow::Result<ExitCode> {
    let mut command = Cli::command();
    command.build();
    let page = match subcommand {
        None => command,
        Some(name) => {
            let Some(sub) = command.find_subcommand(name) else {
                let names: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
                anyhow::bail!("no subcommand '{name}' (one of: {})", names.join(", "));
            };
            // The page is named after the full command, as `man quotex-extract` expects.
            // (Leaked: clap names are &'static str, and this runs once before exiting.)
            let full: &'static str = Box::leak(format!("quotex-{name}").into_boxed_str());
            sub.clone().name(full)
        }
    };
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(page).render(&mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
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
            let mut lines = rendered.lines().filter(|l| !l.trim().is_empty());
            let mut first = lines
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ")
                .to_string();
            // "the following required arguments were not provided:" names them below.
            if first.ends_with(':') {
                if let Some(next) = lines.next() {
                    first = format!("{first} {}", next.trim());
                }
            }
            eprintln!("quotex: error: {first} (see 'quotex --help')");
            return ExitCode::from(1);
        }
    };
    let result = match cli.command {
        Command::Extract(args) => extract::run(*args),
        Command::Eval(EvalCommand::Sentences(args)) => eval::sentences(args),
        Command::Eval(EvalCommand::Quotes(args)) => eval::quotes(args),
        Command::Eval(EvalCommand::Entities(args)) => eval::entities(args),
        Command::Completions { shell } => completions(shell),
        Command::Man { subcommand } => man(subcommand.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("quotex: error: {err:#}");
            ExitCode::from(1)
        }
    }
}
