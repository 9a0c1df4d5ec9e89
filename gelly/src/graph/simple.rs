//! The undirected simple view of a graph, which the undirected library algorithms
//! (triangles, clustering, k-core, …) read: every edge in both directions, repeated edges
//! once, self-loops dropped — networkx's `Graph(G)` minus its self-loops. Each worker
//! builds the lists of its own vertices from their out- and in-lists, without an exchange.

use super::Graph;
use crate::Result;
use crate::ids::VertexKey;

/// The undirected simple adjacency of one worker's vertices: the neighbours of local
/// vertex `i` are `nbrs[offsets[i]..offsets[i + 1]]`, global dense indices, each once, in
/// the order of the vertex's out-list then in-list (not sorted).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct SimpleLists {
    pub(crate) offsets: Vec<usize>,
    pub(crate) nbrs: Vec<u32>,
}

impl SimpleLists {
    pub(crate) fn neighbors(&self, local: usize) -> &[u32] {
        &self.nbrs[self.offsets[local]..self.offsets[local + 1]]
    }

    pub(crate) fn degree(&self, local: usize) -> usize {
        self.offsets[local + 1] - self.offsets[local]
    }

    /// The number of local vertices.
    pub(crate) fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The lists of every worker's vertices, concatenated in worker order (dense index
    /// order): what an algorithm that reads remote neighbourhoods holds on each worker.
    pub(crate) fn concatenate(parts: Vec<SimpleLists>) -> SimpleLists {
        let mut all = SimpleLists { offsets: vec![0], nbrs: Vec::new() };
        for part in parts {
            let base = all.nbrs.len();
            all.offsets.extend(part.offsets[1..].iter().map(|o| o + base));
            all.nbrs.extend_from_slice(&part.nbrs);
        }
        all
    }
}

impl<K: VertexKey, VV, EV> Graph<'_, K, VV, EV> {
    /// This worker's vertices' lists in the undirected simple view (see the module note).
    pub(crate) fn simple_lists(&self) -> SimpleLists {
        self.distinct(|i| self.out.neighbors(i).iter().chain(self.inn.neighbors(i)), true)
    }

    /// This worker's vertices' out-lists (`out`) or in-lists with repeated edges once —
    /// the directed simple view (networkx's `DiGraph`; self-loops kept) — in list order.
    pub(crate) fn distinct_lists(&self, out: bool) -> SimpleLists {
        let adjacency = if out { &self.out } else { &self.inn };
        self.distinct(|i| adjacency.neighbors(i).iter(), false)
    }

    /// Each local vertex's `neighbours`, each once, in order (without the vertex itself
    /// when `drop_self`). Repeats are dropped with a mark per vertex of the graph rather
    /// than by sorting each list: a pass over the lists, several times faster.
    fn distinct<'a, I: Iterator<Item = &'a u32>>(
        &self,
        neighbours: impl Fn(usize) -> I,
        drop_self: bool,
    ) -> SimpleLists {
        let lo = self.lo();
        let len = self.values.len();
        let mut lists = SimpleLists { offsets: Vec::with_capacity(len + 1), nbrs: Vec::new() };
        lists.offsets.push(0);
        let mut mark = vec![u32::MAX; self.parts.len() as usize];
        for i in 0..len {
            let me = lo + i as u32;
            if drop_self {
                mark[me as usize] = me;
            }
            for &u in neighbours(i) {
                if mark[u as usize] != me {
                    mark[u as usize] = me;
                    lists.nbrs.push(u);
                }
            }
            lists.offsets.push(lists.nbrs.len());
        }
        lists.nbrs.shrink_to_fit();
        lists
    }

    /// Every vertex's degree in the undirected simple view, by dense index, from this
    /// worker's `lists` (one all-gather).
    ///
    /// # Errors
    /// A runtime failure.
    pub(crate) fn all_degrees(&self, lists: &SimpleLists) -> Result<Vec<u32>> {
        let mine: Vec<u32> = (0..lists.len()).map(|i| lists.degree(i) as u32).collect();
        Ok(self.worker.all_gather(mine)?.concat())
    }
}
