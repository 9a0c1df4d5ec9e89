//! `DataServer`: accepts data connections and routes their frames into worker inboxes.
//!
//! Each accepted connection gets a task that reads the `Hello` (with a timeout), checks
//! the cluster secret in constant time and the (job, from, to) it names against the
//! registered routes, answers `Welcome`, and then forwards every frame to the inbox of
//! worker `to` as an [`Incoming`] message, checking that the frames stay on their
//! connection's job and workers and that sequence numbers run in order.
//!
//! Flow control: an inbox is a bounded queue of
//! `inbox_frames_per_peer × (peers − 1)` frames. When it is full, the reader task awaits
//! on the queue and stops reading its socket, so the kernel's buffers fill and the
//! sending worker's write blocks: a receiver that does not read pins at most the inbox
//! plus the socket buffers, never an unbounded backlog. This cannot deadlock because a
//! worker drains its inbox for the whole of every exchange, *while* it sends (see
//! [`super::NetCommunicator`]): a sender blocked on a peer is only ever waiting for a
//! peer that is not inside an exchange — one that is computing and will come to its
//! exchange, or one that has finished or failed, whose inbox is then closed, so its
//! connections close and the blocked write fails instead of waiting.
//!
//! **Note**: every malformed or unexpected input closes only the connection it came on,
//! with a `tracing::warn!` naming the remote address and the reason. A connection that
//! breaks after its handshake, or ends without `Finished` or `Abort`, is reported to the
//! receiving worker as a lost peer ([`eddy_core::Error::PeerFailed`]), so it never waits
//! for data that cannot come.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use eddy_core::{Error, Result};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::mpsc;

use super::frame::{FrameHeader, FrameKind, MAX_FRAME_PAYLOAD, read_frame, write_frame};
use super::{ClusterSecret, NetCancelHandle, NetOptions, NetRuntime};

/// What a server's reader task hands to a worker's inbox.
#[derive(Debug)]
pub(super) enum Incoming {
    /// One chunk of worker `from`'s batch for the next exchange.
    Chunk { from: usize, last: bool, bytes: Vec<u8> },
    /// Worker `from` failed.
    Abort { from: usize, reason: String },
    /// Worker `from` finished its job.
    Finished { from: usize },
    /// Worker `from`'s connection broke or ended without `Finished` or `Abort`.
    Lost { from: usize, reason: String },
}

/// Where the frames for one local worker of one job go.
struct Route {
    peers: usize,
    inbox: mpsc::Sender<Incoming>,
    /// The peers that have connected already (one connection per peer).
    connected: HashSet<usize>,
}

/// The routing table: (job, local worker) → route.
type Routes = Mutex<HashMap<(u64, usize), Route>>;

/// A data server: one listening socket per process, serving every job's workers.
///
/// Dropping it stops accepting connections; connections already open keep serving the
/// jobs that use them.
pub struct DataServer {
    local_addr: SocketAddr,
    routes: Arc<Routes>,
    options: NetOptions,
    accept: tokio::task::JoinHandle<()>,
    runtime: Arc<NetRuntime>,
}

impl std::fmt::Debug for DataServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataServer").field("local_addr", &self.local_addr).finish()
    }
}

impl Drop for DataServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// One local worker's queue of incoming frames, created by [`DataServer::register`] and
/// consumed by [`super::NetCommunicator::connect`]. Dropping it unregisters the worker.
pub struct Inbox {
    pub(super) job: u64,
    pub(super) index: usize,
    pub(super) peers: usize,
    pub(super) receiver: mpsc::Receiver<Incoming>,
    pub(super) cancel: NetCancelHandle,
    pub(super) options: NetOptions,
    routes: Arc<Routes>,
    pub(super) runtime: Arc<NetRuntime>,
}

impl std::fmt::Debug for Inbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inbox")
            .field("job", &self.job)
            .field("index", &self.index)
            .field("peers", &self.peers)
            .finish()
    }
}

impl Inbox {
    /// The job this inbox belongs to.
    pub fn job(&self) -> u64 {
        self.job
    }

    /// The worker whose frames it receives.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The number of workers of the job.
    pub fn peers(&self) -> usize {
        self.peers
    }

    /// The handle that cancels every local worker of this job on this server.
    pub fn cancel_handle(&self) -> NetCancelHandle {
        self.cancel.clone()
    }

    /// Stops receiving: the route is removed and the queue closed, so the connections
    /// that feed it close instead of blocking their senders.
    pub(super) fn close(&mut self) {
        self.unregister();
        self.receiver.close();
    }

    fn unregister(&self) {
        self.routes.lock().unwrap_or_else(PoisonError::into_inner).remove(&(self.job, self.index));
    }
}

impl Drop for Inbox {
    fn drop(&mut self) {
        self.unregister();
    }
}

impl DataServer {
    /// Binds `addr` with the default [`NetOptions`]; see [`DataServer::bind_with`].
    ///
    /// # Errors
    /// As [`DataServer::bind_with`].
    pub fn bind(addr: SocketAddr, secret: ClusterSecret) -> Result<DataServer> {
        Self::bind_with(addr, secret, NetOptions::default())
    }

    /// Binds `addr` (port 0 picks a free port, see [`DataServer::local_addr`]) and starts
    /// accepting data connections on a tokio runtime owned by the server. Every
    /// connection must open with `secret`.
    ///
    /// Bind a loopback or private address: the data port is authenticated, not encrypted.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for invalid options; [`Error::Network`] when the
    /// address cannot be bound.
    pub fn bind_with(addr: SocketAddr, secret: ClusterSecret, options: NetOptions) -> Result<DataServer> {
        options.validate()?;
        let network = |e: std::io::Error| Error::Network { address: addr.to_string(), reason: e.to_string() };
        let runtime = NetRuntime::new()?;
        let listener = {
            let _context = runtime.handle().enter();
            let socket =
                if addr.is_ipv4() { TcpSocket::new_v4() } else { TcpSocket::new_v6() }.map_err(network)?;
            socket.set_reuseaddr(true).map_err(network)?;
            if let Some(bytes) = options.socket_buffer {
                // Accepted sockets inherit the listener's receive buffer.
                socket.set_recv_buffer_size(bytes).map_err(network)?;
            }
            socket.bind(addr).map_err(network)?;
            socket.listen(1024).map_err(network)?
        };
        let local_addr = listener.local_addr().map_err(network)?;
        let routes: Arc<Routes> = Arc::default();
        let accept =
            runtime.handle().spawn(accept_loop(listener, Arc::clone(&routes), secret, options.clone()));
        tracing::debug!(address = %local_addr, "data server listening");
        Ok(DataServer { local_addr, routes, options, accept, runtime })
    }

    /// The address the server listens on (with the actual port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The server's options.
    pub fn options(&self) -> &NetOptions {
        &self.options
    }

    /// Registers the workers `local` (indexes in `0..peers`) of job `job`, hosted by
    /// this server, and returns their inboxes in the order of `local`. Call it before any
    /// peer connects to them: connections for unregistered (job, worker) pairs are
    /// refused. The inboxes share one [`NetCancelHandle`].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `peers == 0`, more than `u32::MAX` workers, an
    /// index out of range or repeated, or a (job, worker) already registered.
    pub fn register(&self, job: u64, peers: usize, local: &[usize]) -> Result<Vec<Inbox>> {
        let invalid = |reason: String| Error::InvalidParameter { name: "local", reason };
        if peers == 0 || u32::try_from(peers).is_err() {
            return Err(Error::InvalidParameter {
                name: "peers",
                reason: format!("{peers} workers (must be 1..=u32::MAX)"),
            });
        }
        let mut routes = self.routes.lock().unwrap_or_else(PoisonError::into_inner);
        let mut seen = HashSet::new();
        for &w in local {
            if w >= peers {
                return Err(invalid(format!("worker {w} is out of range for {peers} workers")));
            }
            if !seen.insert(w) {
                return Err(invalid(format!("worker {w} is listed twice")));
            }
            if routes.contains_key(&(job, w)) {
                return Err(invalid(format!("worker {w} of job {job} is already registered on this server")));
            }
        }
        let capacity = self.options.inbox_frames_per_peer * (peers - 1).max(1);
        let cancel = NetCancelHandle::new();
        let mut inboxes = Vec::with_capacity(local.len());
        for &index in local {
            let (sender, receiver) = mpsc::channel(capacity);
            routes.insert((job, index), Route { peers, inbox: sender, connected: HashSet::new() });
            inboxes.push(Inbox {
                job,
                index,
                peers,
                receiver,
                cancel: cancel.clone(),
                options: self.options.clone(),
                routes: Arc::clone(&self.routes),
                runtime: Arc::clone(&self.runtime),
            });
        }
        Ok(inboxes)
    }
}

async fn accept_loop(listener: TcpListener, routes: Arc<Routes>, secret: ClusterSecret, options: NetOptions) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                let connection = Connection { peer, routes: Arc::clone(&routes), options: options.clone() };
                tokio::spawn(connection.serve(stream, secret.clone()));
            }
            Err(e) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!(error = %e, "data server cannot accept a connection");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }
}

/// One accepted connection.
struct Connection {
    peer: SocketAddr,
    routes: Arc<Routes>,
    options: NetOptions,
}

/// What a connection has been admitted for by its handshake.
struct Binding {
    job: u64,
    from: usize,
    to: usize,
    inbox: mpsc::Sender<Incoming>,
}

/// Why a connection is closed; `Refused` reasons are also sent to the peer.
enum Close {
    Refused(String),
    Malformed(String),
}

impl Connection {
    async fn serve(self, mut stream: TcpStream, secret: ClusterSecret) {
        let _ = stream.set_nodelay(true);
        let binding = match self.handshake(&mut stream, &secret).await {
            Ok(binding) => binding,
            Err(Close::Malformed(reason)) => {
                tracing::warn!(peer = %self.peer, %reason, "closing data connection");
                return;
            }
            Err(Close::Refused(reason)) => {
                tracing::warn!(peer = %self.peer, %reason, "refusing data connection");
                let refusal = FrameHeader::new(FrameKind::Abort, 0, 0, 0);
                let _ = tokio::time::timeout(
                    self.options.handshake_timeout,
                    write_frame(&mut stream, refusal, reason.as_bytes()),
                )
                .await;
                return;
            }
        };
        tracing::debug!(peer = %self.peer, job = binding.job, from = binding.from, to = binding.to, "data connection open");
        if let Err(reason) = self.forward(&mut stream, &binding).await {
            tracing::warn!(peer = %self.peer, job = binding.job, from = binding.from, %reason, "closing data connection");
            let reason =
                format!("the data connection from worker {} ({}) broke: {reason}", binding.from, self.peer);
            let _ = binding.inbox.send(Incoming::Lost { from: binding.from, reason }).await;
        }
    }

    /// Reads and checks the `Hello`, answers `Welcome`.
    async fn handshake(&self, stream: &mut TcpStream, secret: &ClusterSecret) -> Result<Binding, Close> {
        let limit = self.options.max_frame_payload;
        let hello =
            match tokio::time::timeout(self.options.handshake_timeout, read_frame(stream, limit)).await {
                Err(_) => {
                    return Err(Close::Malformed(format!(
                        "no handshake within {:?}",
                        self.options.handshake_timeout
                    )));
                }
                Ok(Err(e)) => return Err(Close::Malformed(format!("invalid handshake: {e}"))),
                Ok(Ok(None)) => return Err(Close::Malformed("closed before the handshake".into())),
                Ok(Ok(Some(frame))) => frame,
            };
        let (header, offered) = hello;
        if header.kind != FrameKind::Hello {
            return Err(Close::Malformed(format!("a {:?} frame before the handshake", header.kind)));
        }
        if !secret.matches(&offered) {
            return Err(Close::Refused("wrong cluster secret".into()));
        }
        let (job, from, to) = (header.job, header.from as usize, header.to as usize);
        let inbox = {
            let mut routes = self.routes.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(route) = routes.get_mut(&(job, to)) else {
                return Err(Close::Refused(format!(
                    "job {job} has no worker {to} on this server (not registered, or already ended)"
                )));
            };
            if from >= route.peers || from == to {
                return Err(Close::Refused(format!(
                    "worker {from} cannot send to worker {to} in job {job} of {} workers",
                    route.peers
                )));
            }
            if !route.connected.insert(from) {
                return Err(Close::Refused(format!(
                    "worker {from} of job {job} is already connected to worker {to}"
                )));
            }
            route.inbox.clone()
        };
        let welcome = FrameHeader {
            seq: limit as u64,
            ..FrameHeader::new(FrameKind::Welcome, job, header.to, header.from)
        };
        if let Err(e) = write_frame(stream, welcome, &[]).await {
            return Err(Close::Malformed(format!("cannot answer the handshake: {e}")));
        }
        Ok(Binding { job, from, to, inbox })
    }

    /// Forwards frames until the peer's `Finished`/`Abort` and end of stream (`Ok`), or
    /// until the worker's inbox is closed (`Ok`: nobody listens any more); a broken or
    /// invalid stream is an `Err` with the reason.
    async fn forward(&self, stream: &mut TcpStream, binding: &Binding) -> Result<(), String> {
        let limit = self.options.max_frame_payload.min(MAX_FRAME_PAYLOAD);
        let mut expected_seq = 0u64;
        let mut ended = false;
        loop {
            let frame = read_frame(stream, limit).await.map_err(|e| e.to_string())?;
            let Some((header, payload)) = frame else {
                return if ended {
                    Ok(())
                } else {
                    Err(format!("worker {} closed its connection before it finished or failed", binding.from))
                };
            };
            if ended {
                return Err(format!("a {:?} frame after the end of the stream", header.kind));
            }
            if (header.job, header.from as usize, header.to as usize)
                != (binding.job, binding.from, binding.to)
            {
                return Err(format!(
                    "a frame for job {} worker {} → {} on a connection of job {} worker {} → {}",
                    header.job, header.from, header.to, binding.job, binding.from, binding.to
                ));
            }
            let from = binding.from;
            let message = match header.kind {
                FrameKind::Data => {
                    if header.seq != expected_seq {
                        return Err(format!(
                            "data for exchange {} where exchange {expected_seq} was due",
                            header.seq
                        ));
                    }
                    let last = header.is_last();
                    expected_seq += u64::from(last);
                    Incoming::Chunk { from, last, bytes: payload }
                }
                FrameKind::Abort => {
                    ended = true;
                    Incoming::Abort { from, reason: String::from_utf8_lossy(&payload).into_owned() }
                }
                FrameKind::Finished => {
                    ended = true;
                    Incoming::Finished { from }
                }
                FrameKind::Hello | FrameKind::Welcome => {
                    return Err(format!("an unexpected {:?} frame after the handshake", header.kind));
                }
            };
            // Awaiting here, with a full inbox, is the backpressure: the socket is not
            // read until the worker takes frames out.
            if binding.inbox.send(message).await.is_err() {
                tracing::debug!(peer = %self.peer, job = binding.job, to = binding.to, "inbox closed; dropping connection");
                return Ok(());
            }
        }
    }
}
