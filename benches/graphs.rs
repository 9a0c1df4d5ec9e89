//! Graph algorithm benchmarks on R-MAT graphs (Graph500 parameters, edge factor 16):
//! PageRank with 20 iterations, weakly connected components and BFS from vertex 0's
//! smallest-key neighbourhood, fast paths and generic models, at P = 2 (and P = 1).
//!
//! Algorithm time only: each sample runs one job that builds the graph (untimed) and then
//! runs the algorithm as many times as criterion asks, timed inside worker 0 between
//! barriers. `EDDY_BENCH_RMAT_SCALE` picks the scale (default 20); `cargo test --benches`
//! runs everything once at scale 10.
//!
//! The comparison with networkit / igraph on the same input is the CLI's job
//! (`eddy pagerank FILE --iterations 20 --json` vs the peer scripts), `benches/peers.py`; see
//! the README's performance section.

mod common;

use std::time::{Duration, Instant};

use common::bench_mode;
use criterion::{Criterion, SamplingMode};
use eddy::core::Worker;
use eddy::datasets::edgelist::EdgeList;
use eddy::datasets::generators::GeneratorSpec;
use eddy::gelly::Graph;
use eddy::gelly::algorithms::{
    PageRank, bfs, connected_components, pagerank, pagerank_vertex_centric, wcc_vertex_centric,
};
use eddy::runtime::LocalRuntime;

fn rmat() -> EdgeList {
    let scale = if bench_mode() {
        std::env::var("EDDY_BENCH_RMAT_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(20)
    } else {
        10
    };
    let spec: GeneratorSpec = format!("rmat:{scale}").parse().expect("spec");
    spec.generate()
}

/// Times `iters` runs of `algorithm` on a graph built once per sample.
fn timed(
    edges: &EdgeList,
    p: usize,
    iters: u64,
    algorithm: impl Fn(&Graph<'_, u64, (), ()>) -> eddy::gelly::Result<()> + Sync,
) -> Duration {
    let per_worker = LocalRuntime::with_parallelism(p)
        .expect("runtime")
        .execute(|w: &Worker| {
            let g = Graph::from_edge_list(w, edges)?;
            w.barrier()?;
            let start = Instant::now();
            for _ in 0..iters {
                algorithm(&g)?;
            }
            w.barrier()?;
            Ok(start.elapsed())
        })
        .expect("job");
    per_worker[0]
}

fn graphs(c: &mut Criterion) {
    let edges = rmat();
    let source = *edges.src.iter().min().expect("edges");
    let mut group = c.benchmark_group("rmat");
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    for p in [2, 1] {
        group.bench_function(format!("pagerank20_p{p}"), |b| {
            b.iter_custom(|iters| {
                timed(&edges, p, iters, |g| pagerank(g, &PageRank::iterations(20)).map(drop))
            })
        });
        group.bench_function(format!("wcc_p{p}"), |b| {
            b.iter_custom(|iters| timed(&edges, p, iters, |g| connected_components(g).map(drop)))
        });
        group.bench_function(format!("bfs_p{p}"), |b| {
            b.iter_custom(|iters| timed(&edges, p, iters, |g| bfs(g, &source).map(drop)))
        });
    }
    group.bench_function("pagerank20_vertex_centric_p2", |b| {
        b.iter_custom(|iters| {
            timed(&edges, 2, iters, |g| pagerank_vertex_centric(g, &PageRank::iterations(20)).map(drop))
        })
    });
    group.bench_function("wcc_vertex_centric_p2", |b| {
        b.iter_custom(|iters| timed(&edges, 2, iters, |g| wcc_vertex_centric(g, 10_000).map(drop)))
    });
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    graphs(&mut c);
    c.final_summary();
}
