//! Set operations between graphs: union, difference, intersection.

use eddy_core::Data;

use super::Graph;
use crate::Result;
use crate::ids::VertexKey;

/// Set operations between graphs with the same key and value types.
impl<'w, K: VertexKey, VV: Data + Clone, EV: Data + Clone + PartialEq> Graph<'w, K, VV, EV> {
    fn local_vertex_records(&self) -> Vec<(K, VV)> {
        self.local_keys().iter().cloned().zip(self.values.iter().cloned()).collect()
    }

    /// Vertices of both graphs (the value from `self` where a key is in both) and the edges
    /// of both (repeats kept; see [`Graph::simplify`]).
    ///
    /// # Errors
    /// A runtime failure.
    pub fn union(&self, other: &Self) -> Result<Self> {
        let mine = self.local_vertex_records();
        let theirs: Vec<(K, VV)> = other
            .local_vertex_records()
            .into_iter()
            .filter(|(k, _)| self.ids.index_of(k).is_none())
            .collect();
        let mut edges = self.local_edges_by_key();
        edges.extend(other.local_edges_by_key());
        Graph::from_vertices_and_edges(self.worker, mine.into_iter().chain(theirs), edges)
    }

    /// Removes the vertices of `other` (with their edges) and the edges of `other`
    /// (same endpoints and value).
    ///
    /// # Errors
    /// A runtime failure.
    pub fn difference(&self, other: &Self) -> Result<Self> {
        let without_vertices = self.filter_on_vertices(|k, _| other.ids.index_of(k).is_none())?;
        without_vertices.remove_matching_edges(other, false)
    }

    /// The edges present in both graphs (same endpoints and value) and their endpoints.
    /// With `distinct`, each such edge once; otherwise every matching edge of both graphs
    /// (Gelly's `intersect`).
    ///
    /// # Errors
    /// A runtime failure.
    pub fn intersect(&self, other: &Self, distinct: bool) -> Result<Self> {
        let common = self.remove_matching_edges(other, true)?;
        let mut edges = common.local_edges_by_key();
        if distinct {
            let mut seen: rustc_hash::FxHashMap<(K, K), Vec<EV>> = rustc_hash::FxHashMap::default();
            edges.retain(|(s, d, v)| {
                let values = seen.entry((s.clone(), d.clone())).or_default();
                let new = !values.contains(v);
                if new {
                    values.push(v.clone());
                }
                new
            });
        } else {
            let theirs = other.remove_matching_edges(self, true)?;
            edges.extend(theirs.local_edges_by_key());
        }
        let endpoints: Vec<K> = edges.iter().flat_map(|(s, d, _)| [s.clone(), d.clone()]).collect();
        let keep: rustc_hash::FxHashSet<K> =
            self.worker.all_gather(endpoints)?.into_iter().flatten().collect();
        let vertices = self.local_vertex_records().into_iter().filter(|(k, _)| keep.contains(k));
        Graph::from_vertices_and_edges(self.worker, vertices, edges)
    }

    /// Keeps (`keep_matching`) or drops the edges of `self` that also occur in `other`.
    fn remove_matching_edges(&self, other: &Self, keep_matching: bool) -> Result<Self> {
        let theirs: Vec<(K, K, EV)> = other.local_edges_by_key();
        let mut outgoing: Vec<Vec<(K, K, EV)>> = (0..self.worker.parallelism()).map(|_| Vec::new()).collect();
        for (s, d, v) in theirs {
            if let Some(si) = self.ids.index_of(&s) {
                outgoing[self.parts.owner(si)].push((s, d, v));
            }
        }
        let received: Vec<(K, K, EV)> = self.worker.all_to_all(outgoing)?.into_iter().flatten().collect();
        let mut index: rustc_hash::FxHashMap<(u32, u32), Vec<EV>> = rustc_hash::FxHashMap::default();
        for (s, d, v) in received {
            if let (Some(si), Some(di)) = (self.ids.index_of(&s), self.ids.index_of(&d)) {
                index.entry((si, di)).or_default().push(v);
            }
        }
        let edges = self
            .local_dense_edges()
            .into_iter()
            .filter(|(s, d, v)| index.get(&(*s, *d)).is_some_and(|vs| vs.contains(v)) == keep_matching)
            .collect();
        self.with_edges(edges)
    }
}
