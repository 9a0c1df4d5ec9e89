//! Degrees, reductions over edges and neighbours, joins with datasets, and validation
//! of a [`Graph`].

use eddy_core::{Data, DataSet};

use super::{Adjacency, EdgeDirection, Graph};
use crate::Result;
use crate::ids::VertexKey;

/// Degrees, neighbourhood reductions, joins and validation.
impl<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone> Graph<'w, K, VV, EV> {
    /// `(key, out-degree)` for this worker's vertices.
    pub fn out_degrees(&self) -> DataSet<'w, (K, u64)> {
        self.degree_records(self.local_out_degrees())
    }

    /// `(key, in-degree)` for this worker's vertices.
    pub fn in_degrees(&self) -> DataSet<'w, (K, u64)> {
        self.degree_records(self.local_in_degrees())
    }

    /// `(key, in-degree + out-degree)` for this worker's vertices.
    pub fn get_degrees(&self) -> DataSet<'w, (K, u64)> {
        let degrees =
            (0..self.values.len()).map(|i| (self.out.degree(i) + self.inn.degree(i)) as u64).collect();
        self.degree_records(degrees)
    }

    fn degree_records(&self, degrees: Vec<u64>) -> DataSet<'w, (K, u64)> {
        let records: Vec<(K, u64)> = self.local_keys().iter().cloned().zip(degrees).collect();
        DataSet::from_iter(self.worker, records)
    }

    /// Reduces the values of each vertex's edges in `direction` with `f` (folded in
    /// adjacency order: out-edges before in-edges); vertices without such edges are left out.
    pub fn reduce_on_edges(
        &self,
        direction: EdgeDirection,
        f: impl Fn(EV, &EV) -> EV,
    ) -> DataSet<'w, (K, EV)> {
        let mut records = Vec::new();
        for (i, key) in self.local_keys().iter().enumerate() {
            let mut values = self.edges_in(direction, i).map(|(_, v)| v);
            if let Some(first) = values.next() {
                records.push((key.clone(), values.fold(first.clone(), &f)));
            }
        }
        DataSet::from_iter(self.worker, records)
    }

    /// Reduces the values of each vertex's neighbours in `direction` with `f`; vertices
    /// without neighbours in that direction are left out.
    ///
    /// # Errors
    /// A runtime failure.
    pub fn reduce_on_neighbors(
        &self,
        direction: EdgeDirection,
        f: impl Fn(VV, &VV) -> VV,
    ) -> Result<DataSet<'w, (K, VV)>> {
        let all = self.all_values()?;
        let mut records = Vec::new();
        for (i, key) in self.local_keys().iter().enumerate() {
            let mut values = self.edges_in(direction, i).map(|(n, _)| &all[n as usize]);
            if let Some(first) = values.next() {
                records.push((key.clone(), values.fold(first.clone(), &f)));
            }
        }
        Ok(DataSet::from_iter(self.worker, records))
    }

    /// The (neighbour, edge value) pairs of local vertex `i` in `direction`.
    pub(crate) fn edges_in(
        &self,
        direction: EdgeDirection,
        i: usize,
    ) -> impl Iterator<Item = (u32, &EV)> + '_ {
        let out = matches!(direction, EdgeDirection::Out | EdgeDirection::All);
        let inn = matches!(direction, EdgeDirection::In | EdgeDirection::All);
        let o = out.then(|| self.out.neighbors(i).iter().copied().zip(self.out.edge_values(i)));
        let n = inn.then(|| self.inn.neighbors(i).iter().copied().zip(self.inn.edge_values(i)));
        o.into_iter().flatten().chain(n.into_iter().flatten())
    }

    /// Updates the value of each vertex named in `records` with `f(old, record value)`;
    /// keys that are not vertices are ignored (Gelly's `joinWithVertices`).
    ///
    /// # Errors
    /// A runtime failure.
    pub fn join_with_vertices<T: Data>(
        &self,
        records: DataSet<'_, (K, T)>,
        f: impl Fn(&VV, T) -> VV,
    ) -> Result<Self> {
        let mut outgoing: Vec<Vec<(u32, T)>> = (0..self.worker.parallelism()).map(|_| Vec::new()).collect();
        for (k, t) in records.collect_partition() {
            if let Some(i) = self.ids.index_of(&k) {
                outgoing[self.parts.owner(i)].push((i, t));
            }
        }
        let lo = self.lo();
        let mut values = self.values.clone();
        for (i, t) in self.worker.all_to_all(outgoing)?.into_iter().flatten() {
            let slot = &mut values[(i - lo) as usize];
            *slot = f(slot, t);
        }
        Ok(self.with_values(values))
    }

    /// Updates the value of every edge `(src, dst)` named in `records` with
    /// `f(old, record value)` (all parallel edges between the pair); pairs that are not
    /// edges are ignored (Gelly's `joinWithEdges`).
    ///
    /// # Errors
    /// A runtime failure.
    pub fn join_with_edges<T: Data + Clone>(
        &self,
        records: DataSet<'_, (K, K, T)>,
        f: impl Fn(&EV, T) -> EV,
    ) -> Result<Self> {
        let mut outgoing: Vec<Vec<(u32, u32, T)>> =
            (0..self.worker.parallelism()).map(|_| Vec::new()).collect();
        for (s, d, t) in records.collect_partition() {
            if let (Some(si), Some(di)) = (self.ids.index_of(&s), self.ids.index_of(&d)) {
                outgoing[self.parts.owner(si)].push((si, di, t));
            }
        }
        let mut updates = rustc_hash::FxHashMap::default();
        for (s, d, t) in self.worker.all_to_all(outgoing)?.into_iter().flatten() {
            updates.insert((s, d), t);
        }
        let edges = self
            .local_dense_edges()
            .into_iter()
            .map(|(s, d, v)| match updates.get(&(s, d)) {
                Some(t) => (s, d, f(&v, t.clone())),
                None => (s, d, v),
            })
            .collect();
        self.with_edges(edges)
    }

    /// Checks the graph's invariants: every neighbour index names a vertex, the adjacency
    /// offsets are consistent, and the out- and in-adjacency hold the same edges.
    ///
    /// # Errors
    /// A runtime failure.
    pub fn validate(&self) -> Result<bool> {
        let n = self.ids.len() as u32;
        let ok_adj = |adj: &Adjacency<EV>| {
            adj.offsets.len() == self.values.len() + 1
                && adj.offsets.windows(2).all(|w| w[0] <= w[1])
                && adj.offsets.last() == Some(&adj.nbrs.len())
                && adj.nbrs.iter().all(|&x| x < n)
        };
        let local = ok_adj(&self.out) && ok_adj(&self.inn);
        let counts =
            self.worker.all_reduce((local, self.out.len() as u64, self.inn.len() as u64), |a, b| {
                (a.0 && b.0, a.1 + b.1, a.2 + b.2)
            })?;
        Ok(counts.0 && counts.1 == counts.2)
    }
}
