//! Worker threads kept between jobs.
//!
//! Starting and ending P threads costs tens of microseconds per job, which dominated
//! small jobs (a 10-vertex PageRank from Python spent most of its time in thread
//! creation). [`reserve`] hands out a cached pool of exactly P threads (rayon) for one
//! job; the job's workers run one per thread with `spawn_broadcast`.
//!
//! **Note**: a pool serves one job at a time. A job that finds its pool busy (a job
//! started concurrently from another thread, or by a worker of a running job) gets
//! none and runs on threads of its own, as every job did before pools existed — it
//! must never queue behind another job's blocked workers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Pools kept at most; the least recently used idle one goes first.
const CACHED_POOLS: usize = 4;

pub(crate) struct Pool {
    threads: rayon::ThreadPool,
    parallelism: usize,
    busy: AtomicBool,
}

/// Cached pools, least recently used first. `busy` only becomes true under this lock.
static POOLS: Mutex<Vec<Arc<Pool>>> = Mutex::new(Vec::new());

/// A pool reserved for one job, released when dropped.
pub(crate) struct Reserved(Arc<Pool>);

impl Reserved {
    /// The pool's threads, exactly as many as the job has workers.
    pub(crate) fn threads(&self) -> &rayon::ThreadPool {
        &self.0.threads
    }
}

impl Drop for Reserved {
    fn drop(&mut self) {
        self.0.busy.store(false, Ordering::Release);
    }
}

/// A pool of `parallelism` threads for one job, or `None` when the pool of that size is
/// busy or no threads could be started (the caller then starts its own threads).
pub(crate) fn reserve(parallelism: usize) -> Option<Reserved> {
    let mut pools = POOLS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(i) = pools.iter().position(|p| p.parallelism == parallelism) {
        if pools[i].busy.load(Ordering::Acquire) {
            return None;
        }
        let pool = pools.remove(i);
        pool.busy.store(true, Ordering::Release);
        pools.push(Arc::clone(&pool));
        return Some(Reserved(pool));
    }
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(parallelism)
        .thread_name(|i| format!("eddy-worker-{i}"))
        .build()
        .map_err(|e| tracing::debug!(error = %e, "no worker pool; starting threads per job"))
        .ok()?;
    let pool = Arc::new(Pool { threads, parallelism, busy: AtomicBool::new(true) });
    pools.push(Arc::clone(&pool));
    if pools.len() > CACHED_POOLS
        && let Some(idle) = pools.iter().position(|p| !p.busy.load(Ordering::Acquire))
    {
        pools.remove(idle);
    }
    Some(Reserved(pool))
}
