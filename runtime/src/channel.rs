//! `ChannelCommunicator`: the in-process [`Communicator`], one mailbox per worker.
//!
//! Every worker owns the receiving end of an unbounded channel and a sender to each
//! peer's mailbox. An exchange sends one envelope to every peer (moving the [`Batch`],
//! no serialization) and then collects one envelope from every peer. Envelopes that
//! belong to a later exchange — a fast peer may already be one exchange ahead — wait in
//! a per-peer queue.
//!
//! **Note**: a worker that fails sends `Abort` and a worker that returns sends
//! `Finished`; a peer waiting for either gets an `Err` instead of blocking forever, and
//! every later exchange of that peer fails the same way (a job that catches the error and
//! carries on cannot fall out of step). A [`CancelHandle`] cancels the whole job: every
//! worker's next exchange (or the one it waits in) fails with [`Error::Cancelled`].

use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, RecvError, Sender, TryRecvError, channel};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use eddy_core::{Batch, Communicator, Error, Result};

/// What travels between mailboxes.
#[derive(Debug)]
pub struct Envelope(Message);

#[derive(Debug)]
enum Message {
    Data(usize, Batch),
    Abort(usize, String),
    Finished(usize),
    Cancelled,
}

/// One worker's endpoint of the in-process exchange fabric.
pub struct ChannelCommunicator {
    index: usize,
    peers: Vec<Sender<Envelope>>,
    mailbox: Receiver<Envelope>,
    pending: Vec<VecDeque<Batch>>,
    finished: Vec<bool>,
    serialize: bool,
    /// Poll the mailbox for a while before sleeping on it (when every worker has a core).
    spin: bool,
    /// Set once when the job is cancelled, shared by every worker of the job.
    cancelled: Arc<OnceLock<String>>,
    /// The first failure seen; every later exchange fails with it (no partial rounds).
    failure: Option<Failure>,
}

/// Why this worker can no longer exchange.
#[derive(Debug, Clone)]
enum Failure {
    PeerFailed(usize, String),
    PeerFinished(usize),
    Cancelled(String),
}

impl Failure {
    fn to_error(&self, waiting: usize) -> Error {
        match self {
            Failure::PeerFailed(worker, reason) => {
                Error::PeerFailed { worker: *worker, reason: reason.clone() }
            }
            Failure::PeerFinished(worker) => Error::PeerFinished { worker: *worker, waiting },
            Failure::Cancelled(reason) => Error::Cancelled { reason: reason.clone() },
        }
    }
}

/// Tells the workers of one job that a worker failed before it could run (for example,
/// its thread could not be started), so that none of them waits for it.
#[derive(Debug, Clone)]
pub struct AbortHandle {
    index: usize,
    peers: Vec<Sender<Envelope>>,
}

impl AbortHandle {
    /// Sends `Abort` from worker `index` to every other worker.
    pub fn abort(&self, reason: &str) {
        for (j, peer) in self.peers.iter().enumerate() {
            if j != self.index {
                let _ = peer.send(Envelope(Message::Abort(self.index, reason.to_string())));
            }
        }
    }
}

/// Cancels a running job from outside its workers (see [`crate::supervised`]).
#[derive(Debug, Clone)]
pub struct CancelHandle {
    cancelled: Arc<OnceLock<String>>,
    mailboxes: Vec<Sender<Envelope>>,
}

/// How long a waiting worker polls its mailbox before it sleeps.
const SPIN: Duration = Duration::from_micros(50);

impl CancelHandle {
    /// Makes every worker's next exchange fail with [`Error::Cancelled`] and `reason`,
    /// and wakes the workers that wait in one. Only the first reason is kept.
    pub fn cancel(&self, reason: &str) {
        if self.cancelled.set(reason.to_string()).is_ok() {
            for mailbox in &self.mailboxes {
                let _ = mailbox.send(Envelope(Message::Cancelled));
            }
        }
    }

    /// True once [`CancelHandle::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.get().is_some()
    }
}

impl std::fmt::Debug for ChannelCommunicator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelCommunicator")
            .field("index", &self.index)
            .field("peers", &self.peers.len())
            .finish()
    }
}

impl ChannelCommunicator {
    /// Creates the connected endpoints of `parallelism` workers, in worker order. With
    /// `serialize`, every batch sent to another worker is encoded to bytes first, exactly
    /// as a network communicator would send it.
    pub fn create(parallelism: usize, serialize: bool) -> Vec<ChannelCommunicator> {
        let (senders, receivers): (Vec<_>, Vec<_>) = (0..parallelism).map(|_| channel()).unzip();
        let cancelled = Arc::new(OnceLock::new());
        let spin = parallelism <= crate::config::available_cores();
        receivers
            .into_iter()
            .enumerate()
            .map(|(index, mailbox)| ChannelCommunicator {
                index,
                peers: senders.clone(),
                mailbox,
                pending: (0..parallelism).map(|_| VecDeque::new()).collect(),
                finished: vec![false; parallelism],
                serialize,
                spin,
                cancelled: Arc::clone(&cancelled),
                failure: None,
            })
            .collect()
    }

    /// A handle that can abort the job in this worker's name, usable before it starts.
    pub fn abort_handle(&self) -> AbortHandle {
        AbortHandle { index: self.index, peers: self.peers.clone() }
    }

    /// A handle that cancels the job of this worker (and of all its peers).
    pub fn cancel_handle(&self) -> CancelHandle {
        CancelHandle { cancelled: Arc::clone(&self.cancelled), mailboxes: self.peers.clone() }
    }

    /// The next envelope. A peer a few microseconds behind is the common case in small
    /// supersteps, and waking a thread that sleeps on the mailbox costs several
    /// microseconds more, so a worker that has a core to itself polls for up to [`SPIN`]
    /// first.
    fn next_envelope(&self) -> Result<Envelope, RecvError> {
        if self.spin {
            let start = Instant::now();
            while start.elapsed() < SPIN {
                for _ in 0..64 {
                    match self.mailbox.try_recv() {
                        Ok(envelope) => return Ok(envelope),
                        Err(TryRecvError::Disconnected) => return Err(RecvError),
                        Err(TryRecvError::Empty) => std::hint::spin_loop(),
                    }
                }
            }
        }
        self.mailbox.recv()
    }

    fn send_all(&self, make: impl Fn() -> Envelope) {
        for (j, peer) in self.peers.iter().enumerate() {
            if j != self.index {
                // A peer that is gone no longer needs to hear from us.
                let _ = peer.send(make());
            }
        }
    }
}

impl Communicator for ChannelCommunicator {
    fn cancelled(&self) -> Option<String> {
        self.cancelled.get().cloned()
    }

    fn index(&self) -> usize {
        self.index
    }

    fn peers(&self) -> usize {
        self.peers.len()
    }

    fn exchange(&mut self, outgoing: Vec<Batch>) -> Result<Vec<Batch>> {
        let peers = self.peers.len();
        if self.failure.is_none()
            && let Some(reason) = self.cancelled.get()
        {
            self.failure = Some(Failure::Cancelled(reason.clone()));
        }
        if let Some(failure) = &self.failure {
            return Err(failure.to_error(self.index));
        }
        if outgoing.len() != peers {
            return Err(Error::Internal(format!("{} batches for {peers} workers", outgoing.len())));
        }
        for (j, batch) in outgoing.into_iter().enumerate() {
            if j == self.index {
                self.pending[j].push_back(batch);
                continue;
            }
            let batch = if self.serialize { Batch::Encoded(batch.encode()?) } else { batch };
            // A closed mailbox means that peer's thread has ended — after it sent us its
            // `Finished` or `Abort`, which the receive loop below turns into the error.
            let _ = self.peers[j].send(Envelope(Message::Data(self.index, batch)));
        }
        while let Some(missing) = (0..peers).find(|&j| self.pending[j].is_empty()) {
            if self.finished[missing] {
                self.failure = Some(Failure::PeerFinished(missing));
                break;
            }
            match self.next_envelope() {
                Ok(Envelope(Message::Data(from, batch))) => self.pending[from].push_back(batch),
                Ok(Envelope(Message::Abort(from, reason))) => {
                    self.failure = Some(Failure::PeerFailed(from, reason));
                    break;
                }
                Ok(Envelope(Message::Finished(from))) => self.finished[from] = true,
                Ok(Envelope(Message::Cancelled)) => {
                    let reason = self.cancelled.get().cloned().unwrap_or_default();
                    self.failure = Some(Failure::Cancelled(reason));
                    break;
                }
                Err(_) => return Err(Error::Internal("every sender of a mailbox is gone".into())),
            }
        }
        if let Some(failure) = &self.failure {
            return Err(failure.to_error(self.index));
        }
        Ok(self.pending.iter_mut().map(|q| q.pop_front().expect("checked non-empty")).collect())
    }

    fn abort(&mut self, reason: &str) {
        let index = self.index;
        self.send_all(|| Envelope(Message::Abort(index, reason.to_string())));
    }

    fn finish(&mut self) {
        let index = self.index;
        self.send_all(|| Envelope(Message::Finished(index)));
    }
}
