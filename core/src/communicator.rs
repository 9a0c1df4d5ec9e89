//! The `Communicator` trait: the only place where workers meet.
//!
//! A worker's communicator performs one *collective* operation: [`Communicator::exchange`]
//! sends one [`Batch`] to every peer (itself included) and returns the batch each peer sent
//! to it. Every other collective (all-gather, all-reduce, barriers, hash exchanges) is built
//! on it in [`crate::worker`].
//!
//! A [`Batch`] is type-erased: an in-process communicator moves it as it is (no copy, no
//! serialization), a network communicator calls [`Batch::encode`] and hands the receiver
//! a [`Batch::Encoded`]; [`Batch::decode`] accepts both. Nothing above this trait knows
//! which kind of communicator it runs on.
//!
//! **Note**: exchanges are collective: every worker must call them in the same order. A
//! communicator must turn a peer's failure or early exit into an `Err`, never a hang.

use std::any::Any;

use serde::{Serialize, de::DeserializeOwned};

use crate::{Error, Result};

/// Records that can cross workers: owned, sendable and serializable.
pub trait Data: Serialize + DeserializeOwned + Send + 'static {}
impl<T: Serialize + DeserializeOwned + Send + 'static> Data for T {}

/// A typed payload that can serialize itself when it has to cross a process boundary.
pub trait Payload: Send {
    /// Serializes the payload (postcard encoding of the whole vector).
    fn encode(&self) -> Result<Vec<u8>>;
    /// Converts into `Any` for a typed downcast on the receiving side.
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send>;

    /// The payload's type, for error messages.
    fn type_name(&self) -> &'static str;
}

impl<T: Data> Payload for Vec<T> {
    fn encode(&self) -> Result<Vec<u8>> {
        Ok(postcard::to_stdvec(self)?)
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        self
    }

    fn type_name(&self) -> &'static str {
        std::any::type_name::<Vec<T>>()
    }
}

/// One batch of records sent from one worker to another.
pub enum Batch {
    /// Records still in memory, moved as they are (in-process communicators).
    Local(Box<dyn Payload>),
    /// Records serialized with postcard (network communicators).
    Encoded(Vec<u8>),
}

impl Batch {
    /// Wraps a vector of records; no copy, no per-record work.
    pub fn new<T: Data>(records: Vec<T>) -> Self {
        Batch::Local(Box::new(records))
    }

    /// Serializes a local batch; an encoded batch is returned as it is.
    pub fn encode(self) -> Result<Vec<u8>> {
        match self {
            Batch::Local(payload) => payload.encode(),
            Batch::Encoded(bytes) => Ok(bytes),
        }
    }

    /// Returns the records, downcasting a local batch or deserializing an encoded one.
    ///
    /// # Errors
    /// [`Error::Serialization`] for bytes that do not decode as `Vec<T>`;
    /// [`Error::OutOfStep`] for a local batch of another type (the workers ran different
    /// exchanges); `receiver` names the decoding worker in that error.
    pub fn decode<T: Data>(self, receiver: usize) -> Result<Vec<T>> {
        match self {
            Batch::Local(payload) => {
                let found = payload.type_name();
                payload.into_any().downcast::<Vec<T>>().map(|b| *b).map_err(|_| Error::OutOfStep {
                    worker: receiver,
                    expected: std::any::type_name::<T>(),
                    found: format!("a batch of {found}"),
                })
            }
            Batch::Encoded(bytes) => Ok(postcard::from_bytes(&bytes)?),
        }
    }
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Batch::Local(_) => f.write_str("Batch::Local(..)"),
            Batch::Encoded(b) => write!(f, "Batch::Encoded({} bytes)", b.len()),
        }
    }
}

/// One worker's endpoint of the exchange fabric.
///
/// Implementations: the in-process channels of `eddy-runtime`'s local executor; the
/// TaskManager-to-TaskManager network transport of cluster mode.
pub trait Communicator: Send {
    /// This worker's index in `0..peers()`.
    fn index(&self) -> usize;

    /// The number of workers (= partitions) of the job.
    fn peers(&self) -> usize;

    /// Sends `outgoing[j]` to worker `j` for every `j` and returns, in worker order, the
    /// batch every worker sent to this one. Collective: every worker must call it.
    ///
    /// # Errors
    /// [`Error::PeerFailed`] or [`Error::PeerFinished`] when a peer stops taking part.
    fn exchange(&mut self, outgoing: Vec<Batch>) -> Result<Vec<Batch>>;

    /// Tells every peer that this worker failed, so that they stop waiting for it.
    fn abort(&mut self, reason: &str);

    /// Tells every peer that this worker finished its job normally.
    fn finish(&mut self);

    /// True if this communicator runs [`Communicator::gather`] through a coordinator
    /// (cluster mode's JobManager, which thereby drives the superstep barriers); false
    /// (the default) makes [`crate::Worker::control_gather`] an ordinary exchange of
    /// typed batches.
    fn coordinates_gathers(&self) -> bool {
        false
    }

    /// All-gather of one small serialized value per worker: every worker receives every
    /// worker's bytes, in worker order. Collective. Called by
    /// [`crate::Worker::control_gather`] — hence by every all-reduce, barrier and bulk
    /// superstep barrier — when [`Communicator::coordinates_gathers`] is true. The default
    /// sends the bytes to every peer with [`Communicator::exchange`].
    ///
    /// # Errors
    /// As [`Communicator::exchange`].
    fn gather(&mut self, value: Vec<u8>) -> Result<Vec<Vec<u8>>> {
        let outgoing = (0..self.peers()).map(|_| Batch::Encoded(value.clone())).collect();
        self.exchange(outgoing)?.into_iter().map(Batch::encode).collect()
    }

    /// Why the job was cancelled, once the executor cancelled it (the superstep engine
    /// asks at every boundary); `None` (the default) while it runs.
    fn cancelled(&self) -> Option<String> {
        None
    }
}

/// The communicator of a job with a single worker: every exchange returns what it sent.
/// Runs a job sequentially on the calling thread, without an executor.
#[derive(Debug, Default)]
pub struct Loopback;

impl Communicator for Loopback {
    fn index(&self) -> usize {
        0
    }

    fn peers(&self) -> usize {
        1
    }

    fn exchange(&mut self, outgoing: Vec<Batch>) -> Result<Vec<Batch>> {
        if outgoing.len() != 1 {
            return Err(Error::Internal(format!("{} batches for 1 worker", outgoing.len())));
        }
        Ok(outgoing)
    }

    fn abort(&mut self, _reason: &str) {}

    fn finish(&mut self) {}
}

/// Runs `job` on one worker on the calling thread (a [`Loopback`] communicator): the
/// one-line harness of this crate's doc examples. `eddy-runtime` runs jobs on P workers.
///
/// # Example
/// ```
/// let n = eddy_core::communicator::run_single(|worker| worker.generate(10, |i| i).filter(|i| i % 2 == 0).count())?;
/// assert_eq!(n, 5);
/// # Ok::<(), eddy_core::Error>(())
/// ```
pub fn run_single<R>(job: impl FnOnce(&crate::Worker) -> Result<R>) -> Result<R> {
    let worker = crate::Worker::new(Box::new(Loopback), crate::JobHooks::default());
    job(&worker)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_and_encoded_batches_decode_to_the_same_records() {
        let records = vec![(1u64, "a".to_string()), (2, "bc".to_string())];
        let local: Vec<(u64, String)> = Batch::new(records.clone()).decode(0).unwrap();
        assert_eq!(local, records);
        let bytes = Batch::new(records.clone()).encode().unwrap();
        let decoded: Vec<(u64, String)> = Batch::Encoded(bytes).decode(0).unwrap();
        assert_eq!(decoded, records);
    }

    #[test]
    fn wrong_type_and_garbage_are_errors() {
        let err = Batch::new(vec![1u32]).decode::<String>(3).unwrap_err();
        assert!(matches!(err, Error::OutOfStep { worker: 3, .. }), "{err}");
        assert!(err.to_string().contains("alloc::vec::Vec<u32>"), "{err}");
        let err = Batch::Encoded(vec![0xff, 0xff, 0xff]).decode::<String>(0).unwrap_err();
        assert!(matches!(err, Error::Serialization(_)), "{err}");
    }
}
