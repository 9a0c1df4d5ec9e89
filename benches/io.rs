//! Reader throughput: parsing an in-memory edge list of 4 M `src dst` lines (≈ 60 MB,
//! RMAT-like ids) on one core, reported as bytes per second. Issue 3's bar: ≥ 300 MB/s.
//!
//! Run with `cargo bench --workspace --bench io`.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use eddy::datasets::edgelist::parse_edge_list;

fn edge_list_text(lines: u64, weighted: bool) -> Vec<u8> {
    let mut text = String::with_capacity(lines as usize * 20);
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for i in 0..lines {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let (src, dst) = (x % 1_048_576, (x >> 20) % 1_048_576);
        if weighted {
            text.push_str(&format!("{src}\t{dst}\t{}\n", (i % 1000) as f64 / 7.0));
        } else {
            text.push_str(&format!("{src}\t{dst}\n"));
        }
    }
    text.into_bytes()
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let lines = if std::env::args().any(|a| a == "--bench") { 4_000_000 } else { 4_000 };
    let mut group = c.benchmark_group("edge_list_parse");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    for weighted in [false, true] {
        let text = edge_list_text(lines, weighted);
        group.throughput(Throughput::Bytes(text.len() as u64));
        let name = if weighted { "weighted" } else { "unweighted" };
        group.bench_function(name, |b| {
            b.iter(|| parse_edge_list(black_box(&text), Path::new("bench.txt")).expect("valid input").len())
        });
    }
    group.finish();
    c.final_summary();
}
