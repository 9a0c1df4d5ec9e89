//! Graph algorithms against networkx: the expected files in tests/data/graphs were written
//! by scripts/oracle/graph_expected.py (networkx 3.6). Every algorithm, in every model, for
//! P ∈ {1, 2, 4}.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use eddy::core::Result;
use eddy::datasets::edgelist::{EdgeList, read_edge_list};
use eddy::gelly::Graph;
use eddy::gelly::algorithms::{Model, PageRank, bfs_in, components_in, pagerank, pagerank_in, sssp_in};
use eddy::runtime::LocalRuntime;

pub(super) fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/graphs")
}

pub(super) struct Case {
    pub(super) name: String,
    pub(super) vertices: usize,
    pub(super) edges: usize,
    pub(super) source: u64,
}

pub(super) fn manifest() -> Vec<Case> {
    let text = std::fs::read_to_string(data_dir().join("manifest.tsv")).expect("manifest");
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            Case {
                name: f[0].to_string(),
                vertices: f[1].parse().unwrap(),
                edges: f[2].parse().unwrap(),
                source: f[3].parse().unwrap(),
            }
        })
        .collect()
}

pub(super) fn expected(name: &str, what: &str) -> BTreeMap<u64, f64> {
    let path = data_dir().join(format!("{name}.{what}.tsv"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|l| {
            let (k, v) = l.split_once('\t').unwrap();
            (k.parse().unwrap(), v.parse().unwrap())
        })
        .collect()
}

/// All algorithms' results on one graph, gathered from the workers in key order; one
/// entry per model, in [`Model::ALL`] order.
#[derive(Default)]
struct Results {
    pagerank: Vec<Vec<(u64, f64)>>,
    wcc: Vec<Vec<(u64, u64)>>,
    sssp: Vec<Vec<(u64, f64)>>,
    bfs: Vec<Vec<(u64, f64)>>,
    edges: u64,
}

fn pairs<V: Clone>(keys: &[u64], values: &[V]) -> Vec<(u64, V)> {
    keys.iter().copied().zip(values.iter().cloned()).collect()
}

fn run_all(edges: &EdgeList, source: u64, p: usize) -> Results {
    let per_worker = LocalRuntime::with_parallelism(p)
        .unwrap()
        .execute(|w| -> Result<Results> {
            let g = Graph::from_weighted_edge_list(w, edges)?;
            let tol = PageRank::tolerance(1e-13);
            let keys = g.local_keys();
            let mut r = Results { edges: g.number_of_edges()?, ..Results::default() };
            for model in Model::ALL {
                let (ranks, summary) = pagerank_in(model, &g, &tol)?;
                assert!(summary.converged, "{model}");
                r.pagerank.push(pairs(keys, ranks.local_values()));
                r.wcc.push(pairs(keys, components_in(model, &g)?.0.local_values()));
                r.sssp.push(pairs(keys, sssp_in(model, &g, &source)?.0.local_values()));
                r.bfs.push(pairs(keys, bfs_in(model, &g, &source)?.0.local_values()));
            }
            Ok(r)
        })
        .unwrap();
    let models = Model::ALL.len();
    let mut all = Results {
        edges: per_worker[0].edges,
        pagerank: vec![Vec::new(); models],
        wcc: vec![Vec::new(); models],
        sssp: vec![Vec::new(); models],
        bfs: vec![Vec::new(); models],
    };
    for r in per_worker {
        for (a, b) in all.pagerank.iter_mut().zip(r.pagerank) {
            a.extend(b);
        }
        for (a, b) in all.wcc.iter_mut().zip(r.wcc) {
            a.extend(b);
        }
        for (a, b) in all.sssp.iter_mut().zip(r.sssp) {
            a.extend(b);
        }
        for (a, b) in all.bfs.iter_mut().zip(r.bfs) {
            a.extend(b);
        }
    }
    all
}

fn assert_close(what: &str, got: &[(u64, f64)], want: &BTreeMap<u64, f64>, tolerance: f64) {
    assert_eq!(got.len(), want.len(), "{what}: vertex count");
    for ((k, v), (wk, wv)) in got.iter().zip(want) {
        assert_eq!(k, wk, "{what}: vertices in key order");
        let ok = if wv.is_infinite() { v == wv } else { (v - wv).abs() <= tolerance };
        assert!(ok, "{what}: vertex {k}: got {v}, networkx {wv}");
    }
}

#[test]
fn algorithms_match_networkx_for_every_model_and_parallelism() {
    let cases = manifest();
    assert!(cases.len() >= 8);
    for case in cases {
        let edges = read_edge_list(&data_dir().join(format!("{}.txt", case.name))).unwrap();
        assert_eq!(edges.len(), case.edges);
        let pr = expected(&case.name, "pagerank");
        let wcc = expected(&case.name, "wcc");
        let dist = expected(&case.name, "sssp");
        let hops = expected(&case.name, "bfs");
        let mut reference: Option<Results> = None;
        for p in [1, 2, 4] {
            let what = |alg: &str| format!("{} {alg} P={p}", case.name);
            let r = run_all(&edges, case.source, p);
            assert_eq!(r.pagerank[0].len(), case.vertices);
            assert_eq!(r.edges, case.edges as u64);
            let fast: BTreeMap<u64, f64> = r.pagerank[0].iter().copied().collect();
            for (i, model) in Model::ALL.into_iter().enumerate() {
                assert_close(&what(&format!("pagerank {model}")), &r.pagerank[i], &pr, 1e-10);
                // Every model is the fast path up to summation order.
                assert_close(&what(&format!("pagerank {model} vs fast")), &r.pagerank[i], &fast, 1e-12);
                let labels: Vec<(u64, f64)> = r.wcc[i].iter().map(|(k, l)| (*k, *l as f64)).collect();
                assert_close(&what(&format!("wcc {model}")), &labels, &wcc, 0.0);
                assert_close(&what(&format!("sssp {model}")), &r.sssp[i], &dist, 0.0);
                assert_close(&what(&format!("bfs {model}")), &r.bfs[i], &hops, 0.0);
                assert_eq!(r.sssp[i], r.sssp[0], "{}: distances equal the fast path's", what("sssp"));
            }
            let total: f64 = r.pagerank[0].iter().map(|(_, v)| v).sum();
            assert!((total - 1.0).abs() < 1e-12, "{}: ranks sum to {total}", what("pagerank"));
            // Results do not depend on P, bit for bit, for the fast paths.
            if let Some(first) = &reference {
                assert_eq!(first.pagerank[0], r.pagerank[0], "{}", what("pagerank vs P=1"));
                assert_eq!(first.sssp[0], r.sssp[0], "{}", what("sssp vs P=1"));
            } else {
                reference = Some(r);
            }
        }
    }
}

#[test]
fn pagerank_fixed_iterations_runs_exactly_that_many_power_iterations() {
    // A 3-cycle plus a dangling vertex: rank after k iterations computed by hand-rolled
    // dense power iteration.
    let edges = EdgeList { src: vec![0, 1, 2, 2], dst: vec![1, 2, 0, 3], weights: None };
    let n = 4.0;
    let mut x = [0.25f64; 4];
    for _ in 0..5 {
        let dangling = x[3];
        let mut next = [(1.0 - 0.85) / n + 0.85 * dangling / n; 4];
        next[1] += 0.85 * x[0];
        next[2] += 0.85 * x[1];
        next[0] += 0.85 * x[2] / 2.0;
        next[3] += 0.85 * x[2] / 2.0;
        x = next;
    }
    for p in [1, 2] {
        let got = LocalRuntime::with_parallelism(p)
            .unwrap()
            .execute(|w| -> Result<(Vec<f64>, u32)> {
                let g = Graph::from_edge_list(w, &edges)?;
                let (r, stats) = pagerank(&g, &PageRank::iterations(5))?;
                for model in Model::ALL {
                    let (r_model, stats_model) = pagerank_in(model, &g, &PageRank::iterations(5))?;
                    assert_eq!(stats_model.supersteps, 5, "{model}");
                    for (a, b) in r.local_values().iter().zip(r_model.local_values()) {
                        assert!((a - b).abs() < 1e-15, "{model}");
                    }
                }
                Ok((r.local_values().to_vec(), stats.supersteps))
            })
            .unwrap();
        assert_eq!(got[0].1, 5);
        let ranks: Vec<f64> = got.into_iter().flat_map(|(r, _)| r).collect();
        for (a, b) in ranks.iter().zip(x) {
            assert!((a - b).abs() < 1e-15, "{a} vs {b}");
        }
    }
}

#[test]
fn sssp_rejects_bad_sources_and_weights_on_every_worker() {
    let weighted = |w: f64| EdgeList { src: vec![1, 2], dst: vec![2, 3], weights: Some(vec![1.0, w]) };
    for p in [1, 3] {
        let rt = LocalRuntime::with_parallelism(p).unwrap();
        let run = |weight: f64, source: u64| {
            let errors: Vec<String> = Model::ALL
                .into_iter()
                .map(|model| {
                    rt.execute(|w| -> Result<()> {
                        sssp_in(model, &Graph::from_weighted_edge_list(w, &weighted(weight))?, &source)?;
                        Ok(())
                    })
                    .unwrap_err()
                    .to_string()
                })
                .collect();
            // Every model rejects the same input with the same message.
            assert!(errors.iter().all(|e| *e == errors[0]), "{errors:?}");
            errors[0].clone()
        };
        let err = run(1.0, 99);
        assert_eq!(err.to_string(), "unknown vertex 99: the source vertex is not in the graph");
        let err = run(-2.5, 1);
        assert_eq!(err.to_string(), "edge 2 -> 3 has weight -2.5: shortest paths need non-negative weights");
        let err = run(f64::NAN, 1);
        assert_eq!(err.to_string(), "edge 2 -> 3 has weight NaN: shortest paths need numeric weights");
        let err = rt
            .execute(|w| -> Result<()> {
                let g = Graph::from_edge_list(w, &weighted(1.0))?;
                pagerank(&g, &PageRank { damping: 1.5, ..PageRank::default() })?;
                Ok(())
            })
            .unwrap_err();
        assert_eq!(err.to_string(), "invalid parameter damping: 1.5 is not in [0, 1]");
    }
}
