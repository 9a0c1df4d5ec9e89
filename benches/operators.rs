//! Operator benchmarks against single-threaded baselines (COST, McSherry et al. 2015).
//!
//! - `reduce_by_key`: 10 M `(u64 key, u64 value)` records over 1 M distinct keys, summed per
//!   key: `reduce_by_key` and `combine_by_key` at P = 1 and P = 2 vs an `FxHashMap` loop.
//! - `join`: 10 M × 1 M records, every large-side record matching one small-side record:
//!   `join` (repartition) and `JoinHint::BroadcastRight` vs a single-threaded hash join.
//!
//! Every variant generates its records itself (`worker.generate` for Eddy, the same
//! key function in a loop for the baselines) and folds the output into a checksum, which
//! is checked once against the baseline before timing.
//!
//! Run with `cargo bench --bench operators`; `cargo test --benches` runs each once on
//! 1/1000 of the data.

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{bench_mode, mix64, record_key, scaled};
use criterion::Criterion;
use eddy::core::JoinHint;
use eddy::runtime::LocalRuntime;
use rustc_hash::FxHashMap;

/// (records, sum of values): identical for every correct variant.
type Checksum = (u64, u64);

fn fold_checksum(acc: Checksum, value: u64) -> Checksum {
    (acc.0 + 1, acc.1.wrapping_add(value))
}

fn merge_checksum(a: Checksum, b: Checksum) -> Checksum {
    (a.0 + b.0, a.1.wrapping_add(b.1))
}

// ---- reduce by key -------------------------------------------------------------------

/// Per-key sums with one `FxHashMap`, single-threaded; checksum over (key, sum) pairs.
fn baseline_reduce(records: u64, keys: u64) -> Checksum {
    let mut sums: FxHashMap<u64, u64> = FxHashMap::default();
    for i in 0..records {
        *sums.entry(record_key(i, keys)).or_insert(0) += i;
    }
    sums.iter().fold((0, 0), |acc, (k, v)| fold_checksum(acc, k ^ v))
}

#[derive(Clone, Copy)]
enum Reduce {
    ReduceByKey,
    CombineByKey,
}

fn eddy_reduce(runtime: &LocalRuntime, records: u64, keys: u64, variant: Reduce) -> Checksum {
    let results = runtime
        .execute(|worker| {
            let input = worker.generate(records, move |i| (record_key(i, keys), i));
            let sums = match variant {
                Reduce::ReduceByKey => input.reduce_by_key(|r| r.0, |a, b| (a.0, a.1 + b.1))?,
                Reduce::CombineByKey => input.combine_by_key(|r| r.0, |acc, r| acc.1 += r.1)?,
            };
            sums.aggregate((0, 0), |acc, (k, v)| fold_checksum(acc, k ^ v), merge_checksum)
        })
        .expect("reduce job");
    results[0]
}

// ---- join ----------------------------------------------------------------------------

/// Build on the small side (unique keys), stream the large side through it.
fn baseline_join(records: u64, keys: u64) -> Checksum {
    let mut table: FxHashMap<u64, u64> = FxHashMap::default();
    for j in 0..keys {
        table.insert(mix64(j), j);
    }
    let mut acc = (0, 0);
    for i in 0..records {
        if let Some(&r) = table.get(&record_key(i, keys)) {
            acc = fold_checksum(acc, i ^ r);
        }
    }
    acc
}

fn eddy_join(runtime: &LocalRuntime, records: u64, keys: u64, hint: JoinHint) -> Checksum {
    let results = runtime
        .execute(|worker| {
            let large = worker.generate(records, move |i| (record_key(i, keys), i));
            let small = worker.generate(keys, |j| (mix64(j), j));
            large.join_with_hint(small, |l| l.0, |r| r.0, hint)?.aggregate(
                (0, 0),
                |acc, (l, r)| fold_checksum(acc, l.1 ^ r.1),
                merge_checksum,
            )
        })
        .expect("join job");
    results[0]
}

// ---- driver --------------------------------------------------------------------------

fn runtime(parallelism: usize) -> LocalRuntime {
    LocalRuntime::with_parallelism(parallelism).expect("runtime")
}

fn bench_reduce(c: &mut Criterion, records: u64, keys: u64) {
    let expected = baseline_reduce(records, keys);
    assert_eq!(expected.0, keys);
    for p in [1, 2] {
        for variant in [Reduce::ReduceByKey, Reduce::CombineByKey] {
            assert_eq!(eddy_reduce(&runtime(p), records, keys, variant), expected, "P = {p}");
        }
    }
    let mut group = c.benchmark_group("reduce_by_key_10M_1Mkeys");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(10));
    group.bench_function("baseline_fxhashmap_1thread", |b| {
        b.iter(|| baseline_reduce(black_box(records), black_box(keys)))
    });
    for p in [1, 2] {
        let rt = runtime(p);
        group.bench_function(format!("eddy_reduce_by_key_p{p}"), |b| {
            b.iter(|| eddy_reduce(&rt, black_box(records), black_box(keys), Reduce::ReduceByKey))
        });
        group.bench_function(format!("eddy_combine_by_key_p{p}"), |b| {
            b.iter(|| eddy_reduce(&rt, black_box(records), black_box(keys), Reduce::CombineByKey))
        });
    }
    group.finish();
}

fn bench_join(c: &mut Criterion, records: u64, keys: u64) {
    let expected = baseline_join(records, keys);
    assert_eq!(expected.0, records);
    for (p, hint) in [(1, JoinHint::Auto), (2, JoinHint::Auto), (2, JoinHint::BroadcastRight)] {
        assert_eq!(eddy_join(&runtime(p), records, keys, hint), expected, "P = {p}, {hint:?}");
    }
    let mut group = c.benchmark_group("join_10M_x_1M");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(15));
    group.bench_function("baseline_hash_join_1thread", |b| {
        b.iter(|| baseline_join(black_box(records), black_box(keys)))
    });
    for (p, hint, name) in [
        (1, JoinHint::Auto, "eddy_join_p1"),
        (2, JoinHint::Auto, "eddy_join_p2"),
        (2, JoinHint::BroadcastRight, "eddy_join_broadcast_small_p2"),
    ] {
        let rt = runtime(p);
        group.bench_function(name, |b| b.iter(|| eddy_join(&rt, black_box(records), black_box(keys), hint)));
    }
    group.finish();
}

fn main() {
    let records = scaled(10_000_000);
    let keys = scaled(1_000_000);
    if bench_mode() {
        eprintln!("operators: {records} records, {keys} distinct keys");
    }
    let mut c = Criterion::default().configure_from_args();
    bench_reduce(&mut c, records, keys);
    bench_join(&mut c, records, keys);
    c.final_summary();
}
