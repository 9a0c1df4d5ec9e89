//! Cluster mode's data plane: jobs whose workers talk over TCP through two
//! [`DataServer`]s on loopback (worker `w` is hosted by server `w % 2`; every worker is a
//! thread of this test process) against [`LocalRuntime`], plus the protocol's failure
//! paths: failed and finished peers, cancellation, garbage on the data port, a wrong
//! secret, batches over the frame limit, and backpressure on a receiver that does not
//! read.
//!
//! Nothing here is timed for speed; the only sleeps give a stalled sender time to show
//! that it stays stalled, and the assertions are on counters and values.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{OnceLock, mpsc};
use std::time::Duration;

use eddy::core::{Error, Result, Worker};
use eddy::gelly::Graph;
use eddy::gelly::algorithms::{PageRank, connected_components, pagerank};
use eddy::runtime::net::frame::{FLAG_LAST, FrameHeader, FrameKind, HEADER_LEN};
use eddy::runtime::net::{ClusterSecret, DataServer, Inbox, NetCommunicator, NetOptions};
use eddy::runtime::{LocalRuntime, run_worker};
use proptest::prelude::*;

const SECRET: &str = "test-cluster-secret";

/// Two data servers on loopback and the secret they share.
struct Cluster {
    servers: [DataServer; 2],
    secret: ClusterSecret,
}

/// Job ids are unique across the tests of this process, which share [`shared`].
fn next_job() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

impl Cluster {
    fn new(options: NetOptions) -> Cluster {
        let secret = ClusterSecret::new(SECRET);
        let bind = || DataServer::bind_with(loopback(), secret.clone(), options.clone()).unwrap();
        Cluster { servers: [bind(), bind()], secret }
    }

    /// The data-server address of every worker of a job of `p` workers.
    fn addresses(&self, p: usize) -> Vec<SocketAddr> {
        (0..p).map(|w| self.servers[w % 2].local_addr()).collect()
    }

    /// Registers a new job of `p` workers and returns their inboxes in worker order.
    fn register(&self, p: usize) -> Vec<Inbox> {
        let job = next_job();
        let mut inboxes: Vec<Inbox> = (0..2)
            .flat_map(|s| {
                let local: Vec<usize> = (0..p).filter(|w| w % 2 == s).collect();
                self.servers[s].register(job, p, &local).unwrap()
            })
            .collect();
        inboxes.sort_by_key(Inbox::index);
        inboxes
    }

    /// Registers and connects a new job of `p` workers.
    fn communicators(&self, p: usize) -> Vec<NetCommunicator> {
        let addresses = self.addresses(p);
        self.register(p)
            .into_iter()
            .map(|inbox| NetCommunicator::connect(inbox, &addresses, &self.secret).unwrap())
            .collect()
    }

    /// Runs `job` on `p` workers over the network; every worker's outcome, in order.
    fn run<R: Send>(&self, p: usize, job: impl Fn(&Worker) -> Result<R> + Sync) -> Vec<Result<R>> {
        run_all(self.communicators(p), &job)
    }
}

/// Runs `job` once per communicator, each on a thread of its own.
fn run_all<R: Send>(
    communicators: Vec<NetCommunicator>,
    job: &(impl Fn(&Worker) -> Result<R> + Sync),
) -> Vec<Result<R>> {
    std::thread::scope(|scope| {
        let threads: Vec<_> = communicators
            .into_iter()
            .map(|c| scope.spawn(move || run_worker(Box::new(c), Default::default(), job)))
            .collect();
        threads.into_iter().map(|t| t.join().expect("run_worker catches panics")).collect()
    })
}

/// The servers most tests share (several jobs run on them at once).
fn shared() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| Cluster::new(NetOptions::default()))
}

fn local<R: Send>(p: usize, job: impl Fn(&Worker) -> Result<R> + Sync) -> Vec<R> {
    LocalRuntime::with_parallelism(p).unwrap().execute(job).unwrap()
}

fn all_ok<R>(outcomes: Vec<Result<R>>) -> Vec<R> {
    outcomes
        .into_iter()
        .enumerate()
        .map(|(w, r)| r.unwrap_or_else(|e| panic!("worker {w} failed: {e}")))
        .collect()
}

/// Per worker: its partition of a keyed reduce (in the order it holds it), the bits of
/// an all-reduced float sum, and the result of a bulk iteration that exchanges records
/// in every superstep.
type Mixed = (Vec<(u32, u64)>, u64, Vec<u64>);

fn mixed_job(w: &Worker, data: &[(u32, u64)]) -> Result<Mixed> {
    let reduced =
        w.from_slice(data).partition_by_hash(|p| p.0)?.reduce_by_key(|p| p.0, |a, b| (a.0, a.1 + b.1))?;
    let reduced = reduced.collect_partition();
    let local_sum: f64 =
        w.from_slice(data).collect_partition().iter().map(|&(k, v)| f64::from(k) / (v as f64 + 0.5)).sum();
    let sum = w.all_reduce(local_sum, |a, b| a + b)?;
    let iterated = w
        .from_slice(data)
        .map(|(k, v)| v.wrapping_mul(31) ^ u64::from(k))
        .iterate(5, |_, d| d.map(|x| x.rotate_left(7) ^ 0x9e37).partition_by_hash(|x| *x))?
        .sort_partition(|x| *x)
        .collect_partition();
    Ok((reduced, sum.to_bits(), iterated))
}

#[test]
fn keyed_reduce_all_reduce_and_bulk_iteration_match_local() {
    let data: Vec<(u32, u64)> = (0..500u64).map(|i| ((i * 7 % 23) as u32, i * i % 1000)).collect();
    for p in [2, 3] {
        let expected = local(p, |w| mixed_job(w, &data));
        let got = all_ok(shared().run(p, |w| mixed_job(w, &data)));
        assert_eq!(got, expected, "P = {p}");
        assert!(got.iter().all(|(_, sum, _)| *sum == got[0].1), "every worker has the same all-reduced bits");
    }
}

/// `(vertex, value)` pairs of one worker's vertices (PageRank values as their bits).
type VertexPairs = Vec<(u64, u64)>;

#[test]
fn pagerank_and_connected_components_match_local_bit_for_bit() {
    // Two components: a ring 0..40 with chords, and a path 100..110.
    let mut edges: Vec<(u64, u64, f64)> = (0..40).map(|i| (i, (i + 1) % 40, 1.0)).collect();
    edges.extend((0..40).step_by(3).map(|i| (i, (i * 7 + 5) % 40, 1.0)));
    edges.extend((100..110).map(|i| (i, i + 1, 1.0)));
    let job = |w: &Worker| -> Result<(VertexPairs, VertexPairs)> {
        let g = Graph::from_edges(w, w.from_slice(&edges).collect_partition())?;
        let keys = g.local_keys().to_vec();
        let ranks = pagerank(&g, &PageRank::iterations(12))?.0;
        let ranks = keys.iter().copied().zip(ranks.local_values().iter().map(|r| r.to_bits())).collect();
        let cc = connected_components(&g)?.0;
        let cc = keys.iter().copied().zip(cc.local_values().iter().copied()).collect();
        Ok((ranks, cc))
    };
    for p in [2, 3] {
        let expected = local(p, job);
        let got = all_ok(shared().run(p, job));
        assert_eq!(got, expected, "P = {p}");
        let labels: std::collections::BTreeSet<u64> =
            got.iter().flat_map(|(_, cc)| cc.iter().map(|c| c.1)).collect();
        assert_eq!(labels.into_iter().collect::<Vec<_>>(), vec![0, 100]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_inputs_match_local(
        data in proptest::collection::vec((0u32..15, 0u64..1000), 0..150),
        p in 2usize..=3,
    ) {
        let expected = local(p, |w| mixed_job(w, &data));
        let got = all_ok(shared().run(p, |w| mixed_job(w, &data)));
        prop_assert_eq!(got, expected, "P = {}", p);
    }
}

#[test]
fn a_batch_larger_than_the_frame_limit_arrives_intact() {
    let limit = 1024;
    let cluster = Cluster::new(NetOptions::default().with_max_frame_payload(limit));
    let communicators = cluster.communicators(2);
    let traffic: Vec<_> = communicators.iter().map(NetCommunicator::traffic).collect();
    let big = |from: usize| -> Vec<String> {
        (0..3000).map(|i| format!("{from}:{i}:{}", "x".repeat(i % 50))).collect()
    };
    let got = all_ok(run_all(communicators, &|w: &Worker| {
        let outgoing = (0..2).map(|_| big(w.index())).collect();
        w.all_to_all(outgoing)
    }));
    for received in &got {
        assert_eq!(received, &vec![big(0), big(1)]);
    }
    let encoded = eddy::core::Batch::new(big(0)).encode().unwrap().len() as u64;
    assert!(encoded > 50 * limit as u64, "the batch spans many frames: {encoded} bytes");
    for (w, t) in traffic.iter().enumerate() {
        // Exactly one batch went to the one remote peer, split at the limit.
        assert_eq!(t.frames_sent(), encoded.div_ceil(limit as u64), "worker {w}");
        assert_eq!(t.bytes_received(), encoded, "worker {w}");
    }
}

#[test]
fn a_failed_worker_fails_its_peers_with_its_reason() {
    let outcomes = shared().run(3, |w| {
        w.barrier()?;
        if w.index() == 1 {
            return Err(Error::InvalidParameter { name: "test", reason: "worker one gives up".into() });
        }
        w.barrier()?;
        w.barrier()
    });
    assert!(matches!(&outcomes[1], Err(Error::InvalidParameter { .. })), "{:?}", outcomes[1]);
    for w in [0, 2] {
        // Worker 1's own abort, or the echo of the other survivor, which aborts in turn
        // with worker 1's error as its reason (the executor reports the root cause).
        match &outcomes[w] {
            Err(Error::PeerFailed { worker, reason }) => {
                assert!(reason.contains("worker one gives up"), "{reason}");
                assert!(*worker == 1 || reason.contains("worker 1 failed"), "worker {w}: {worker} {reason}");
            }
            other => panic!("worker {w}: {other:?}"),
        }
    }
}

#[test]
fn a_panicking_worker_fails_its_peers() {
    let outcomes = shared().run(2, |w| {
        if w.index() == 0 {
            panic!("deliberate panic on worker 0");
        }
        w.barrier()
    });
    assert!(matches!(&outcomes[0], Err(Error::WorkerPanicked { worker: 0, .. })), "{:?}", outcomes[0]);
    match &outcomes[1] {
        Err(Error::PeerFailed { worker: 0, reason }) => {
            assert!(reason.contains("deliberate panic"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_worker_that_finishes_early_is_reported_as_finished() {
    let outcomes = shared().run(3, |w| {
        w.barrier()?;
        if w.index() == 2 {
            return Ok(());
        }
        w.barrier()
    });
    assert!(outcomes[2].is_ok());
    for w in [0, 1] {
        // Worker 2's `Finished`, or the echo of the other survivor, which aborts in turn.
        match &outcomes[w] {
            Err(Error::PeerFinished { worker: 2, waiting }) => assert_eq!(*waiting, w),
            Err(Error::PeerFailed { worker, reason }) => {
                assert_eq!(*worker, 1 - w);
                assert!(reason.contains("worker 2 finished its job"), "{reason}");
            }
            other => panic!("worker {w}: {other:?}"),
        }
    }
}

#[test]
fn cancelling_wakes_a_waiting_worker_and_every_later_exchange_fails() {
    let communicators = shared().communicators(2);
    let cancel = communicators[1].cancel_handle();
    let (go, wait) = mpsc::channel::<()>();
    let wait = std::sync::Mutex::new(wait);
    let job = |w: &Worker| {
        if w.index() == 0 {
            // Worker 0 holds back until worker 1 has been cancelled.
            wait.lock().unwrap().recv().unwrap();
        }
        let first = w.barrier();
        let second = w.barrier();
        Ok((first, second))
    };
    let job = &job;
    std::thread::scope(|scope| {
        let mut handles: Vec<_> = communicators
            .into_iter()
            .map(|c| scope.spawn(move || run_worker(Box::new(c), Default::default(), job)))
            .collect();
        // Worker 1 is (or soon will be) blocked in its barrier, waiting for worker 0.
        std::thread::sleep(Duration::from_millis(100));
        cancel.cancel("stopped by the test");
        cancel.cancel("a second reason is ignored");
        let (first, second) = handles.pop().unwrap().join().unwrap().unwrap();
        assert!(
            matches!(&first, Err(Error::Cancelled { reason }) if reason == "stopped by the test"),
            "{first:?}"
        );
        assert!(
            matches!(&second, Err(Error::Cancelled { reason }) if reason == "stopped by the test"),
            "{second:?}"
        );
        assert!(cancel.is_cancelled());

        // Worker 1's job returned normally after that, so worker 0 finds it finished (its
        // first barrier may have worker 1's batch, sent before the cancellation).
        go.send(()).unwrap();
        let (first, second) = handles.pop().unwrap().join().unwrap().unwrap();
        assert!(matches!(first, Ok(()) | Err(Error::PeerFinished { worker: 1, waiting: 0 })), "{first:?}");
        assert!(matches!(second, Err(Error::PeerFinished { worker: 1, waiting: 0 })), "{second:?}");
    });
}

/// Writes `bytes` on a fresh connection to `address` (then half-closes it when
/// `half_close`) and returns what the server sent before it closed the connection.
/// Panics if the server keeps the connection open.
fn poke(address: SocketAddr, bytes: &[u8], half_close: bool) -> Vec<u8> {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    // The server may close (and reset) before it has read everything: not our concern.
    let _ = stream.write_all(bytes);
    if half_close {
        stream.shutdown(Shutdown::Write).unwrap();
    }
    let mut back = Vec::new();
    match stream.read_to_end(&mut back) {
        Ok(_) => back,
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => back,
        Err(e) => panic!("the server kept the connection open: {e}"),
    }
}

fn header(kind: FrameKind, job: u64, from: u32, to: u32, payload_len: u32) -> [u8; HEADER_LEN] {
    FrameHeader { payload_len, ..FrameHeader::new(kind, job, from, to) }.encode()
}

fn frame(kind: FrameKind, job: u64, from: u32, to: u32, payload: &[u8]) -> Vec<u8> {
    let mut bytes = header(kind, job, from, to, payload.len() as u32).to_vec();
    bytes.extend_from_slice(payload);
    bytes
}

/// The reason in the server's refusal (an `Abort` frame), if that is what `reply` is.
fn refusal(reply: &[u8]) -> Option<String> {
    let head: &[u8; HEADER_LEN] = reply.get(..HEADER_LEN)?.try_into().ok()?;
    let h = FrameHeader::decode(head, 1 << 20).ok()?;
    (h.kind == FrameKind::Abort).then(|| String::from_utf8_lossy(&reply[HEADER_LEN..]).into_owned())
}

#[test]
fn garbage_on_the_data_port_closes_that_connection_and_the_server_keeps_working() {
    let cluster = Cluster::new(NetOptions::default().with_connect_timeout(Duration::from_millis(300)));
    let address = cluster.servers[0].local_addr();
    let hello = |job: u64, secret: &str| frame(FrameKind::Hello, job, 1, 0, secret.as_bytes());

    // Random bytes (a fixed pseudo-random sequence), a bad magic, a version and a kind
    // nobody speaks, a length over the limit, a truncated frame, data before the handshake:
    // each connection is closed without an answer.
    let random: Vec<u8> = (0..300u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let mut bad_magic = hello(1, SECRET);
    bad_magic[..4].copy_from_slice(b"HTTP");
    let mut bad_version = hello(1, SECRET);
    bad_version[4] = 99;
    let mut bad_kind = hello(1, SECRET);
    bad_kind[5] = 77;
    let too_long = header(FrameKind::Hello, 1, 1, 0, u32::MAX).to_vec();
    let truncated = hello(1, SECRET)[..HEADER_LEN + 4].to_vec();
    let data_first = frame(FrameKind::Data, 1, 1, 0, b"payload");
    let cases = [
        ("random bytes", random, false),
        ("bad magic", bad_magic, false),
        ("bad version", bad_version, false),
        ("unknown kind", bad_kind, false),
        ("over-long length", too_long, false),
        ("truncated frame", truncated, true),
        ("half a header", b"EDDY\x01".to_vec(), true),
        ("data before hello", data_first, false),
    ];
    for (what, bytes, half_close) in &cases {
        let reply = poke(address, bytes, *half_close);
        assert!(reply.is_empty(), "{what}: the server answered {} bytes", reply.len());
    }

    // A well-formed Hello with a wrong secret, or for a job the server does not host, is
    // refused with the reason.
    let reason = refusal(&poke(address, &hello(1, "not the secret"), false));
    assert_eq!(reason.as_deref(), Some("wrong cluster secret"));
    let reason = refusal(&poke(address, &hello(987_654_321, SECRET), false)).unwrap();
    assert!(reason.contains("job 987654321 has no worker 0"), "{reason}");

    // A connection that passed the handshake and then breaks the protocol is closed, and
    // the worker it fed learns that its peer is lost instead of waiting for it.
    let mut inboxes = cluster.register(2);
    let job = inboxes[0].job();
    let worker1_inbox = inboxes.pop().unwrap();
    let worker0_inbox = inboxes.pop().unwrap();
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(&hello(job, SECRET)).unwrap();
    let mut welcome = [0u8; HEADER_LEN];
    stream.read_exact(&mut welcome).unwrap();
    assert_eq!(FrameHeader::decode(&welcome, 0).unwrap().kind, FrameKind::Welcome);
    let mut out_of_order = frame(FrameKind::Data, job, 1, 0, b"x");
    out_of_order[6] = FLAG_LAST;
    out_of_order[24..32].copy_from_slice(&5u64.to_be_bytes());
    stream.write_all(&out_of_order).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    assert_eq!(stream.read(&mut [0u8; 16]).unwrap_or(0), 0, "the server closed the connection");
    let addresses = cluster.addresses(2);
    let mut worker0 = NetCommunicator::connect(worker0_inbox, &addresses, &cluster.secret).unwrap();
    let batches = vec![eddy::core::Batch::new(vec![0u8]), eddy::core::Batch::new(vec![1u8])];
    use eddy::core::Communicator;
    match worker0.exchange(batches) {
        Err(Error::PeerFailed { worker: 1, reason }) => {
            assert!(reason.contains("exchange 5 where exchange 0 was due"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    drop((worker0, worker1_inbox));

    // A communicator with the wrong secret gets a clear error naming the server.
    let inboxes = cluster.register(2);
    let wrong = ClusterSecret::new("not the secret");
    let mut inboxes = inboxes.into_iter();
    match NetCommunicator::connect(inboxes.next().unwrap(), &cluster.addresses(2), &wrong) {
        Err(Error::Network { address, reason }) => {
            assert_eq!(address, cluster.servers[1].local_addr().to_string());
            assert!(reason.contains("refused") && reason.contains("wrong cluster secret"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // And one whose peer's server is not there gives up after the connect timeout.
    let gone = std::net::TcpListener::bind(loopback()).unwrap().local_addr().unwrap();
    match NetCommunicator::connect(inboxes.next().unwrap(), &[gone, address], &cluster.secret) {
        Err(Error::Network { address, reason }) => {
            assert_eq!(address, gone.to_string());
            assert!(reason.contains("cannot connect"), "{reason}");
        }
        other => panic!("{other:?}"),
    }

    // The same servers still run a job correctly.
    let data: Vec<(u32, u64)> = (0..300u64).map(|i| ((i % 17) as u32, i)).collect();
    let expected = local(3, |w| mixed_job(w, &data));
    assert_eq!(all_ok(cluster.run(3, |w| mixed_job(w, &data))), expected);
}

#[test]
fn a_receiver_that_does_not_read_stalls_its_sender_after_a_bounded_amount() {
    let frame = 16 << 10;
    let options = NetOptions::default()
        .with_max_frame_payload(frame)
        .with_inbox_frames_per_peer(2)
        .with_socket_buffer(Some(32 << 10));
    let cluster = Cluster::new(options);
    let communicators = cluster.communicators(2);
    let sender = communicators[0].traffic();
    // 8 MiB in 513 frames.
    let payload: Vec<String> = (0..256).map(|i| format!("{i:>8}").repeat(4096)).collect();
    let encoded = eddy::core::Batch::new(payload.clone()).encode().unwrap().len() as u64;
    let total_frames = encoded.div_ceil(frame as u64);
    let (go, wait) = mpsc::channel::<()>();
    let wait = std::sync::Mutex::new(wait);
    let job = |w: &Worker| -> Result<Vec<Vec<String>>> {
        if w.index() == 0 {
            w.all_to_all(vec![Vec::new(), payload.clone()])
        } else {
            // The receiver sleeps outside any exchange until the test lets it go.
            wait.lock().unwrap().recv().unwrap();
            w.all_to_all(vec![Vec::new(), Vec::new()])
        }
    };
    let job = &job;
    std::thread::scope(|scope| {
        let handles: Vec<_> = communicators
            .into_iter()
            .map(|c| scope.spawn(move || run_worker(Box::new(c), Default::default(), job)))
            .collect();
        // Wait until the sender has made no progress for half a second.
        let (mut last, mut quiet) = (u64::MAX, 0);
        for _ in 0..200 {
            std::thread::sleep(Duration::from_millis(100));
            let now = sender.frames_sent();
            quiet = if now == last && now > 0 { quiet + 1 } else { 0 };
            last = now;
            if quiet == 5 {
                break;
            }
        }
        assert_eq!(quiet, 5, "the sender never stalled ({last} of {total_frames} frames sent)");
        // What a receiver that does not read can pin: its inbox (2 frames), the frame its
        // reader holds, and two socket buffers (the kernel doubles the 32 KiB asked for):
        // about ten frames, far below a quarter of the batch.
        assert!(last < total_frames / 4, "stalled after {last} of {total_frames} frames");
        std::thread::sleep(Duration::from_millis(500));
        assert!(sender.frames_sent() < total_frames / 4, "still stalled while the receiver sleeps");
        assert!(!handles[0].is_finished(), "the sender is still in its exchange");

        go.send(()).unwrap();
        let outcomes: Vec<_> = handles.into_iter().map(|h| h.join().unwrap().unwrap()).collect();
        assert_eq!(outcomes[1][0], payload, "the receiver got the whole batch");
        assert_eq!(sender.frames_sent(), total_frames);
    });
}
