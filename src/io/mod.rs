//! Reading article dumps and writing annotated records.

pub mod conllu;
pub mod input;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod records;
pub mod resume;
pub mod stream;
pub mod tables;
pub mod writers;

pub use input::{expand_inputs, InputFormat, InputSource};
pub use records::{read_selected, read_sources, FieldNames, InputRecord, RecordError, Shard};
pub use resume::{ResumeError, ResumePoint};
pub use stream::{run_stream, StreamOptions, Summary, DEFAULT_MAX_ARTICLE_CHARS};
pub use writers::{CsvTable, OutputFormat, Renderer, Sink};
