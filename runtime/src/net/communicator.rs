//! `NetCommunicator`: the network [`Communicator`], one TCP connection per remote peer.
//!
//! An exchange encodes every remote batch, keeps the batch to itself in memory, and then
//! — in one `block_on` on the data server's tokio runtime — writes the batches to the
//! peers (one after the other, starting with the next worker in ring order) *while*
//! draining its inbox into per-peer queues, and goes on draining until every peer's
//! batch for this exchange is there. Batches that belong to the next exchange (a fast
//! peer may be one ahead) wait in the queues, as in [`crate::ChannelCommunicator`].
//!
//! Why `block_on` rather than blocking std sockets: the sends and the inbox must make
//! progress *together* — a worker that only sent, and read its inbox afterwards, could
//! deadlock with a peer doing the same once both inboxes and socket buffers are full.
//! One `select!` over "send the next frame", "take the next inbox message" and "the job
//! was cancelled" gives that without a thread per connection. The worker threads are
//! plain OS threads (never tokio tasks), so blocking them is fine.
//!
//! **Note**: an exchange abandoned half-way (a peer failed, the job was cancelled) leaves
//! the connections it was writing to mid-frame; they are never written again and are
//! dropped at `finish`/`abort`, which their receivers report as a lost connection. A
//! failure is sticky: every later exchange fails the same way.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use eddy_core::{Batch, Communicator, Error, Result};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::time::Instant;

use super::frame::{
    FLAG_LAST, FrameHeader, FrameKind, HEADER_LEN, MAX_FRAME_PAYLOAD, read_frame, write_frame,
};
use super::server::{Inbox, Incoming};
use super::{ClusterSecret, NetOptions, NetRuntime, ensure_blocking_context};

/// How long to wait between attempts to reach a server that is not listening yet.
const CONNECT_RETRY: std::time::Duration = std::time::Duration::from_millis(25);

/// Cancels the workers of a job: every exchange they are in, or start later, fails with
/// [`Error::Cancelled`]. Cheap to clone; all clones cancel the same workers.
#[derive(Debug, Clone)]
pub struct NetCancelHandle(Arc<watch::Sender<Option<String>>>);

impl NetCancelHandle {
    pub(super) fn new() -> Self {
        NetCancelHandle(Arc::new(watch::Sender::new(None)))
    }

    /// Cancels with `reason`; only the first reason is kept.
    pub fn cancel(&self, reason: &str) {
        self.0.send_if_modified(|current| {
            if current.is_some() {
                return false;
            }
            *current = Some(reason.to_string());
            true
        });
    }

    /// True once [`NetCancelHandle::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.borrow().is_some()
    }
}

/// Byte and frame counters of one communicator, readable from any thread while it runs.
#[derive(Debug, Clone, Default)]
pub struct Traffic(Arc<Counters>);

#[derive(Debug, Default)]
struct Counters {
    frames_sent: AtomicU64,
    bytes_sent: AtomicU64,
    bytes_received: AtomicU64,
}

impl Traffic {
    /// `Data` frames written completely to peers so far.
    pub fn frames_sent(&self) -> u64 {
        self.0.frames_sent.load(Ordering::Relaxed)
    }

    /// Bytes of `Data` frames (headers included) written to peers so far.
    pub fn bytes_sent(&self) -> u64 {
        self.0.bytes_sent.load(Ordering::Relaxed)
    }

    /// Payload bytes of the batches received from peers so far.
    pub fn bytes_received(&self) -> u64 {
        self.0.bytes_received.load(Ordering::Relaxed)
    }
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

/// The state of an outgoing connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkState {
    /// Between frames: can be written.
    Clean,
    /// A batch was being written when the exchange was abandoned: never written again.
    Dirty,
    /// A write failed (the peer's server closed it): its peer's own message says why.
    Broken,
}

/// The connection to one remote peer.
struct Link {
    address: SocketAddr,
    /// The peer's worker index.
    to: u32,
    stream: TcpStream,
    /// The largest payload per frame: ours, or the server's if smaller.
    chunk: usize,
    state: LinkState,
}

/// A worker's endpoint of the network exchange fabric.
pub struct NetCommunicator {
    job: u64,
    index: usize,
    peers: usize,
    /// The connection to every remote peer (`None` for this worker).
    links: Vec<Option<Link>>,
    inbox: Inbox,
    /// Complete batches per peer, oldest first.
    pending: Vec<VecDeque<Batch>>,
    /// The chunks received so far of each peer's next batch.
    partial: Vec<Vec<u8>>,
    finished: Vec<bool>,
    failure: Option<Failure>,
    /// The sequence number of the next exchange.
    seq: u64,
    cancel: watch::Receiver<Option<String>>,
    traffic: Traffic,
    /// `finish` or `abort` was called.
    ended: bool,
    /// Declared last: dropped after the sockets that use it.
    runtime: Arc<NetRuntime>,
}

impl std::fmt::Debug for NetCommunicator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetCommunicator")
            .field("job", &self.job)
            .field("index", &self.index)
            .field("peers", &self.peers)
            .finish()
    }
}

impl NetCommunicator {
    /// Connects the worker of `inbox` to every other worker of its job: `addresses[j]` is
    /// the data server hosting worker `j` (this worker's own entry is not used). Blocks
    /// until every connection is open and accepted, retrying a server that does not
    /// listen yet for up to the options' `connect_timeout`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `addresses` does not have one entry per worker, the
    /// secret is longer than a frame, or this is called inside a tokio runtime;
    /// [`Error::Network`] naming the address of a peer that cannot be reached in time,
    /// refuses the handshake (a wrong secret, an unregistered job) or breaks it.
    pub fn connect(
        inbox: Inbox,
        addresses: &[SocketAddr],
        secret: &ClusterSecret,
    ) -> Result<NetCommunicator> {
        ensure_blocking_context("NetCommunicator::connect")?;
        let (job, index, peers) = (inbox.job, inbox.index, inbox.peers);
        if addresses.len() != peers {
            return Err(Error::InvalidParameter {
                name: "addresses",
                reason: format!("{} addresses for {peers} workers", addresses.len()),
            });
        }
        let options = inbox.options.clone();
        if secret.as_bytes().len() > options.max_frame_payload {
            return Err(Error::InvalidParameter {
                name: "secret",
                reason: format!("longer than a frame's {} bytes", options.max_frame_payload),
            });
        }
        let runtime = Arc::clone(&inbox.runtime);
        let handle = runtime.handle();
        // Connect to all peers at once, then wait for each.
        let tasks: Vec<_> = (0..peers)
            .map(|j| {
                (j != index).then(|| {
                    let target = Target { address: addresses[j], job, from: index, to: j };
                    handle.spawn(target.open(secret.clone(), options.clone()))
                })
            })
            .collect();
        let mut links = Vec::with_capacity(peers);
        let mut first_error = None;
        for task in tasks {
            let link = match task {
                None => None,
                Some(task) => match handle.block_on(task) {
                    Ok(Ok(link)) => Some(link),
                    Ok(Err(e)) => {
                        first_error.get_or_insert(e);
                        None
                    }
                    Err(e) => {
                        first_error.get_or_insert(Error::Internal(format!("a connect task failed: {e}")));
                        None
                    }
                },
            };
            links.push(link);
        }
        if let Some(e) = first_error {
            return Err(e);
        }
        let cancel = inbox.cancel.0.subscribe();
        Ok(NetCommunicator {
            job,
            index,
            peers,
            links,
            inbox,
            pending: (0..peers).map(|_| VecDeque::new()).collect(),
            partial: vec![Vec::new(); peers],
            finished: vec![false; peers],
            failure: None,
            seq: 0,
            cancel,
            traffic: Traffic::default(),
            ended: false,
            runtime,
        })
    }

    /// The job's cancel handle (shared by the job's workers on this data server).
    pub fn cancel_handle(&self) -> NetCancelHandle {
        self.inbox.cancel_handle()
    }

    /// This communicator's traffic counters.
    pub fn traffic(&self) -> Traffic {
        self.traffic.clone()
    }

    /// Sends the last frame of this worker (`Finished` or `Abort`) to every peer it can
    /// still write to, waiting at most the `linger` option, then closes everything.
    fn end(&mut self, kind: FrameKind, reason: &str) {
        if self.ended {
            return;
        }
        self.ended = true;
        let links: Vec<Link> =
            self.links.drain(..).flatten().filter(|l| l.state == LinkState::Clean).collect();
        if ensure_blocking_context("NetCommunicator::finish").is_ok() {
            let mut payload = reason.as_bytes();
            let limit = links.iter().map(|l| l.chunk).min().unwrap_or(MAX_FRAME_PAYLOAD);
            if payload.len() > limit {
                let cut = (0..=limit).rev().find(|&i| reason.is_char_boundary(i)).unwrap_or(0);
                payload = &reason.as_bytes()[..cut];
            }
            let payload: Arc<[u8]> = payload.into();
            let (job, index, linger) = (self.job, self.index, self.inbox.options.linger);
            let handle = self.runtime.handle();
            let tasks: Vec<_> = links
                .into_iter()
                .map(|mut link| {
                    let payload = Arc::clone(&payload);
                    handle.spawn(async move {
                        let header = FrameHeader::new(kind, job, index as u32, link.to);
                        let _ = write_frame(&mut link.stream, header, &payload).await;
                        let _ = link.stream.shutdown().await;
                    })
                })
                .collect();
            handle.block_on(async {
                let deadline = Instant::now() + linger;
                for task in tasks {
                    let abort = task.abort_handle();
                    if tokio::time::timeout_at(deadline, task).await.is_err() {
                        abort.abort();
                    }
                }
            });
        }
        self.inbox.close();
    }
}

/// Where one outgoing connection goes.
struct Target {
    address: SocketAddr,
    job: u64,
    from: usize,
    to: usize,
}

impl Target {
    fn error(&self, reason: String) -> Error {
        Error::Network { address: self.address.to_string(), reason }
    }

    async fn connect_once(&self, socket_buffer: Option<u32>) -> std::io::Result<TcpStream> {
        let socket = if self.address.is_ipv4() { TcpSocket::new_v4() } else { TcpSocket::new_v6() }?;
        if let Some(bytes) = socket_buffer {
            socket.set_send_buffer_size(bytes)?;
        }
        socket.connect(self.address).await
    }

    /// Connects (retrying until the connect timeout) and performs the handshake.
    async fn open(self, secret: ClusterSecret, options: NetOptions) -> Result<Link> {
        let deadline = Instant::now() + options.connect_timeout;
        let mut stream = loop {
            match tokio::time::timeout_at(deadline, self.connect_once(options.socket_buffer)).await {
                Ok(Ok(stream)) => break stream,
                Ok(Err(e)) if Instant::now() + CONNECT_RETRY < deadline => {
                    tracing::trace!(address = %self.address, error = %e, "data server not reachable yet; retrying");
                    tokio::time::sleep(CONNECT_RETRY).await;
                }
                Ok(Err(e)) => {
                    return Err(self.error(format!(
                        "cannot connect within {:?} (worker {} of job {}): {e}",
                        options.connect_timeout, self.to, self.job
                    )));
                }
                Err(_) => {
                    return Err(self.error(format!(
                        "cannot connect within {:?} (worker {} of job {})",
                        options.connect_timeout, self.to, self.job
                    )));
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let (from, to) = (self.from as u32, self.to as u32);
        let hello = FrameHeader::new(FrameKind::Hello, self.job, from, to);
        let handshake = async {
            write_frame(&mut stream, hello, secret.as_bytes()).await.map_err(|e| e.to_string())?;
            read_frame(&mut stream, MAX_FRAME_PAYLOAD).await.map_err(|e| e.to_string())
        };
        let reply = match tokio::time::timeout(options.handshake_timeout, handshake).await {
            Err(_) => {
                return Err(self.error(format!("no handshake answer within {:?}", options.handshake_timeout)));
            }
            Ok(Err(e)) => return Err(self.error(format!("the handshake failed: {e}"))),
            Ok(Ok(reply)) => reply,
        };
        match reply {
            Some((header, _)) if header.kind == FrameKind::Welcome => {
                let server_limit = usize::try_from(header.seq).unwrap_or(usize::MAX);
                let chunk = options.max_frame_payload.min(server_limit).clamp(1, MAX_FRAME_PAYLOAD);
                Ok(Link { address: self.address, to, stream, chunk, state: LinkState::Clean })
            }
            Some((header, reason)) if header.kind == FrameKind::Abort => Err(self.error(format!(
                "the data server refused the connection: {}",
                String::from_utf8_lossy(&reason)
            ))),
            Some((header, _)) => {
                Err(self
                    .error(format!("the data server answered the handshake with a {:?} frame", header.kind)))
            }
            None => Err(self.error("the data server closed the connection during the handshake".into())),
        }
    }
}

impl Link {
    /// Writes one encoded batch as `Data` frames of at most `chunk` payload bytes.
    async fn send_batch(
        &mut self,
        job: u64,
        from: u32,
        seq: u64,
        bytes: &[u8],
        traffic: &Traffic,
    ) -> std::io::Result<()> {
        let header = FrameHeader { seq, ..FrameHeader::new(FrameKind::Data, job, from, self.to) };
        let chunks = bytes.len().div_ceil(self.chunk).max(1);
        for c in 0..chunks {
            let chunk = &bytes[(c * self.chunk).min(bytes.len())..((c + 1) * self.chunk).min(bytes.len())];
            let flags = if c + 1 == chunks { FLAG_LAST } else { 0 };
            write_frame(&mut self.stream, FrameHeader { flags, ..header }, chunk).await?;
            traffic.0.frames_sent.fetch_add(1, Ordering::Relaxed);
            traffic.0.bytes_sent.fetch_add((HEADER_LEN + chunk.len()) as u64, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// Writes every remote batch, peer after peer in ring order from `from + 1`. A link
/// whose write fails is marked broken and skipped; its peer's `Finished`, `Abort` or
/// lost connection, which arrives in the inbox, says why.
async fn send_all(
    links: &mut [Option<Link>],
    encoded: &[Option<Vec<u8>>],
    job: u64,
    from: usize,
    seq: u64,
    traffic: &Traffic,
) {
    let peers = links.len();
    for step in 1..peers {
        let j = (from + step) % peers;
        let (Some(link), Some(bytes)) = (links[j].as_mut(), encoded[j].as_ref()) else { continue };
        if link.state != LinkState::Clean {
            continue;
        }
        link.state = LinkState::Dirty;
        match link.send_batch(job, from as u32, seq, bytes, traffic).await {
            Ok(()) => link.state = LinkState::Clean,
            Err(e) => {
                tracing::debug!(job, worker = from, peer = j, address = %link.address, error = %e, "data connection broken");
                link.state = LinkState::Broken;
            }
        }
    }
}

/// The receiving side of an exchange: per-peer queues of complete batches.
struct Mailbox<'a> {
    pending: &'a mut [VecDeque<Batch>],
    partial: &'a mut [Vec<u8>],
    finished: &'a mut [bool],
    traffic: &'a Traffic,
}

impl Mailbox<'_> {
    /// Files one inbox message; returns the failure it reports, if any.
    fn accept(&mut self, message: Incoming) -> Option<Failure> {
        match message {
            Incoming::Chunk { from, last, bytes } => {
                self.traffic.0.bytes_received.fetch_add(bytes.len() as u64, Ordering::Relaxed);
                let partial = &mut self.partial[from];
                if partial.is_empty() {
                    *partial = bytes;
                } else {
                    partial.extend_from_slice(&bytes);
                }
                if last {
                    self.pending[from].push_back(Batch::Encoded(std::mem::take(partial)));
                }
                None
            }
            Incoming::Abort { from, reason } | Incoming::Lost { from, reason } => {
                Some(Failure::PeerFailed(from, reason))
            }
            Incoming::Finished { from } => {
                self.finished[from] = true;
                None
            }
        }
    }

    /// A peer whose batch is missing and who has finished: it will never send it.
    fn finished_and_missing(&self) -> Option<usize> {
        (0..self.pending.len()).find(|&j| self.pending[j].is_empty() && self.finished[j])
    }

    fn complete(&self) -> bool {
        self.pending.iter().all(|q| !q.is_empty())
    }
}

impl Communicator for NetCommunicator {
    fn cancelled(&self) -> Option<String> {
        self.cancel.borrow().clone()
    }

    fn index(&self) -> usize {
        self.index
    }

    fn peers(&self) -> usize {
        self.peers
    }

    fn exchange(&mut self, outgoing: Vec<Batch>) -> Result<Vec<Batch>> {
        if self.failure.is_none()
            && let Some(reason) = self.cancel.borrow().clone()
        {
            self.failure = Some(Failure::Cancelled(reason));
        }
        if let Some(failure) = &self.failure {
            return Err(failure.to_error(self.index));
        }
        if self.ended {
            return Err(Error::Internal(format!("worker {} exchanged after it finished", self.index)));
        }
        if outgoing.len() != self.peers {
            return Err(Error::Internal(format!("{} batches for {} workers", outgoing.len(), self.peers)));
        }
        ensure_blocking_context("NetCommunicator::exchange")?;
        let mut own = None;
        let mut encoded = Vec::with_capacity(self.peers);
        for (j, batch) in outgoing.into_iter().enumerate() {
            if j == self.index {
                own = Some(batch);
                encoded.push(None);
            } else {
                encoded.push(Some(batch.encode()?));
            }
        }
        if let Some(own) = own {
            self.pending[self.index].push_back(own);
        }
        let seq = self.seq;
        self.seq += 1;

        let NetCommunicator {
            job,
            index,
            links,
            inbox,
            pending,
            partial,
            finished,
            cancel,
            traffic,
            runtime,
            ..
        } = self;
        let (job, index) = (*job, *index);
        let mut mailbox = Mailbox { pending, partial, finished, traffic };
        let failure = runtime.handle().block_on(async {
            let send = send_all(links, &encoded, job, index, seq, traffic);
            tokio::pin!(send);
            let mut sending = true;
            loop {
                if let Some(j) = mailbox.finished_and_missing() {
                    return Some(Failure::PeerFinished(j));
                }
                if !sending && mailbox.complete() {
                    return None;
                }
                tokio::select! {
                    biased;
                    Ok(reason) = cancel.wait_for(Option::is_some) => {
                        return Some(Failure::Cancelled(reason.clone().unwrap_or_default()));
                    }
                    () = &mut send, if sending => sending = false,
                    message = inbox.receiver.recv() => match message {
                        Some(message) => {
                            if let Some(failure) = mailbox.accept(message) {
                                return Some(failure);
                            }
                        }
                        None => return Some(Failure::PeerFailed(
                            index,
                            "internal error (a bug in eddy): the worker's inbox was closed".into(),
                        )),
                    },
                }
            }
        });
        if let Some(failure) = failure {
            let error = failure.to_error(self.index);
            self.failure = Some(failure);
            return Err(error);
        }
        Ok(self.pending.iter_mut().map(|q| q.pop_front().expect("checked complete")).collect())
    }

    fn abort(&mut self, reason: &str) {
        self.end(FrameKind::Abort, reason);
    }

    fn finish(&mut self) {
        self.end(FrameKind::Finished, "");
    }
}
