//! The fast PageRank on graphs large enough for its segmented pull (sources cut into
//! ranges of 2^16 vertices) and its mirror exchange (each worker receives only the values
//! of the remote sources of its in-edges): ranks equal a sequential power iteration, and
//! are the same bits for every parallelism. The networkx fixtures (`graphs.rs`) are small:
//! one segment.

use eddy::core::{Result, Worker};
use eddy::gelly::Graph;
use eddy::gelly::algorithms::{PageRank, pagerank};
use eddy::runtime::LocalRuntime;

/// A skewed random multigraph: ids up to `ids` (sparse, so that the dense numbering and
/// the key order differ), low ids are hubs; duplicates, self-loops and dangling vertices.
fn skewed(ids: u64, m: usize) -> Vec<(u64, u64, ())> {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..m)
        .map(|_| {
            let (a, b) = (next() % ids, next() % ids);
            // Sources are skewed towards small ids (out-hubs), targets towards large ones.
            let src = a.min(b) * 3 + 1;
            let dst = (next() % ids).max(next() % ids) * 3 + 1;
            (src, dst, ())
        })
        .collect()
}

/// networkx's PageRank by plain power iteration: `(key, rank)` in key order.
fn reference(edges: &[(u64, u64, ())], damping: f64, iterations: u32) -> Vec<(u64, f64)> {
    let mut keys: Vec<u64> = edges.iter().flat_map(|e| [e.0, e.1]).collect();
    keys.sort_unstable();
    keys.dedup();
    let index = |k: u64| keys.binary_search(&k).unwrap();
    let n = keys.len();
    let mut out = vec![0u32; n];
    let dense: Vec<(usize, usize)> = edges.iter().map(|e| (index(e.0), index(e.1))).collect();
    for &(s, _) in &dense {
        out[s] += 1;
    }
    let nf = n as f64;
    let mut rank = vec![1.0 / nf; n];
    for _ in 0..iterations {
        let dangling: f64 = (0..n).filter(|&v| out[v] == 0).map(|v| rank[v]).sum();
        let mut next = vec![(1.0 - damping) / nf + damping * dangling / nf; n];
        for &(s, d) in &dense {
            next[d] += damping * rank[s] / f64::from(out[s]);
        }
        rank = next;
    }
    keys.into_iter().zip(rank).collect()
}

fn ranks(p: usize, edges: &[(u64, u64, ())], params: &PageRank) -> (Vec<(u64, f64)>, u32) {
    let parts = LocalRuntime::with_parallelism(p)
        .unwrap()
        .execute(|w: &Worker| -> Result<(Vec<(u64, f64)>, u32)> {
            let g = Graph::from_edges(w, w.from_slice(edges).collect_partition())?;
            let (r, summary) = pagerank(&g, params)?;
            assert!(summary.converged);
            let pairs = g.local_keys().iter().copied().zip(r.local_values().iter().copied()).collect();
            Ok((pairs, summary.supersteps))
        })
        .unwrap();
    let supersteps = parts[0].1;
    assert!(parts.iter().all(|part| part.1 == supersteps), "every worker ran as many supersteps");
    (parts.into_iter().flat_map(|part| part.0).collect(), supersteps)
}

#[test]
fn segmented_pull_with_mirrors_is_the_power_iteration_for_every_parallelism() {
    // About 200 000 vertices: four segments, a cut between every pair of workers.
    let edges = skewed(200_000, 600_000);
    let want = reference(&edges, 0.85, 20);
    assert!(want.len() > 3 << 16, "{} vertices: several segments", want.len());
    let mut first: Option<Vec<(u64, f64)>> = None;
    for p in [1, 2, 3] {
        let (got, supersteps) = ranks(p, &edges, &PageRank::iterations(20));
        assert_eq!(supersteps, 20);
        assert_eq!(got.len(), want.len(), "P = {p}: vertex count");
        for ((k, v), (wk, wv)) in got.iter().zip(&want) {
            assert_eq!(k, wk, "P = {p}: vertices in key order");
            // Ranks are about 5e-6; summation order alone moves them by ~1e-21.
            assert!((v - wv).abs() <= 1e-15, "P = {p}: vertex {k}: {v} vs reference {wv}");
        }
        let total: f64 = got.iter().map(|(_, v)| v).sum();
        assert!((total - 1.0).abs() < 1e-12, "P = {p}: ranks sum to {total}");
        match &first {
            None => first = Some(got),
            Some(one) => assert!(
                one.iter().zip(&got).all(|(a, b)| a.0 == b.0 && a.1.to_bits() == b.1.to_bits()),
                "P = {p}: ranks differ from P = 1 in their bits"
            ),
        }
    }
}

#[test]
fn tolerance_mode_stops_at_the_same_iteration_with_the_same_bits_for_every_parallelism() {
    let edges = skewed(120_000, 300_000);
    let params = PageRank::tolerance(1e-10);
    let (one, supersteps) = ranks(1, &edges, &params);
    let want = reference(&edges, 0.85, supersteps);
    for ((_, v), (_, wv)) in one.iter().zip(&want) {
        assert!((v - wv).abs() <= 1e-15);
    }
    for p in [2, 3] {
        let (got, steps) = ranks(p, &edges, &params);
        assert_eq!(steps, supersteps, "P = {p}");
        assert!(one.iter().zip(&got).all(|(a, b)| a.1.to_bits() == b.1.to_bits()), "P = {p}");
    }
}
