//! `--format parquet`: every table read back with the parquet crate equals the CSV table.
#![cfg(feature = "parquet")]

mod common;

use std::fs::File;
use std::path::Path;

use arrow_array::{Array, ArrayRef, Float32Array, Int64Array, ListArray, RecordBatch, StringArray};
use arrow_schema::DataType;
use common::{csv_rows, extract, fixture, harbor, run};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

fn read_parquet(path: &Path) -> Vec<RecordBatch> {
    let file = File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    reader.map(Result::unwrap).collect()
}

/// A cell as the CSV writer shows it: null is empty, lists are joined with `|`.
fn cell(array: &ArrayRef, row: usize) -> String {
    if array.is_null(row) {
        return String::new();
    }
    match array.data_type() {
        DataType::Utf8 => array
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap()
            .value(row)
            .to_string(),
        DataType::Int64 => array
            .as_any()
            .downcast_ref::<Int64Array>()
            .unwrap()
            .value(row)
            .to_string(),
        DataType::Float32 => array
            .as_any()
            .downcast_ref::<Float32Array>()
            .unwrap()
            .value(row)
            .to_string(),
        DataType::List(_) => {
            let list = array
                .as_any()
                .downcast_ref::<ListArray>()
                .unwrap()
                .value(row);
            (0..list.len())
                .map(|i| cell(&list, i))
                .collect::<Vec<_>>()
                .join("|")
        }
        other => panic!("unexpected column type {other}"),
    }
}

fn parquet_rows(batches: &[RecordBatch]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for b in batches {
        for r in 0..b.num_rows() {
            rows.push(b.columns().iter().map(|c| cell(c, r)).collect());
        }
    }
    rows
}

/// Floats compare by value (the CSV writer prints 1.0 where Rust prints 1).
fn same_cell(a: &str, b: &str) -> bool {
    a == b
        || matches!((a.parse::<f32>(), b.parse::<f32>()), (Ok(x), Ok(y)) if x == y && a.contains('.') != b.contains('.'))
}

#[test]
fn parquet_tables_read_back_equal_to_the_csv_tables() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = [fixture(), harbor()];
    for table in ["quotes", "entities", "sentences", "speakers", "tokens"] {
        let path = dir.path().join(format!("{table}.parquet"));
        let path_str = path.display().to_string();
        let mut args: Vec<&str> = inputs.iter().map(String::as_str).collect();
        args.extend(["--table", table, "--format", "parquet", "-o", &path_str]);
        assert!(extract(&args).is_empty(), "nothing on stdout");
        let mut args: Vec<&str> = inputs.iter().map(String::as_str).collect();
        args.extend(["--table", table, "--format", "csv"]);
        let (header, csv) = csv_rows(&extract(&args));

        let batches = read_parquet(&path);
        let schema = batches[0].schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, header, "{table}: Parquet columns = CSV header");
        let rows = parquet_rows(&batches);
        assert!(rows.len() >= 5, "{table}: {} rows", rows.len());
        assert_eq!(rows.len(), csv.len(), "{table}");
        for (p, c) in rows.iter().zip(&csv) {
            assert!(
                p.iter().zip(c).all(|(a, b)| same_cell(a, b)),
                "{table}:\n{p:?}\n{c:?}"
            );
        }

        // Typed columns: integers, floats, nullable exactly where a value can be missing.
        let field = |name: &str| schema.field_with_name(name).unwrap().clone();
        match table {
            "quotes" => {
                assert_eq!(field("start").data_type(), &DataType::Int64);
                assert!(!field("start").is_nullable());
                assert_eq!(field("confidence").data_type(), &DataType::Float32);
                assert!(field("speaker").is_nullable());
                assert!(field("sentence_index").is_nullable());
                assert!(!field("quote_id").is_nullable());
            }
            "speakers" => {
                assert!(
                    matches!(field("roles").data_type(), DataType::List(f) if f.data_type() == &DataType::Utf8)
                );
                assert_eq!(field("quotes").data_type(), &DataType::Int64);
            }
            "tokens" => {
                assert_eq!(field("head").data_type(), &DataType::Int64);
                assert!(field("head").is_nullable(), "null without syntax");
                assert!(!field("token_index").is_nullable());
                assert!(field("pos").is_nullable());
            }
            _ => assert_eq!(field("end").data_type(), &DataType::Int64),
        }
    }
}

#[test]
fn parquet_refuses_stdout() {
    let out = run(
        &["extract", "--format", "parquet"],
        b"{\"id\":1,\"text\":\"Hi.\"}\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("-o FILE"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn parquet_keeps_error_records_out_of_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.parquet");
    let out = run(
        &[
            "extract",
            "--format",
            "parquet",
            "-o",
            path.to_str().unwrap(),
        ],
        b"{\"id\":\"a\",\"text\":\"\\\"It works,\\\" Ann Lee said.\"}\n{\"id\":2}\n",
    );
    assert_eq!(out.status.code(), Some(2), "one bad record");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing text field"), "{err}");
    let rows = parquet_rows(&read_parquet(&path));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "a");
}
