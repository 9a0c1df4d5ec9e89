//! Delta iteration: a solution set indexed by key, updated in place by a delta, and a
//! workset that drives the work of each superstep.
//!
//! Before superstep 1 the solution set is partitioned by key and indexed in a hash table
//! on its owner. Each superstep hands the workset to the step function, which may look
//! records up in the [`SolutionSet`] (directly, or with
//! [`DataSet::join_solution_set`]) and returns a delta and the next workset. The barrier
//! is one exchange that carries the delta records to the owners of their keys together
//! with the aggregators and workset sizes; the owners upsert the delta into their index.
//! The loop ends when the workset is empty on all workers, when the convergence
//! criterion holds, or after `max_iterations`.
//!
//! **Note**: nothing in a superstep touches the whole solution set, so its cost follows
//! the workset; the step sees the solution set as it was before this superstep's delta.

use std::cell::RefCell;
use std::hash::Hash;
use std::rc::Rc;

use super::aggregator::Aggregator;
use super::metrics::IterationKind;
use super::superstep::{Control, IterationState, SuperstepEngine, decode, encode};
use super::{Iteration, IterationSummary, Superstep};
use crate::Result;
use crate::communicator::Data;
use crate::dataset::DataSet;
use crate::hash::{FxHashMap, partition_of};

/// This worker's partition of the solution set of a delta iteration, indexed by key.
/// Cheap to clone into operator closures.
#[derive(Debug)]
pub struct SolutionSet<K, S> {
    index: Rc<RefCell<FxHashMap<K, S>>>,
    worker: usize,
    peers: usize,
}

impl<K, S> Clone for SolutionSet<K, S> {
    fn clone(&self) -> Self {
        SolutionSet { index: Rc::clone(&self.index), worker: self.worker, peers: self.peers }
    }
}

impl<K: Hash + Eq, S> SolutionSet<K, S> {
    /// A copy of the record stored under `key`.
    ///
    /// # Panics
    /// If `key` belongs to another worker: look keys up where they live — after
    /// [`DataSet::join_solution_set`], `partition_by_hash`, or a keyed operator on the same
    /// key — never from a workset that was not partitioned by key (a silent `None` would
    /// give wrong results).
    pub fn get(&self, key: &K) -> Option<S>
    where
        S: Clone,
    {
        self.with(key, |s| s.cloned())
    }

    /// Calls `f` with the record stored under `key` (if any) without copying it.
    ///
    /// # Panics
    /// If `key` belongs to another worker, as [`SolutionSet::get`].
    pub fn with<R>(&self, key: &K, f: impl FnOnce(Option<&S>) -> R) -> R {
        let owner = partition_of(key, self.peers);
        assert!(
            owner == self.worker,
            "solution-set lookup on worker {} of a key owned by worker {owner}: partition the \
             workset by the solution-set key first (join_solution_set does)",
            self.worker
        );
        f(self.index.borrow().get(key))
    }

    /// The number of records on this worker.
    pub fn local_len(&self) -> usize {
        self.index.borrow().len()
    }
}

/// What the step function of a delta iteration sees.
#[derive(Debug)]
pub struct DeltaStep<K, S, A> {
    superstep: Superstep<A>,
    solution: SolutionSet<K, S>,
}

impl<K, S, A> DeltaStep<K, S, A> {
    /// The superstep context: number, previous aggregate, aggregator handle.
    pub fn superstep(&self) -> &Superstep<A> {
        &self.superstep
    }

    /// The solution set as of the start of this superstep.
    pub fn solution_set(&self) -> &SolutionSet<K, S> {
        &self.solution
    }
}

impl<A: Aggregator> Iteration<A> {
    /// Runs a delta iteration.
    ///
    /// # Arguments
    /// - `solution`: the initial solution set; `key` identifies its records (later
    ///   records with an equal key replace earlier ones).
    /// - `workset`: the initial workset.
    /// - `step`: maps (context, workset) to (delta, next workset). Delta records upsert
    ///   the solution set by key at the end of the superstep.
    ///
    /// # Returns
    /// The final solution set and an [`IterationSummary`] (`converged` is true when the
    /// workset ran empty or the criterion held).
    ///
    /// # Errors
    /// What the step returns, or a failed peer.
    ///
    /// # Complexity
    /// Per superstep: the step's own work plus O(delta) hash-table upserts and one
    /// exchange — independent of the solution set's size.
    pub fn delta<'w: 's, 's, K, S, W, F>(
        &self,
        solution: DataSet<'w, S>,
        key: impl Fn(&S) -> K,
        workset: DataSet<'w, W>,
        mut step: F,
    ) -> Result<(DataSet<'w, S>, IterationSummary<A>)>
    where
        K: Hash + Eq + 'w,
        S: Data,
        W: Data,
        F: FnMut(&DeltaStep<K, S, A>, DataSet<'s, W>) -> Result<(DataSet<'s, S>, DataSet<'s, W>)>,
    {
        let worker = solution.worker;
        let peers = worker.parallelism();
        let mut index: FxHashMap<K, S> = FxHashMap::default();
        for record in solution.partition_by_hash(&key)?.iter {
            index.insert(key(&record), record);
        }
        let solution = SolutionSet { index: Rc::new(RefCell::new(index)), worker: worker.index(), peers };
        let mut state =
            DeltaState { solution: solution.clone(), key: &key, workset: workset.collect_partition() };
        let mut engine = SuperstepEngine::start(worker, IterationKind::Delta, self, true, &mut state)?;
        let workset_size = worker.all_reduce(state.workset.len() as u64, |a, b| a + b)?;
        if workset_size == 0 {
            engine.end_empty();
        }
        while let Some(number) = engine.next_superstep() {
            let context = DeltaStep {
                superstep: Superstep::new(number, engine.previous().cloned()),
                solution: solution.clone(),
            };
            let (delta, next) =
                step(&context, DataSet::from_iter(worker, std::mem::take(&mut state.workset)))?;
            state.workset = next.collect_partition();
            let mut buckets: Vec<Vec<S>> = (0..peers).map(|_| Vec::new()).collect();
            for record in delta.iter {
                buckets[partition_of(&key(&record), peers)].push(record);
            }
            let delta_size = buckets.iter().map(Vec::len).sum::<usize>() as u64;
            {
                let mut index = solution.index.borrow_mut();
                for record in worker.all_to_all(buckets)?.into_iter().flatten() {
                    index.insert(key(&record), record);
                }
            }
            let local = Control {
                active: state.workset.len() as u64,
                changed: delta_size,
                aggregate: context.superstep.aggregator.take(),
            };
            drop(context);
            if engine.end_superstep(local, &state)?.done {
                break;
            }
        }
        drop(state);
        let records: Vec<S> = match Rc::try_unwrap(solution.index) {
            Ok(cell) => cell.into_inner().into_values().collect(),
            Err(shared) => shared.borrow_mut().drain().map(|(_, v)| v).collect(),
        };
        Ok((DataSet::from_iter(worker, records), engine.finish()))
    }
}

/// A delta iteration's state between supersteps: this worker's solution-set records and
/// workset.
struct DeltaState<'k, K, S, W, F> {
    solution: SolutionSet<K, S>,
    key: &'k F,
    workset: Vec<W>,
}

impl<K: Hash + Eq, S: Data, W: Data, F: Fn(&S) -> K> IterationState for DeltaState<'_, K, S, W, F> {
    fn save(&self) -> Result<Vec<u8>> {
        let index = self.solution.index.borrow();
        let records: Vec<&S> = index.values().collect();
        encode(&(records, &self.workset))
    }

    fn restore(&mut self, bytes: &[u8]) -> Result<()> {
        let (records, workset): (Vec<S>, Vec<W>) = decode(bytes)?;
        let mut index = self.solution.index.borrow_mut();
        index.clear();
        for record in records {
            index.insert((self.key)(&record), record);
        }
        self.workset = workset;
        Ok(())
    }
}

impl<'w, S: Data> DataSet<'w, S> {
    /// Delta iteration without aggregators; `self` is the initial solution set.
    ///
    /// # Example
    /// Count down: the workset holds the keys still above zero; the delta decrements them.
    /// `join_solution_set` brings each workset key to the worker that owns it.
    /// ```
    /// let mut left = eddy_core::run_single(|w| {
    ///     let solution = w.from_slice(&[(1u32, 2u32), (2, 0), (3, 5)]);
    ///     let workset = w.from_slice(&[1u32, 3]);
    ///     solution
    ///         .iterate_delta(|s| s.0, workset, 3, |step, keys| {
    ///             let found = keys.join_solution_set(step.solution_set(), |k| *k)?;
    ///             let delta = found.map(|(_, (k, n))| (k, n - 1)).cache();
    ///             let next = delta.dataset().filter(|s| s.1 > 0).map(|s| s.0);
    ///             Ok((delta.dataset(), next))
    ///         })?
    ///         .collect()
    /// })?;
    /// left.sort();
    /// assert_eq!(left, vec![(1, 0), (2, 0), (3, 2)]); // 3 supersteps at most
    /// # Ok::<(), eddy_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// What the step returns, or a failed peer.
    pub fn iterate_delta<'s, K, W, F>(
        self,
        key: impl Fn(&S) -> K,
        workset: DataSet<'w, W>,
        max_iterations: u32,
        step: F,
    ) -> Result<DataSet<'w, S>>
    where
        'w: 's,
        K: Hash + Eq + 'w,
        W: Data,
        F: FnMut(&DeltaStep<K, S, ()>, DataSet<'s, W>) -> Result<(DataSet<'s, S>, DataSet<'s, W>)>,
    {
        Iteration::new(max_iterations).delta(self, key, workset, step).map(|(result, _)| result)
    }
}

impl<'w, W: Data> DataSet<'w, W> {
    /// Joins every workset record with the solution-set record of the same key (inner
    /// join): partitions the workset by `key` — the solution set's partitioning — and
    /// looks each record up in the local index.
    ///
    /// # Errors
    /// A failed peer during the exchange.
    pub fn join_solution_set<K, S>(
        self,
        solution: &SolutionSet<K, S>,
        key: impl Fn(&W) -> K + 'w,
    ) -> Result<DataSet<'w, (W, S)>>
    where
        K: Hash + Eq + 'w,
        S: Clone + 'w,
    {
        let solution = solution.clone();
        let exchanged = self.partition_by_hash(&key)?;
        Ok(exchanged.flat_map(move |w| solution.get(&key(&w)).map(|s| (w, s))))
    }
}
