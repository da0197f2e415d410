//! Reading article dumps and writing annotated records.

pub mod input;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod records;
pub mod stream;
pub mod tables;
pub mod writers;

pub use input::{expand_inputs, InputFormat, InputSource};
pub use records::{read_sources, FieldNames, InputRecord, RecordError};
pub use stream::{run_stream, StreamOptions, Summary};
pub use writers::{CsvTable, OutputFormat, Renderer, Sink};
