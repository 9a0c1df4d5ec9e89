//! The Graph API against straightforward sequential references, and the invariants:
//! the three CC models agree, results do not depend on P, `simplify` is idempotent, a
//! written edge list reads back as the same graph.

use std::collections::{BTreeMap, BTreeSet};

use eddy::core::{Result, Worker};
use eddy::datasets::edgelist::{EdgeList, read_edge_list, write_edge_list};
use eddy::gelly::algorithms::{
    PageRank, bfs, connected_components, pagerank, sssp, wcc_gsa, wcc_scatter_gather, wcc_vertex_centric,
};
use eddy::gelly::{EdgeDirection, Graph, Triplet};
use eddy::runtime::LocalRuntime;
use proptest::prelude::*;

type Edge = (u64, u64, f64);

/// Runs `job` on P workers and concatenates the workers' outputs in worker order.
fn run<T: Send>(p: usize, job: impl Fn(&Worker) -> Result<Vec<T>> + Sync) -> Vec<T> {
    LocalRuntime::with_parallelism(p).unwrap().execute(job).unwrap().into_iter().flatten().collect()
}

fn graph<'w>(w: &'w Worker, edges: &[Edge]) -> Result<Graph<'w, u64, u64, f64>> {
    let share = w.from_slice(edges).collect_partition();
    Ok(Graph::from_edges(w, share)?.map_vertices(|k, _| k.wrapping_mul(10)))
}

fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

fn vertex_set(edges: &[Edge]) -> BTreeSet<u64> {
    edges.iter().flat_map(|e| [e.0, e.1]).collect()
}

fn sample() -> Vec<Edge> {
    vec![
        (1, 2, 1.0),
        (2, 3, 2.0),
        (3, 1, 3.0),
        (3, 3, 4.0),
        (1, 2, 5.0),
        (4, 1, 6.0),
        (7, 8, 7.0),
        (2, 9, 8.0),
    ]
}

#[test]
fn accessors_degrees_and_triplets() {
    let edges = sample();
    for p in [1, 2, 3] {
        let out: Vec<(u64, u64)> = run(p, |w| Ok(graph(w, &edges)?.out_degrees().collect_partition()));
        let inn: Vec<(u64, u64)> = run(p, |w| Ok(graph(w, &edges)?.in_degrees().collect_partition()));
        let all: Vec<(u64, u64)> = run(p, |w| Ok(graph(w, &edges)?.get_degrees().collect_partition()));
        let mut want_out: BTreeMap<u64, u64> = vertex_set(&edges).into_iter().map(|v| (v, 0)).collect();
        let mut want_in = want_out.clone();
        for (s, d, _) in &edges {
            *want_out.get_mut(s).unwrap() += 1;
            *want_in.get_mut(d).unwrap() += 1;
        }
        assert_eq!(out, want_out.clone().into_iter().collect::<Vec<_>>());
        assert_eq!(inn, want_in.clone().into_iter().collect::<Vec<_>>());
        let want_all: Vec<(u64, u64)> = want_out.iter().map(|(k, o)| (*k, o + want_in[k])).collect();
        assert_eq!(all, want_all);

        let counts = run(p, |w| {
            let g = graph(w, &edges)?;
            Ok(vec![(g.number_of_vertices(), g.number_of_edges()?, g.validate()?)])
        });
        assert!(counts.iter().all(|c| *c == (7, 8, true)));

        let triplets: Vec<Triplet<u64, u64, f64>> =
            run(p, |w| Ok(graph(w, &edges)?.triplets()?.collect_partition()));
        let got: Vec<(u64, u64, u64, u64, u64)> = sorted(
            triplets.iter().map(|t| (t.src, t.dst, t.src_value, t.dst_value, t.edge_value as u64)).collect(),
        );
        let want = sorted(edges.iter().map(|&(s, d, v)| (s, d, s * 10, d * 10, v as u64)).collect());
        assert_eq!(got, want);
    }
}

#[test]
fn transformations_match_references() {
    let edges = sample();
    for p in [1, 2, 4] {
        // map_vertices / map_edges / translate.
        let mapped: Vec<(u64, u64, f64)> = run(p, |w| {
            Ok(graph(w, &edges)?.map_edges(|s, d, v| v + (*s * 100 + *d) as f64).edges().collect_partition())
        });
        let want: Vec<Edge> = edges.iter().map(|&(s, d, v)| (s, d, v + (s * 100 + d) as f64)).collect();
        assert_eq!(sorted_f(mapped), sorted_f(want));
        let translated: Vec<(String, u64)> = run(p, |w| {
            Ok(graph(w, &edges)?.translate_graph_ids(|k| format!("v{k:02}"))?.vertices().collect_partition())
        });
        let want: Vec<(String, u64)> =
            vertex_set(&edges).into_iter().map(|k| (format!("v{k:02}"), k * 10)).collect();
        assert_eq!(translated, want);

        // subgraph: drop vertex 3 and edges heavier than 6.
        let sub: Vec<(u64, u64, f64)> = run(p, |w| {
            Ok(graph(w, &edges)?.subgraph(|k, _| *k != 3, |_, _, v| *v <= 6.0)?.edges().collect_partition())
        });
        let want: Vec<Edge> = edges.iter().copied().filter(|e| e.0 != 3 && e.1 != 3 && e.2 <= 6.0).collect();
        assert_eq!(sorted_f(sub), sorted_f(want));
        let sub_vertices: Vec<(u64, u64)> = run(p, |w| {
            Ok(graph(w, &edges)?.filter_on_vertices(|k, _| *k != 3)?.vertices().collect_partition())
        });
        assert_eq!(sub_vertices.iter().map(|v| v.0).collect::<Vec<_>>(), vec![1, 2, 4, 7, 8, 9]);

        // reverse, undirected, simplify.
        let rev: Vec<(u64, u64, f64)> =
            run(p, |w| Ok(graph(w, &edges)?.reverse().edges().collect_partition()));
        assert_eq!(sorted_f(rev), sorted_f(edges.iter().map(|&(s, d, v)| (d, s, v)).collect()));
        let und: Vec<(u64, u64, f64)> =
            run(p, |w| Ok(graph(w, &edges)?.undirected()?.edges().collect_partition()));
        let mut want: Vec<Edge> = edges.clone();
        want.extend(edges.iter().map(|&(s, d, v)| (d, s, v)));
        assert_eq!(sorted_f(und), sorted_f(want));
        let simple: Vec<(u64, u64, f64)> =
            run(p, |w| Ok(graph(w, &edges)?.simplify()?.edges().collect_partition()));
        assert_eq!(
            sorted_f(simple),
            sorted_f(vec![(1, 2, 1.0), (2, 3, 2.0), (3, 1, 3.0), (4, 1, 6.0), (7, 8, 7.0), (2, 9, 8.0)])
        );

        // reduce_on_edges / reduce_on_neighbors.
        let max_out: Vec<(u64, f64)> = run(p, |w| {
            Ok(graph(w, &edges)?.reduce_on_edges(EdgeDirection::Out, |a, b| a.max(*b)).collect_partition())
        });
        assert_eq!(max_out, vec![(1, 5.0), (2, 8.0), (3, 4.0), (4, 6.0), (7, 7.0)]);
        let sum_in: Vec<(u64, f64)> = run(p, |w| {
            Ok(graph(w, &edges)?.reduce_on_edges(EdgeDirection::In, |a, b| a + b).collect_partition())
        });
        assert_eq!(sum_in, vec![(1, 9.0), (2, 6.0), (3, 6.0), (8, 7.0), (9, 8.0)]);
        let nbr_sum: Vec<(u64, u64)> = run(p, |w| {
            Ok(graph(w, &edges)?.reduce_on_neighbors(EdgeDirection::All, |a, b| a + b)?.collect_partition())
        });
        // Vertex 1: out to 2, 2; in from 3, 4 → 20 + 20 + 30 + 40.
        assert_eq!(nbr_sum[0], (1, 110));
        assert_eq!(nbr_sum.iter().find(|x| x.0 == 9), Some(&(9, 20)));

        // join_with_vertices / join_with_edges.
        let joined: Vec<(u64, u64)> = run(p, |w| {
            let updates = w.from_slice(&[(2u64, 5u64), (9, 1), (100, 7)]);
            Ok(graph(w, &edges)?.join_with_vertices(updates, |v, x| v + x)?.vertices().collect_partition())
        });
        assert_eq!(joined.iter().find(|x| x.0 == 2), Some(&(2, 25)));
        assert_eq!(joined.iter().find(|x| x.0 == 9), Some(&(9, 91)));
        assert_eq!(joined.iter().find(|x| x.0 == 1), Some(&(1, 10)));
        let joined: Vec<(u64, u64, f64)> = run(p, |w| {
            let updates = w.from_slice(&[(1u64, 2u64, 0.5f64), (7, 8, 0.25), (8, 7, 9.0)]);
            Ok(graph(w, &edges)?.join_with_edges(updates, |v, x| v * x)?.edges().collect_partition())
        });
        let want: Vec<Edge> = edges
            .iter()
            .map(|&(s, d, v)| match (s, d) {
                (1, 2) => (s, d, v * 0.5),
                (7, 8) => (s, d, v * 0.25),
                _ => (s, d, v),
            })
            .collect();
        assert_eq!(sorted_f(joined), sorted_f(want));
    }
}

fn sorted_f(v: Vec<Edge>) -> Vec<(u64, u64, u64)> {
    sorted(v.into_iter().map(|(s, d, w)| (s, d, w.to_bits())).collect())
}

#[test]
fn set_operations_match_references() {
    let a = vec![(1, 2, 1.0), (2, 3, 1.0), (3, 4, 2.0), (5, 6, 1.0)];
    let b = vec![(2, 3, 1.0), (3, 4, 9.0), (6, 7, 1.0), (1, 2, 1.0)];
    for p in [1, 2, 3] {
        let union: Vec<(u64, u64, f64)> =
            run(p, |w| Ok(graph(w, &a)?.union(&graph(w, &b)?)?.edges().collect_partition()));
        let mut want = a.clone();
        want.extend(b.iter().copied());
        assert_eq!(sorted_f(union), sorted_f(want));
        let union_v: Vec<(u64, u64)> =
            run(p, |w| Ok(graph(w, &a)?.union(&graph(w, &b)?)?.vertices().collect_partition()));
        assert_eq!(union_v.iter().map(|v| v.0).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5, 6, 7]);

        // difference: drop b's vertices (1,2,3,4,6,7) and b's edges.
        let diff: Vec<(u64, u64)> =
            run(p, |w| Ok(graph(w, &a)?.difference(&graph(w, &b)?)?.vertices().collect_partition()));
        assert_eq!(diff, vec![(5, 50)]);

        // intersect: edges with equal endpoints and value: (1,2,1) and (2,3,1).
        let inter: Vec<(u64, u64, f64)> =
            run(p, |w| Ok(graph(w, &a)?.intersect(&graph(w, &b)?, true)?.edges().collect_partition()));
        assert_eq!(sorted_f(inter), sorted_f(vec![(1, 2, 1.0), (2, 3, 1.0)]));
        let inter_all: Vec<(u64, u64, f64)> =
            run(p, |w| Ok(graph(w, &a)?.intersect(&graph(w, &b)?, false)?.edges().collect_partition()));
        assert_eq!(sorted_f(inter_all), sorted_f(vec![(1, 2, 1.0), (1, 2, 1.0), (2, 3, 1.0), (2, 3, 1.0)]));
        let inter_v: Vec<(u64, u64)> =
            run(p, |w| Ok(graph(w, &a)?.intersect(&graph(w, &b)?, true)?.vertices().collect_partition()));
        assert_eq!(inter_v, vec![(1, 10), (2, 20), (3, 30)]);
    }
}

#[test]
fn construction_errors_are_clear() {
    let rt = LocalRuntime::with_parallelism(2).unwrap();
    let err = rt
        .execute(|w| -> Result<()> {
            let vertices = w.from_slice(&[(1u64, 0u8), (2, 0)]).collect_partition();
            let edges = w.from_slice(&[(1u64, 2u64, ()), (2, 5, ())]).collect_partition();
            Graph::from_vertices_and_edges(w, vertices, edges)?;
            Ok(())
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "unknown vertex 5: edge 2 -> 5 names a vertex that is not in the vertex set");
    let err = rt
        .execute(|w| -> Result<()> {
            let vertices = w.from_slice(&[(1u64, 0u8), (2, 0), (1, 3)]).collect_partition();
            Graph::from_vertices_and_edges(w, vertices, Vec::<(u64, u64, ())>::new())?;
            Ok(())
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "invalid parameter vertices: vertex 1 is listed more than once");
}

fn arb_edges() -> impl Strategy<Value = Vec<Edge>> {
    // Small id space with gaps (ids are multiples of 3 plus a few large ones) so that
    // components, self-loops and repeated edges are common.
    let id = prop_oneof![8 => (0u64..40).prop_map(|x| x * 3), 1 => Just(1u64 << 40), 1 => Just(u64::MAX - 1)];
    proptest::collection::vec((id.clone(), id, 0u32..8), 0..120)
        .prop_map(|v| v.into_iter().map(|(s, d, w)| (s, d, f64::from(w) * 0.5)).collect())
}

fn union_find_labels(edges: &[Edge]) -> BTreeMap<u64, u64> {
    let mut label: BTreeMap<u64, u64> = vertex_set(edges).into_iter().map(|v| (v, v)).collect();
    loop {
        let mut changed = false;
        for &(s, d, _) in edges {
            let m = label[&s].min(label[&d]);
            for v in [s, d] {
                if label[&v] != m {
                    label.insert(v, m);
                    changed = true;
                }
            }
        }
        if !changed {
            return label;
        }
    }
}

type AllResults = (Vec<(u64, u64)>, Vec<Vec<(u64, u64)>>, Vec<(u64, u64)>, Vec<(u64, u64)>, Vec<(u64, u64)>);

/// WCC in every model, PageRank (bits), SSSP and BFS (bits) from the smallest vertex.
fn everything(edges: &[Edge], p: usize) -> AllResults {
    let per_worker = LocalRuntime::with_parallelism(p)
        .unwrap()
        .execute(|w| -> Result<AllResults> {
            let share = w.from_slice(edges).collect_partition();
            let g = Graph::from_edges(w, share)?;
            let keys = g.local_keys().to_vec();
            let pairs = |values: &[u64]| keys.iter().copied().zip(values.iter().copied()).collect::<Vec<_>>();
            let bits = |values: &[f64]| pairs(&values.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
            let models = vec![
                pairs(wcc_vertex_centric(&g, 1000)?.0.local_values()),
                pairs(wcc_scatter_gather(&g, 1000)?.0.local_values()),
                pairs(wcc_gsa(&g, 1000)?.0.local_values()),
            ];
            let fast = pairs(connected_components(&g)?.0.local_values());
            let ranks = bits(pagerank(&g, &PageRank::iterations(15))?.0.local_values());
            let (dist, hops) = match g.ids().keys().first().copied() {
                Some(source) => {
                    (bits(sssp(&g, &source)?.0.local_values()), bits(bfs(&g, &source)?.0.local_values()))
                }
                None => (Vec::new(), Vec::new()),
            };
            Ok((fast, models, ranks, dist, hops))
        })
        .unwrap();
    let mut all: AllResults = (Vec::new(), vec![Vec::new(); 3], Vec::new(), Vec::new(), Vec::new());
    for (fast, models, ranks, dist, hops) in per_worker {
        all.0.extend(fast);
        for (a, b) in all.1.iter_mut().zip(models) {
            a.extend(b);
        }
        all.2.extend(ranks);
        all.3.extend(dist);
        all.4.extend(hops);
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn cc_models_agree_and_results_do_not_depend_on_p(edges in arb_edges()) {
        let reference = union_find_labels(&edges).into_iter().collect::<Vec<_>>();
        let one = everything(&edges, 1);
        prop_assert_eq!(&one.0, &reference);
        for model in &one.1 {
            prop_assert_eq!(model, &reference);
        }
        for p in [2, 3, 4] {
            let other = everything(&edges, p);
            prop_assert_eq!(&other, &one, "P = {}", p);
        }
    }

    #[test]
    fn simplify_is_idempotent_and_removes_loops_and_repeats(edges in arb_edges(), p in 1usize..4) {
        let (once, twice) = LocalRuntime::with_parallelism(p).unwrap().execute(|w| -> Result<_> {
            let g = graph(w, &edges)?.simplify()?;
            let once = g.edges().collect()?;
            let twice = g.simplify()?.edges().collect()?;
            Ok((once, twice))
        }).unwrap().remove(0);
        prop_assert_eq!(&once, &twice);
        let mut seen = BTreeSet::new();
        let mut want = Vec::new();
        for &(s, d, v) in &edges {
            if s != d && seen.insert((s, d)) {
                want.push((s, d, v));
            }
        }
        prop_assert_eq!(sorted_f(once), sorted_f(want));
    }

    #[test]
    fn a_written_edge_list_reads_back_as_the_same_graph(edges in arb_edges(), gz in any::<bool>()) {
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path();
        let path = dir.join(if gz { "g.txt.gz" } else { "g.txt" });
        let list = EdgeList {
            src: edges.iter().map(|e| e.0).collect(),
            dst: edges.iter().map(|e| e.1).collect(),
            weights: Some(edges.iter().map(|e| e.2).collect()),
        };
        write_edge_list(&path, &list).unwrap();
        let back = read_edge_list(&path).unwrap();
        if edges.is_empty() {
            // An empty file has no weight column to speak of.
            prop_assert!(back.is_empty());
        } else {
            prop_assert_eq!(&back, &list);
        }
        let graph_of = |l: &EdgeList| {
            run(2, |w| Ok(Graph::from_weighted_edge_list(w, l)?.edges().collect_partition()))
        };
        prop_assert_eq!(sorted_f(graph_of(&back)), sorted_f(graph_of(&list)));
        prop_assert_eq!(sorted_f(graph_of(&list)), sorted_f(edges.clone()));
    }
}

/// Inboxes of more than 2^15 vertices bin their messages before combining them; the
/// generic models must still agree with the fast paths there.
#[test]
fn generic_models_agree_with_fast_paths_on_large_partitions() {
    use eddy::datasets::generators::GeneratorSpec;
    // PageRank on a grid (every vertex sends), components on a star (the hub's label
    // reaches 80 000 vertices in one superstep); more than 2^15 vertices per partition.
    for (spec, components) in [("grid:150:500", false), ("star:80000", true)] {
        let spec: GeneratorSpec = spec.parse().unwrap();
        let edges = spec.generate();
        for p in [1, 2] {
            let (ranks, ranks_vc, labels, labels_vc) = LocalRuntime::with_parallelism(p)
                .unwrap()
                .execute(|w| -> Result<_> {
                    let g = Graph::from_edge_list(w, &edges)?;
                    let params = PageRank::iterations(4);
                    let ranks = pagerank(&g, &params)?.0.into_local_values();
                    let ranks_vc =
                        eddy::gelly::algorithms::pagerank_vertex_centric(&g, &params)?.0.into_local_values();
                    let (labels, labels_vc) = if components {
                        (
                            connected_components(&g)?.0.into_local_values(),
                            wcc_vertex_centric(&g, 1000)?.0.into_local_values(),
                        )
                    } else {
                        (Vec::new(), Vec::new())
                    };
                    Ok((ranks, ranks_vc, labels, labels_vc))
                })
                .unwrap()
                .remove(0);
            // 75 000 / 80 000 vertices: for P <= 2 some partition has more than 2^15.
            assert!(edges.len() > 2 << 15);
            for (a, b) in ranks.iter().zip(&ranks_vc) {
                assert!((a - b).abs() < 1e-15, "{spec} P={p}: {a} vs {b}");
            }
            assert_eq!(labels, labels_vc, "{spec} P={p}");
        }
    }
}

/// Gelly's `sendMessageTo`: messages to any vertex by key, neighbour or not, combined
/// (summed) across workers; an unknown key is an error on the worker that sent.
#[test]
fn vertex_centric_messages_reach_any_vertex_by_key() {
    use eddy::gelly::models::vertex_centric::VertexCentric;
    // 1 -> 2, 3 -> 4, 5 isolated from 4 except through the messages.
    let edges: Vec<Edge> = vec![(1, 2, 1.0), (3, 4, 1.0), (5, 6, 1.0)];
    for p in [1, 2, 3] {
        let got = sorted(run(p, |w| {
            let g = graph(w, &edges)?.map_vertices(|_, _| 0u64);
            let config = VertexCentric::new(3).combiner(|a: &mut u64, b| *a += b);
            let (result, summary) = g.run_vertex_centric(config, |v, messages| {
                if v.superstep() == 1 {
                    let key = *v.key();
                    v.send_to(&4, key * key).expect("4 is a vertex");
                } else if let Some(&total) = messages.first() {
                    v.set_value(total);
                }
                v.vote_to_halt();
            })?;
            assert_eq!(summary.supersteps, 2);
            let all = result.vertices().collect()?;
            Ok(if w.index() == 0 { all.into_iter().filter(|(_, v)| *v != 0).collect() } else { Vec::new() })
        }));
        // 1 + 4 + 9 + 16 + 25 + 36: every vertex of the graph sent its square to 4.
        assert_eq!(got, vec![(4u64, 91u64)], "P = {p}");
        let error = LocalRuntime::with_parallelism(p).unwrap().execute(|w| {
            let g = graph(w, &edges)?;
            let config = VertexCentric::new(2).combiner(|a: &mut u64, b| *a += b);
            g.run_vertex_centric(config, |v, _| {
                if v.send_to(&99, 1).is_err() {
                    v.set_value(u64::MAX);
                }
                v.vote_to_halt();
            })?
            .0
            .vertices()
            .collect()
        });
        let values: Vec<u64> = error.unwrap().into_iter().flatten().map(|(_, v)| v).collect();
        assert!(values.iter().all(|&v| v == u64::MAX), "P = {p}: {values:?}");
    }
}
