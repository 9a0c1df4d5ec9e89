//! The superstep engine: the one place where every superstep of every iteration ends.
//!
//! Every iterative loop of Eddy — core's bulk and delta iterations, gelly's three
//! iteration models and its fast kernels, every ML trainer — runs its supersteps through
//! a [`SuperstepEngine`]. The engine holds no partition data. At each boundary
//! ([`SuperstepEngine::end_superstep`]) it does, in this order and in one place:
//!
//! 1. **one barrier** over the control values ([`Control`]: active count, changed count,
//!    aggregate) — [`Worker::control_gather`], which goes through the JobManager in
//!    cluster mode — merged in worker order, so every worker holds the same global values;
//! 2. **the convergence decision**: the iteration's criterion on the global aggregate,
//!    "nothing active any more" for loops that halt when idle, or the superstep limit;
//! 3. **metrics**, reported once per superstep (worker 0, to the job's
//!    [`SuperstepListener`](super::metrics::SuperstepListener));
//! 4. **a checkpoint** when the job's [`CheckpointStore`] asks for one: the loop's
//!    [`IterationState`] is saved with the engine's own control values;
//! 5. **cancellation**: a job cancelled during superstep `k` ends after superstep `k`'s
//!    boundary with [`Error::Cancelled`].
//!
//! When the job's store holds a checkpoint of this iteration,
//! [`SuperstepEngine::start`] restores the loop's state from it and the loop continues
//! with the next superstep, as if it had never stopped: results are bit-identical.
//!
//! A loop looks like this:
//!
//! ```
//! use eddy_core::{Control, Iteration, IterationKind, SuperstepEngine, Sum};
//! let total = eddy_core::run_single(|worker| {
//!     let iteration = Iteration::new(10).aggregate::<Sum<u64>>().converge_when(|s| s.get() >= 6);
//!     let mut state = vec![0u64]; // the loop's own state (an `IterationState`)
//!     let mut engine = SuperstepEngine::start(worker, IterationKind::Bulk, &iteration, false, &mut state)?;
//!     while let Some(number) = engine.next_superstep() {
//!         state[0] += u64::from(number); // 1 + 2 + 3 = 6 after superstep 3
//!         let local = Control { active: 1, changed: 1, aggregate: Sum(state[0]) };
//!         if engine.end_superstep(local, &state)?.done {
//!             break;
//!         }
//!     }
//!     Ok((state[0], engine.finish().supersteps))
//! })?;
//! assert_eq!(total, (6, 3));
//! # Ok::<(), eddy_core::Error>(())
//! ```
//!
//! **Note**: the engine's decisions are taken on global values only, so every worker
//! leaves the loop at the same superstep. A loop must not decide to stop on local values,
//! and it must save in [`IterationState::save`] everything its next superstep reads —
//! state it keeps elsewhere (a closure's captured variables) is not restored.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Instant;

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use super::aggregator::Aggregator;
use super::metrics::{IterationKind, SuperstepMetrics};
use super::{Iteration, IterationSummary};
use crate::worker::Worker;
use crate::{Error, Result};

/// The control values of one superstep: this worker's share before the barrier, the
/// global sums after it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Control<A> {
    /// What was active: vertices computed, workset or partial-solution records.
    pub active: u64,
    /// What changed: vertex values updated, delta records, rows reassigned.
    pub changed: u64,
    /// The superstep's aggregate.
    pub aggregate: A,
}

/// What a boundary decided, identical on every worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary<A> {
    /// The superstep that just ended, from 1.
    pub superstep: u32,
    /// The global control values of that superstep.
    pub global: Control<A>,
    /// True if the iteration ends here: converged, idle, or at its superstep limit.
    pub done: bool,
    /// True if it ends because it converged (criterion or idle), not at the limit.
    pub converged: bool,
}

/// The state an iteration carries from one superstep to the next, as the loop that owns
/// it saves and restores it for checkpoints. Every loop implements it for its own state
/// (partial solution, solution set and workset, vertex values and pending messages, …).
pub trait IterationState {
    /// Encodes the state as it is at the end of a superstep.
    ///
    /// # Errors
    /// A value that cannot be encoded.
    fn save(&self) -> Result<Vec<u8>>;

    /// Replaces the state with one [`IterationState::save`] produced.
    ///
    /// # Errors
    /// Bytes that do not decode to this state.
    fn restore(&mut self, bytes: &[u8]) -> Result<()>;
}

/// Stateless loops (everything they need is recomputed from loop-invariant data).
impl IterationState for () {
    fn save(&self) -> Result<Vec<u8>> {
        Ok(Vec::new())
    }
    fn restore(&mut self, _bytes: &[u8]) -> Result<()> {
        Ok(())
    }
}

/// A vector of records (e.g. a bulk iteration's partial solution).
impl<T: Serialize + DeserializeOwned> IterationState for Vec<T> {
    fn save(&self) -> Result<Vec<u8>> {
        Ok(postcard::to_stdvec(self)?)
    }
    fn restore(&mut self, bytes: &[u8]) -> Result<()> {
        *self = postcard::from_bytes(bytes)?;
        Ok(())
    }
}

/// Two states saved together.
impl<S: IterationState, T: IterationState> IterationState for (S, T) {
    fn save(&self) -> Result<Vec<u8>> {
        Ok(postcard::to_stdvec(&(self.0.save()?, self.1.save()?))?)
    }
    fn restore(&mut self, bytes: &[u8]) -> Result<()> {
        let (a, b): (Vec<u8>, Vec<u8>) = postcard::from_bytes(bytes)?;
        self.0.restore(&a)?;
        self.1.restore(&b)
    }
}

/// Implements [`IterationState`] for a `Serialize + Deserialize` state struct: the whole
/// struct is the state.
#[macro_export]
macro_rules! serde_iteration_state {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::IterationState for $t {
            fn save(&self) -> $crate::Result<Vec<u8>> {
                $crate::iteration::superstep::encode(self)
            }
            fn restore(&mut self, bytes: &[u8]) -> $crate::Result<()> {
                *self = $crate::iteration::superstep::decode(bytes)?;
                Ok(())
            }
        }
    )*};
}

/// Encodes a state value (postcard), for [`IterationState`] implementations.
///
/// # Errors
/// A value serde cannot encode.
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    Ok(postcard::to_stdvec(value)?)
}

/// Decodes what [`encode`] produced.
///
/// # Errors
/// Bytes that do not decode to a `T`.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    Ok(postcard::from_bytes(bytes)?)
}

/// One worker's saved iteration state at the end of a superstep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Which iteration of the job (0 for the job's first, counted per worker).
    pub iteration: u32,
    /// The superstep after which it was taken.
    pub superstep: u32,
    /// The worker that saved it.
    pub worker: usize,
    /// The job's parallelism (a checkpoint resumes at the same parallelism only).
    pub parallelism: usize,
    /// The engine's own values (the summary so far), encoded.
    pub engine: Vec<u8>,
    /// The loop's state ([`IterationState::save`]).
    pub state: Vec<u8>,
}

/// Where a job's checkpoints go and come from. The runtime hands one to every worker of
/// a job (`LocalRuntime::with_checkpoints`).
pub trait CheckpointStore: Send + Sync {
    /// True if the state after superstep `superstep` of iteration `iteration` is to be
    /// saved.
    fn wants(&self, iteration: u32, superstep: u32) -> bool;

    /// Keeps a checkpoint (replacing an older one of the same iteration and worker).
    ///
    /// # Errors
    /// The store could not keep it.
    fn save(&self, checkpoint: Checkpoint) -> Result<()>;

    /// The latest checkpoint of `iteration` saved by `worker`, if any.
    fn latest(&self, iteration: u32, worker: usize) -> Option<Checkpoint>;
}

/// A [`CheckpointStore`] in memory: saves after the supersteps a policy picks, keeps the
/// latest checkpoint per iteration and worker. Share it (`Arc`) between the run that
/// saves and the run that resumes.
pub struct MemoryCheckpoints {
    policy: Box<dyn Fn(u32, u32) -> bool + Send + Sync>,
    saved: Mutex<Vec<Checkpoint>>,
}

impl std::fmt::Debug for MemoryCheckpoints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryCheckpoints").field("saved", &self.saved().len()).finish()
    }
}

impl MemoryCheckpoints {
    /// Saves after every superstep `(iteration, superstep)` for which `policy` is true.
    pub fn new(policy: impl Fn(u32, u32) -> bool + Send + Sync + 'static) -> Self {
        MemoryCheckpoints { policy: Box::new(policy), saved: Mutex::new(Vec::new()) }
    }

    /// Saves after superstep `superstep` of every iteration.
    pub fn at(superstep: u32) -> Self {
        Self::new(move |_, s| s == superstep)
    }

    /// Saves nothing; resumes from what [`MemoryCheckpoints::insert`] put in.
    pub fn none() -> Self {
        Self::new(|_, _| false)
    }

    /// Every checkpoint kept, in the order they were saved.
    pub fn saved(&self) -> Vec<Checkpoint> {
        self.saved.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Adds checkpoints (e.g. those another store saved) to resume from.
    pub fn insert(&self, checkpoints: impl IntoIterator<Item = Checkpoint>) {
        let mut saved = self.saved.lock().unwrap_or_else(PoisonError::into_inner);
        for checkpoint in checkpoints {
            saved.retain(|c| (c.iteration, c.worker) != (checkpoint.iteration, checkpoint.worker));
            saved.push(checkpoint);
        }
    }
}

impl CheckpointStore for MemoryCheckpoints {
    fn wants(&self, iteration: u32, superstep: u32) -> bool {
        (self.policy)(iteration, superstep)
    }

    fn save(&self, checkpoint: Checkpoint) -> Result<()> {
        self.insert([checkpoint]);
        Ok(())
    }

    fn latest(&self, iteration: u32, worker: usize) -> Option<Checkpoint> {
        self.saved
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .rev()
            .find(|c| c.iteration == iteration && c.worker == worker)
            .cloned()
    }
}

/// Cancels a running job from any thread: every iteration of the job ends after the
/// boundary of the superstep it is in, with [`Error::Cancelled`]. Cheap to clone; all
/// clones cancel the same job. Give it to the runtime (`LocalRuntime::with_cancel_token`).
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<OnceLock<String>>);

impl CancelToken {
    /// A token that has not been cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels with `reason` (only the first reason is kept).
    pub fn cancel(&self, reason: &str) {
        let _ = self.0.set(reason.to_string());
    }

    /// The reason, once cancelled.
    pub fn reason(&self) -> Option<&str> {
        self.0.get().map(String::as_str)
    }
}

/// The engine's part of a checkpoint: the summary so far.
#[derive(Serialize, Deserialize)]
struct EngineState<A> {
    superstep: u32,
    previous: Option<A>,
    active: Option<u64>,
}

/// Runs the supersteps of one iteration on one worker (see the module documentation).
pub struct SuperstepEngine<'a, A: Aggregator> {
    worker: &'a Worker,
    kind: IterationKind,
    config: &'a Iteration<A>,
    halt_when_idle: bool,
    /// Which iteration of the job this is (per worker; the same on every worker).
    ordinal: u32,
    summary: IterationSummary<A>,
    /// The last boundary's global active count.
    active: Option<u64>,
    ended: bool,
    started: Instant,
    last: Instant,
}

impl<A: Aggregator> std::fmt::Debug for SuperstepEngine<'_, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SuperstepEngine")
            .field("kind", &self.kind)
            .field("iteration", &self.ordinal)
            .field("superstep", &self.summary.supersteps)
            .finish()
    }
}

impl<'a, A: Aggregator> SuperstepEngine<'a, A> {
    /// Starts an iteration on `worker`: at most `config.max_iterations()` supersteps,
    /// stopping early when `config`'s criterion holds, or — if `halt_when_idle` — when
    /// the global active count is 0. If the job's checkpoint store holds a checkpoint of
    /// this iteration, `state` is restored from it and the loop resumes after its
    /// superstep.
    ///
    /// # Errors
    /// A checkpoint that does not fit (another parallelism, workers at different
    /// supersteps, bytes `state` cannot read), or a failed peer.
    pub fn start(
        worker: &'a Worker,
        kind: IterationKind,
        config: &'a Iteration<A>,
        halt_when_idle: bool,
        state: &mut dyn IterationState,
    ) -> Result<Self> {
        let now = Instant::now();
        let mut engine = SuperstepEngine {
            worker,
            kind,
            config,
            halt_when_idle,
            ordinal: worker.next_iteration(),
            summary: IterationSummary { supersteps: 0, converged: false, aggregate: None },
            active: None,
            ended: false,
            started: now,
            last: now,
        };
        if let Some(store) = worker.checkpoints() {
            engine.resume(store.latest(engine.ordinal, worker.index()), state)?;
        }
        Ok(engine)
    }

    fn resume(&mut self, checkpoint: Option<Checkpoint>, state: &mut dyn IterationState) -> Result<()> {
        let at = checkpoint.as_ref().map(|c| c.superstep);
        let all = self.worker.control_gather(at)?;
        if all.iter().any(|a| *a != at) {
            return Err(Error::InvalidParameter {
                name: "checkpoint",
                reason: format!(
                    "the workers' checkpoints of iteration {} are at different supersteps: {all:?}",
                    self.ordinal
                ),
            });
        }
        let Some(checkpoint) = checkpoint else { return Ok(()) };
        if checkpoint.parallelism != self.worker.parallelism() {
            return Err(Error::InvalidParameter {
                name: "checkpoint",
                reason: format!(
                    "saved with {} workers, resumed with {}",
                    checkpoint.parallelism,
                    self.worker.parallelism()
                ),
            });
        }
        let saved: EngineState<A> = decode(&checkpoint.engine)?;
        state.restore(&checkpoint.state)?;
        self.active = saved.active;
        self.summary =
            IterationSummary { supersteps: saved.superstep, converged: false, aggregate: saved.previous };
        tracing::debug!(
            iteration = self.ordinal,
            superstep = self.summary.supersteps,
            "resumed from a checkpoint"
        );
        Ok(())
    }

    /// The number of the superstep to run next (from 1), or `None` once the iteration
    /// has ended or reached its superstep limit.
    pub fn next_superstep(&self) -> Option<u32> {
        (!self.ended && self.summary.supersteps < self.config.max_iterations())
            .then_some(self.summary.supersteps + 1)
    }

    /// The number of the last superstep that ended (0 before the first).
    pub fn superstep(&self) -> u32 {
        self.summary.supersteps
    }

    /// The previous superstep's global aggregate (`None` before the first boundary).
    pub fn previous(&self) -> Option<&A> {
        self.summary.aggregate.as_ref()
    }

    /// The previous superstep's global active count (`None` before the first boundary) —
    /// what a loop decides its next superstep's strategy on (push or pull).
    pub fn previous_active(&self) -> Option<u64> {
        self.active
    }

    /// Ends the current superstep: the barrier over `local` (this worker's control
    /// values), the convergence decision, metrics, a checkpoint of `state` if the store
    /// asks for one, and cancellation (see the module documentation).
    ///
    /// # Errors
    /// A failed peer, a job cancelled during this superstep, a checkpoint that could not
    /// be saved.
    pub fn end_superstep(&mut self, local: Control<A>, state: &dyn IterationState) -> Result<Boundary<A>> {
        let number = self.summary.supersteps + 1;
        let mut global = Control { active: 0, changed: 0, aggregate: A::default() };
        for part in self.worker.control_gather(local)? {
            global.active += part.active;
            global.changed += part.changed;
            global.aggregate.merge(&part.aggregate);
        }
        let converged =
            (self.halt_when_idle && global.active == 0) || self.config.converged(&global.aggregate);
        let done = converged || number >= self.config.max_iterations();
        self.ended = done;
        self.active = Some(global.active);
        self.summary =
            IterationSummary { supersteps: number, converged, aggregate: Some(global.aggregate.clone()) };
        self.report(&global, converged);
        if let Some(store) = self.worker.checkpoints()
            && !done
            && store.wants(self.ordinal, number)
        {
            let engine = EngineState {
                superstep: number,
                previous: self.summary.aggregate.clone(),
                active: self.active,
            };
            store.save(Checkpoint {
                iteration: self.ordinal,
                superstep: number,
                worker: self.worker.index(),
                parallelism: self.worker.parallelism(),
                engine: encode(&engine)?,
                state: state.save()?,
            })?;
        }
        if let Some(reason) = self.worker.cancellation() {
            return Err(Error::Cancelled { reason });
        }
        Ok(Boundary { superstep: number, global, done, converged })
    }

    /// Ends an iteration that ran no superstep at all (e.g. an empty input), so that
    /// [`SuperstepEngine::finish`] reports it as converged.
    pub fn end_empty(&mut self) {
        self.ended = true;
        self.summary.converged = true;
    }

    /// How the iteration ended.
    pub fn finish(self) -> IterationSummary<A> {
        self.summary
    }

    fn report(&mut self, global: &Control<A>, converged: bool) {
        let now = Instant::now();
        let elapsed = now - self.last;
        self.last = now;
        tracing::debug!(
            kind = ?self.kind,
            superstep = self.summary.supersteps,
            active = global.active,
            changed = global.changed,
            converged,
            "superstep done"
        );
        if self.worker.index() != 0 {
            return;
        }
        if let Some(listener) = self.worker.listener() {
            listener.on_superstep(&SuperstepMetrics {
                kind: self.kind,
                superstep: self.summary.supersteps,
                workset_size: global.active,
                delta_size: (self.kind != IterationKind::Bulk).then_some(global.changed),
                aggregates: global.aggregate.values(),
                converged,
                elapsed,
                total_elapsed: now - self.started,
            });
        }
    }
}
