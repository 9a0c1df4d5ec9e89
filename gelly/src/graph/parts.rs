//! [`GraphParts`]: one worker's topology, detached from its job to be reused by a later one.
//!
//! A [`Graph`] borrows the [`Worker`] of its job, so it cannot outlive the job; its
//! topology — the vertex ids, the partitioning and this worker's out- and in-adjacency —
//! is reference-counted and can. [`Graph::into_parts`] detaches it (the vertex values are
//! dropped); [`Graph::from_parts`] attaches it to the worker with the same index of a
//! later job with the same parallelism, with new vertex values, without an exchange: no
//! key mapping, no routing, no CSR build. A program that runs several algorithms on one
//! graph in separate jobs (the Python package does) builds the graph once, keeps what
//! every worker detached, in worker order, and hands element `w` to worker `w` of each
//! later job.
//!
//! **Note**: the parts of one worker only make sense with those the other workers
//! detached from the same graph — the partitioning says which vertices each of them owns.
//! [`Graph::from_parts`] checks the worker index and the parallelism; that the workers of
//! a job were handed the parts of one graph is the caller's to keep (checking it would
//! take an exchange per job).

use std::sync::Arc;

use eddy_core::Worker;

use super::{Adjacency, Graph, Partitioning};
use crate::ids::VertexIds;
use crate::{Error, Result};

/// One worker's topology of a graph — vertex ids, partitioning, out- and in-adjacency —
/// detached from its job by [`Graph::into_parts`], for [`Graph::from_parts`] on the
/// worker with the same index of a later job with the same parallelism. Cloning it copies
/// reference counts, not the adjacency; it is `Send + Sync` when `K` and `EV` are.
pub struct GraphParts<K, EV> {
    worker: usize,
    parallelism: usize,
    ids: Arc<VertexIds<K>>,
    parts: Arc<Partitioning>,
    out: Arc<Adjacency<EV>>,
    inn: Arc<Adjacency<EV>>,
}

impl<K, EV> Clone for GraphParts<K, EV> {
    fn clone(&self) -> Self {
        GraphParts {
            worker: self.worker,
            parallelism: self.parallelism,
            ids: Arc::clone(&self.ids),
            parts: Arc::clone(&self.parts),
            out: Arc::clone(&self.out),
            inn: Arc::clone(&self.inn),
        }
    }
}

impl<K, EV> std::fmt::Debug for GraphParts<K, EV> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphParts")
            .field("worker", &self.worker)
            .field("parallelism", &self.parallelism)
            .field("vertices", &self.parts.len())
            .field("local_vertices", &self.local_vertex_count())
            .field("local_out_edges", &self.out.len())
            .finish()
    }
}

impl<K, EV> GraphParts<K, EV> {
    /// The index of the worker these parts belong to.
    pub fn worker_index(&self) -> usize {
        self.worker
    }

    /// The parallelism of the job the parts were detached from.
    pub fn parallelism(&self) -> usize {
        self.parallelism
    }

    /// The number of vertices of the whole graph.
    pub fn number_of_vertices(&self) -> u64 {
        u64::from(self.parts.len())
    }

    /// The number of vertices this worker owns: the length of the vertex values
    /// [`Graph::from_parts`] takes.
    pub fn local_vertex_count(&self) -> usize {
        (self.parts.bounds[self.worker + 1] - self.parts.bounds[self.worker]) as usize
    }

    /// The number of edges whose source this worker owns.
    pub fn local_edge_count(&self) -> usize {
        self.out.len()
    }
}

/// Detaching and re-attaching the topology.
impl<'w, K, VV, EV> Graph<'w, K, VV, EV> {
    /// Detaches this worker's topology from the job: the vertex ids, the partitioning and
    /// the adjacency in both directions, shared, not copied. The vertex values are
    /// dropped (take them first with [`Graph::local_values`] if needed).
    pub fn into_parts(self) -> GraphParts<K, EV> {
        GraphParts {
            worker: self.worker.index(),
            parallelism: self.worker.parallelism(),
            ids: self.ids,
            parts: self.parts,
            out: self.out,
            inn: self.inn,
        }
    }

    /// The graph of [`Graph::into_parts`]' topology on `worker`, a worker of another (or
    /// the same) job, with `values` for this worker's vertices, in key order. No exchange,
    /// no copy of the adjacency: a graph built once serves any number of later jobs with
    /// its parallelism, and gives them the results it gave its own job, bit for bit.
    /// Every worker of the job must be given its own element of the parts the workers
    /// detached from one graph (see the module note).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] on a worker whose index or parallelism is not the
    /// one the parts were detached from (`parts`), or when `values` does not hold one
    /// value per local vertex (`values`). The check is local: the worker that fails
    /// stops the job, as any failing worker does.
    ///
    /// # Example
    /// ```
    /// use eddy_gelly::Graph;
    /// use eddy_gelly::algorithms::{PageRank, pagerank};
    /// use eddy_gelly::graph::GraphParts;
    /// let runtime = eddy_runtime::LocalRuntime::with_parallelism(2)?;
    /// let edges = [(1u64, 2u64, ()), (2, 3, ()), (3, 1, ()), (3, 2, ())];
    /// // Build once: every worker detaches its part of the topology.
    /// let parts: Vec<GraphParts<u64, ()>> = runtime.execute(|worker| {
    ///     let share = worker.from_slice(&edges).collect_partition();
    ///     Ok::<_, eddy_core::Error>(Graph::from_edges(worker, share)?.into_parts())
    /// })?;
    /// // Any later job with the same parallelism re-attaches it, worker w taking parts[w].
    /// let ranks = runtime.execute(|worker| {
    ///     let mine = &parts[worker.index()];
    ///     let graph = Graph::from_parts(worker, mine, vec![(); mine.local_vertex_count()])?;
    ///     let (ranks, _) = pagerank(&graph, &PageRank::iterations(30))?;
    ///     Ok::<_, eddy_core::Error>(ranks.into_local_values())
    /// })?;
    /// let total: f64 = ranks.concat().iter().sum();
    /// assert!((total - 1.0).abs() < 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_parts(worker: &'w Worker, parts: &GraphParts<K, EV>, values: Vec<VV>) -> Result<Self> {
        if (worker.index(), worker.parallelism()) != (parts.worker, parts.parallelism) {
            return Err(Error::InvalidParameter {
                name: "parts",
                reason: format!(
                    "the parts of worker {} of {} were given to worker {} of {}: re-attach them on \
                     the worker with the same index of a job with the same parallelism",
                    parts.worker,
                    parts.parallelism,
                    worker.index(),
                    worker.parallelism()
                ),
            });
        }
        if values.len() != parts.local_vertex_count() {
            return Err(Error::InvalidParameter {
                name: "values",
                reason: format!(
                    "{} vertex values for the {} vertices of worker {}",
                    values.len(),
                    parts.local_vertex_count(),
                    parts.worker
                ),
            });
        }
        Ok(Graph {
            worker,
            ids: Arc::clone(&parts.ids),
            parts: Arc::clone(&parts.parts),
            values,
            out: Arc::clone(&parts.out),
            inn: Arc::clone(&parts.inn),
        })
    }
}

#[cfg(test)]
mod tests {
    use eddy_runtime::LocalRuntime;

    use super::*;
    use crate::algorithms::{PageRank, pagerank};

    fn assert_send_sync_clone<T: Send + Sync + Clone>() {}

    #[test]
    fn parts_are_send_sync_and_clone() {
        assert_send_sync_clone::<GraphParts<u64, ()>>();
        assert_send_sync_clone::<GraphParts<u64, f64>>();
        assert_send_sync_clone::<GraphParts<String, f64>>();
    }

    /// A small directed graph with weights, self-loop and repeat included.
    const EDGES: [(u64, u64, f64); 9] = [
        (1, 2, 0.5),
        (2, 3, 1.5),
        (3, 1, 2.0),
        (3, 4, 1.0),
        (4, 4, 3.0),
        (5, 1, 0.25),
        (2, 3, 1.5),
        (4, 6, 0.75),
        (6, 2, 1.25),
    ];

    /// Every worker's keys, out-edges (key, target key, weight) and in-degrees.
    type Listing = (Vec<u64>, Vec<(u64, u64, f64)>, Vec<u64>);

    fn listing(graph: &Graph<'_, u64, (), f64>) -> Listing {
        let lo = graph.lo() as usize;
        let mut out = Vec::new();
        for i in 0..graph.local_values().len() {
            for (d, w) in graph.out.neighbors(i).iter().zip(graph.out.edge_values(i)) {
                out.push((*graph.ids.key((lo + i) as u32), *graph.ids.key(*d), *w));
            }
        }
        (graph.local_keys().to_vec(), out, graph.local_in_degrees())
    }

    #[test]
    fn round_trip_keeps_the_topology_and_the_results() {
        for p in [1, 2, 3] {
            let runtime = LocalRuntime::with_parallelism(p).unwrap();
            let built = runtime
                .execute(|w| {
                    let share = w.from_slice(&EDGES).collect_partition();
                    let graph = Graph::from_edges(w, share)?.undirected()?;
                    let (ranks, _) = pagerank(&graph, &PageRank::iterations(25))?;
                    let seen = (listing(&graph), ranks.into_local_values());
                    Ok::<_, eddy_core::Error>((seen, graph.into_parts()))
                })
                .unwrap();
            let (seen, parts): (Vec<_>, Vec<_>) = built.into_iter().unzip();
            for (w, part) in parts.iter().enumerate() {
                assert_eq!((part.worker_index(), part.parallelism()), (w, p));
                assert_eq!(part.number_of_vertices(), 6);
            }
            let total: usize = parts.iter().map(GraphParts::local_vertex_count).sum();
            assert_eq!(total, 6);
            let edges: usize = parts.iter().map(GraphParts::local_edge_count).sum();
            assert_eq!(edges, 2 * EDGES.len());
            // Twice, from clones: the parts are not used up.
            for _ in 0..2 {
                let again = runtime
                    .execute(|w| {
                        let mine = parts[w.index()].clone();
                        let values = vec![(); mine.local_vertex_count()];
                        let graph = Graph::from_parts(w, &mine, values)?;
                        assert_eq!(graph.number_of_edges()?, 2 * EDGES.len() as u64);
                        let (ranks, _) = pagerank(&graph, &PageRank::iterations(25))?;
                        Ok::<_, eddy_core::Error>((listing(&graph), ranks.into_local_values()))
                    })
                    .unwrap();
                for (a, b) in again.iter().zip(&seen) {
                    assert_eq!(a.0, b.0, "topology at P = {p}");
                    let bits = |r: &[f64]| r.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&a.1), bits(&b.1), "ranks at P = {p}");
                }
            }
        }
    }

    #[test]
    fn from_parts_keeps_new_vertex_values() {
        let runtime = LocalRuntime::with_parallelism(2).unwrap();
        let parts = runtime
            .execute(|w| {
                let share = w.from_slice(&EDGES).collect_partition();
                Ok::<_, eddy_core::Error>(Graph::from_edges(w, share)?.into_parts())
            })
            .unwrap();
        let values = runtime
            .execute(|w| {
                let keys: Vec<u64> = {
                    let mine = &parts[w.index()];
                    let graph = Graph::from_parts(w, mine, vec![(); mine.local_vertex_count()])?;
                    graph.local_keys().to_vec()
                };
                let doubled: Vec<u64> = keys.iter().map(|k| 2 * k).collect();
                let graph = Graph::from_parts(w, &parts[w.index()], doubled)?;
                Ok::<_, eddy_core::Error>(graph.into_local_values())
            })
            .unwrap();
        assert_eq!(values.concat(), vec![2, 4, 6, 8, 10, 12]);
    }

    /// What `from_parts` says on every worker of a job with `p` workers, worker `w` given
    /// `parts[pick(w)]` and `len(w)` values.
    fn attach(
        parts: &[GraphParts<u64, f64>],
        p: usize,
        pick: impl Fn(usize) -> usize + Sync,
        len: impl Fn(usize) -> usize + Sync,
    ) -> Vec<std::result::Result<(), String>> {
        LocalRuntime::with_parallelism(p)
            .unwrap()
            .execute(|w| {
                let result = Graph::from_parts(w, &parts[pick(w.index())], vec![(); len(w.index())]);
                Ok::<_, eddy_core::Error>(result.map(|_| ()).map_err(|e| e.to_string()))
            })
            .unwrap()
    }

    fn mismatch(from: usize, of: usize, to: usize, to_of: usize) -> std::result::Result<(), String> {
        Err(format!(
            "invalid parameter parts: the parts of worker {from} of {of} were given to worker {to} of \
             {to_of}: re-attach them on the worker with the same index of a job with the same parallelism"
        ))
    }

    #[test]
    fn mismatched_workers_and_values_are_refused() {
        let parts = LocalRuntime::with_parallelism(2)
            .unwrap()
            .execute(|w| {
                let share = w.from_slice(&EDGES).collect_partition();
                Ok::<_, eddy_core::Error>(Graph::from_edges(w, share)?.into_parts())
            })
            .unwrap();
        let len = |w: usize| parts[w].local_vertex_count();
        // The right parts and lengths attach.
        assert_eq!(attach(&parts, 2, |w| w, len), vec![Ok(()), Ok(())]);
        // Another parallelism: fewer or more workers.
        assert_eq!(attach(&parts, 1, |_| 0, |_| len(0)), vec![mismatch(0, 2, 0, 1)]);
        assert_eq!(attach(&parts, 1, |_| 1, |_| len(1)), vec![mismatch(1, 2, 0, 1)]);
        assert_eq!(
            attach(&parts, 3, |w| w.min(1), |w| len(w.min(1))),
            vec![mismatch(0, 2, 0, 3), mismatch(1, 2, 1, 3), mismatch(1, 2, 2, 3)]
        );
        // The same parallelism, the parts swapped.
        assert_eq!(
            attach(&parts, 2, |w| 1 - w, |w| len(1 - w)),
            vec![mismatch(1, 2, 0, 2), mismatch(0, 2, 1, 2)]
        );
        // One value too many on every worker.
        let expected: Vec<_> = (0..2)
            .map(|w| {
                Err(format!(
                    "invalid parameter values: {} vertex values for the {} vertices of worker {w}",
                    len(w) + 1,
                    len(w)
                ))
            })
            .collect();
        assert_eq!(attach(&parts, 2, |w| w, |w| len(w) + 1), expected);
        // Raised with `?`, the error fails the job, with its message.
        let err = LocalRuntime::with_parallelism(1)
            .unwrap()
            .execute(|w| {
                let graph = Graph::from_parts(w, &parts[0], vec![(); len(0)])?;
                Ok::<_, eddy_core::Error>(graph.number_of_edges()?)
            })
            .unwrap_err();
        assert!(matches!(err, eddy_core::Error::Job(_)), "{err:?}");
        assert!(err.to_string().contains("the parts of worker 0 of 2 were given to worker 0 of 1"), "{err}");
    }
}
