//! Cluster mode end to end: a real JobManager and TaskManager processes (the `eddy`
//! binary) on loopback, started and killed by the tests; results compared with local
//! mode, byte for byte.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Scratch, p};

const SECRET: &str = "test-cluster-secret";

/// A child process killed when the test ends, however it ends.
struct Process {
    child: Child,
    /// The first line it printed (the address it listens on).
    banner: String,
    /// Kept open: the process may print more.
    _stdout: BufReader<ChildStdout>,
}

impl Process {
    /// Starts `eddy ARGS` with the cluster secret and waits for its first stdout line.
    fn start(args: &[&str], secret: &str) -> Process {
        let mut child = Command::new(env!("CARGO_BIN_EXE_eddy"))
            .args(args)
            .env("EDDY_CLUSTER_SECRET", secret)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("eddy starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut banner = String::new();
        stdout.read_line(&mut banner).unwrap();
        if banner.is_empty() {
            let mut err = String::new();
            child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            panic!("eddy {args:?} printed nothing; stderr: {err}");
        }
        Process { child, banner: banner.trim().to_string(), _stdout: stdout }
    }

    /// The `host:port` after `word` in the banner.
    fn address_after(&self, word: &str) -> String {
        let rest =
            self.banner.split(word).nth(1).unwrap_or_else(|| panic!("no {word:?} in {:?}", self.banner));
        rest.split_whitespace().next().unwrap().trim_end_matches([',', ')']).to_string()
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A JobManager (2 s heartbeat timeout) and `n` TaskManagers with one slot each.
struct Cluster {
    jobmanager: Process,
    taskmanagers: Vec<Process>,
}

impl Cluster {
    fn start(n: usize) -> Cluster {
        let jobmanager = Process::start(
            &[
                "jobmanager",
                "--bind",
                "127.0.0.1:0",
                "--status-bind",
                "127.0.0.1:0",
                "--heartbeat-interval",
                "0.2",
                "--heartbeat-timeout",
                "2",
            ],
            SECRET,
        );
        let mut cluster = Cluster { jobmanager, taskmanagers: Vec::new() };
        for _ in 0..n {
            cluster.add_taskmanager();
        }
        cluster
    }

    fn address(&self) -> String {
        self.jobmanager.address_after("listening on ")
    }

    fn add_taskmanager(&mut self) {
        let address = self.address();
        let tm = Process::start(
            &["taskmanager", "--jobmanager", &address, "--slots", "1", "--bind", "127.0.0.1:0"],
            SECRET,
        );
        self.taskmanagers.push(tm);
    }

    /// `eddy ARGS --cluster ADDRESS` with the secret; its output.
    fn run(&self, args: &[&str]) -> std::process::Output {
        let mut all: Vec<&str> = args.to_vec();
        let address = self.address();
        all.extend(["--cluster", &address]);
        Command::new(env!("CARGO_BIN_EXE_eddy"))
            .args(&all)
            .env("EDDY_CLUSTER_SECRET", SECRET)
            .env_remove("EDDY_PARALLELISM")
            .output()
            .unwrap()
    }

    fn status(&self) -> serde_json::Value {
        let address = self.jobmanager.address_after("status http://");
        let mut stream = TcpStream::connect(&address).unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\nHost: eddy\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let body = response.split("\r\n\r\n").nth(1).unwrap();
        serde_json::from_str(body).unwrap()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `args` locally and on the cluster with `--parallelism 3 --output FILE`, and
/// returns both files' contents.
fn local_and_cluster(cluster: &Cluster, scratch: &Scratch, name: &str, args: &[&str]) -> (String, String) {
    local_and_cluster_with(cluster, scratch, name, args, "3")
}

/// [`local_and_cluster`] with `--parallelism parallelism`.
fn local_and_cluster_with(
    cluster: &Cluster,
    scratch: &Scratch,
    name: &str,
    args: &[&str],
    parallelism: &str,
) -> (String, String) {
    let local = scratch.path(&format!("{name}-local.txt"));
    let remote = scratch.path(&format!("{name}-cluster.txt"));
    let mut local_args = args.to_vec();
    local_args.extend(["--parallelism", parallelism, "--quiet", "--output", p(&local)]);
    common::ok(&local_args);
    let mut cluster_args = args.to_vec();
    cluster_args.extend(["--parallelism", parallelism, "--quiet", "--output", p(&remote)]);
    let output = cluster.run(&cluster_args);
    assert!(output.status.success(), "{name} on the cluster failed: {}", text(&output.stderr));
    (std::fs::read_to_string(local).unwrap(), std::fs::read_to_string(remote).unwrap())
}

#[test]
fn jobs_on_three_taskmanagers_give_local_mode_results_bit_for_bit() {
    let cluster = Cluster::start(3);
    let scratch = Scratch::new("cluster-equal");
    let cases: [(&str, &[&str]); 5] = [
        ("pagerank", &["pagerank", "--generate", "rmat:10:8:3", "--iterations", "25"]),
        // 600 001 distances (about 6.6 MB serialized) exceed gRPC's default 4 MiB message.
        ("star", &["sssp", "--generate", "star:600000", "--source", "0"]),
        ("cc", &["cc", "--generate", "er:3000:2500:5"]),
        ("sssp", &["sssp", "--generate", "rmat:9:8:2", "--source", "0"]),
        ("kmeans", &["kmeans", "--generate", "blobs:3000:4:5:9", "--k", "5"]),
    ];
    for (name, args) in cases {
        let (local, remote) = local_and_cluster(&cluster, &scratch, name, args);
        assert!(local.lines().count() > 3, "{name}: {local}");
        assert_eq!(local, remote, "{name}: cluster output differs from local mode");
    }
    let status = cluster.status();
    assert_eq!(status["taskmanagers"].as_array().unwrap().len(), 3);
    let jobs = status["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 5);
    assert!(jobs.iter().all(|j| j["state"] == "finished" && j["parallelism"] == 3), "{status}");
    assert!(jobs[0]["supersteps"].as_u64().unwrap() >= 25, "{status}");
    // Every PageRank superstep ends in the superstep engine's barrier at the JobManager.
    assert!(jobs[0]["barriers"].as_u64().unwrap() >= 25, "{status}");
    // Partition data went TaskManager to TaskManager; the JobManager saw only control
    // values (aggregates, counts, the partitioner's block histogram): a few KiB per worker
    // and barrier.
    for job in jobs {
        let (data, control) =
            (job["bytes_exchanged"].as_u64().unwrap(), job["barrier_bytes"].as_u64().unwrap());
        let per_contribution = control / job["barriers"].as_u64().unwrap() / 3;
        assert!(data > 0 && per_contribution < 4096, "{job}");
    }
    println!("{status}");
}

#[test]
fn library_jobs_on_two_taskmanagers_give_local_mode_results_bit_for_bit() {
    let cluster = Cluster::start(2);
    let scratch = Scratch::new("cluster-library");
    let cases: [(&str, &[&str]); 7] = [
        ("triangles", &["triangles", "--generate", "rmat:10:8:3"]),
        ("jaccard", &["jaccard", "--generate", "rmat:8:8:3", "--top", "3"]),
        ("hits", &["hits", "--generate", "rmat:10:8:3", "--iterations", "30"]),
        ("listing", &["triangles", "--generate", "rmat:9:8:2", "--list"]),
        ("clustering", &["clustering", "--generate", "rmat:10:8:3"]),
        ("kcore", &["kcore", "--generate", "rmat:10:8:3"]),
        ("scc", &["scc", "--generate", "rmat:11:8:4"]),
    ];
    for (name, args) in cases {
        let (local, remote) = local_and_cluster_with(&cluster, &scratch, name, args, "2");
        assert!(local.lines().count() > 3, "{name}: {local}");
        assert_eq!(local, remote, "{name}: cluster output differs from local mode");
    }
    let status = cluster.status();
    let jobs = status["jobs"].as_array().unwrap();
    assert!(jobs.iter().all(|j| j["state"] == "finished" && j["parallelism"] == 2), "{status}");
}

#[test]
fn a_killed_taskmanager_fails_the_job_naming_it_and_the_cluster_runs_the_next_job() {
    let mut cluster = Cluster::start(3);
    let scratch = Scratch::new("cluster-kill");
    let address = cluster.address();
    // A PageRank that would run for minutes.
    let client = Command::new(env!("CARGO_BIN_EXE_eddy"))
        .args([
            "pagerank",
            "--generate",
            "rmat:12",
            "--iterations",
            "1000000",
            "--parallelism",
            "3",
            "--quiet",
        ])
        .args(["--cluster", &address])
        .env("EDDY_CLUSTER_SECRET", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while cluster.status()["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .all(|j| j["supersteps"].as_u64().unwrap_or(0) < 3)
    {
        assert!(Instant::now() < deadline, "the job never ran: {}", cluster.status());
        std::thread::sleep(Duration::from_millis(50));
    }
    let victim = cluster.status()["taskmanagers"][1]["id"].as_str().unwrap().to_string();
    let killed_at = Instant::now();
    cluster.taskmanagers[1].kill();
    let output = client.wait_with_output().unwrap();
    let waited = killed_at.elapsed();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let err = text(&output.stderr);
    assert!(err.contains(&format!("TaskManager {victim}")) && err.contains("lost"), "{err}");
    // Within the heartbeat timeout (2 s) plus the monitor's tick and the client's exit.
    assert!(waited < Duration::from_secs(8), "took {waited:?}");
    // The JobManager and the other TaskManagers are healthy and run the next job.
    assert!(
        cluster.jobmanager.is_running()
            && cluster.taskmanagers[0].is_running()
            && cluster.taskmanagers[2].is_running()
    );
    let status = cluster.status();
    assert_eq!(status["taskmanagers"].as_array().unwrap().len(), 2, "{status}");
    assert_eq!(status["jobs"][0]["state"], "failed");
    let local = scratch.path("local.txt");
    let remote = scratch.path("remote.txt");
    common::ok(&["cc", "--generate", "grid:20:30", "--parallelism", "2", "--quiet", "--output", p(&local)]);
    let output = cluster.run(&[
        "cc",
        "--generate",
        "grid:20:30",
        "--parallelism",
        "2",
        "--quiet",
        "--output",
        p(&remote),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(std::fs::read(local).unwrap(), std::fs::read(remote).unwrap());
}

#[test]
fn a_wrong_secret_is_refused_for_taskmanagers_and_clients() {
    let cluster = Cluster::start(1);
    let address = cluster.address();
    let tm = Command::new(env!("CARGO_BIN_EXE_eddy"))
        .args(["taskmanager", "--jobmanager", &address, "--slots", "1", "--bind", "127.0.0.1:0"])
        .env("EDDY_CLUSTER_SECRET", "not-the-secret")
        .output()
        .unwrap();
    assert_eq!(tm.status.code(), Some(1));
    assert!(text(&tm.stderr).contains("wrong cluster secret"), "{}", text(&tm.stderr));
    let client = Command::new(env!("CARGO_BIN_EXE_eddy"))
        .args(["cc", "--generate", "grid:3:3", "--cluster", &address])
        .env("EDDY_CLUSTER_SECRET", "not-the-secret")
        .output()
        .unwrap();
    assert_eq!(client.status.code(), Some(1));
    assert!(text(&client.stderr).contains("wrong cluster secret"), "{}", text(&client.stderr));
    // No secret at all: refused before connecting, with the way to give one.
    let none = Command::new(env!("CARGO_BIN_EXE_eddy"))
        .args(["cc", "--generate", "grid:3:3", "--cluster", &address])
        .env_remove("EDDY_CLUSTER_SECRET")
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(1));
    assert!(text(&none.stderr).contains("EDDY_CLUSTER_SECRET"), "{}", text(&none.stderr));
    assert_eq!(cluster.status()["taskmanagers"].as_array().unwrap().len(), 1);
}

#[test]
fn garbage_on_a_data_port_does_not_crash_the_taskmanager() {
    let mut cluster = Cluster::start(2);
    let data = cluster.taskmanagers[0].address_after("data port ");
    let garbage: [&[u8]; 4] = [
        b"GET / HTTP/1.1\r\n\r\n",
        &[0xff; 100],
        b"EDDY\x01\x02\x00\x00",                        // a truncated header
        b"EDDY\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff", // Hello with a 4 GiB payload
    ];
    for bytes in garbage {
        let mut stream = TcpStream::connect(&data).unwrap();
        let _ = stream.write_all(bytes);
        drop(stream);
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(cluster.taskmanagers[0].is_running());
    let scratch = Scratch::new("cluster-garbage");
    let (local, remote) = local_and_cluster_p2(&cluster, &scratch);
    assert_eq!(local, remote);
}

fn local_and_cluster_p2(cluster: &Cluster, scratch: &Scratch) -> (String, String) {
    let args = ["pagerank", "--generate", "rmat:8", "--iterations", "10"];
    local_and_cluster_with(cluster, scratch, "p2", &args, "2")
}

#[test]
fn jobs_are_listed_and_cancelled_and_sigterm_stops_the_processes() {
    let mut cluster = Cluster::start(2);
    let address = cluster.address();
    let client = Command::new(env!("CARGO_BIN_EXE_eddy"))
        .args([
            "pagerank",
            "--generate",
            "rmat:10",
            "--iterations",
            "1000000",
            "--quiet",
            "--cluster",
            &address,
        ])
        .env("EDDY_CLUSTER_SECRET", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while cluster.status()["jobs"][0]["state"] != "running" {
        assert!(Instant::now() < deadline, "the job never ran: {}", cluster.status());
        std::thread::sleep(Duration::from_millis(20));
    }
    let jobs = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_eddy"))
            .args(["jobs", "--jobmanager", &address])
            .args(args)
            .env("EDDY_CLUSTER_SECRET", SECRET)
            .output()
            .unwrap()
    };
    let listing = text(&jobs(&[]).stdout);
    let row = listing.lines().nth(1).unwrap_or_default().split_whitespace().collect::<Vec<_>>();
    assert_eq!(row[..4], ["1", "pagerank", "running", "2"], "{listing}");
    let cancelled = jobs(&["--cancel", "1"]);
    assert!(cancelled.status.success(), "{}", text(&cancelled.stderr));
    assert_eq!(text(&cancelled.stdout).trim(), "job 1 cancelled");
    let output = client.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("cancelled by a client"), "{}", text(&output.stderr));
    assert_eq!(cluster.status()["jobs"][0]["state"], "cancelled");
    let again = jobs(&["--cancel", "1"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("job 1 is not running"), "{}", text(&again.stderr));
    // The TaskManagers are free again: the next job runs on both.
    let scratch = Scratch::new("cluster-cancel");
    let (local, remote) = local_and_cluster_p2(&cluster, &scratch);
    assert_eq!(local, remote);
    // SIGTERM: a clean exit (status 0) of the JobManager and of a TaskManager.
    for process in [&mut cluster.taskmanagers[0], &mut cluster.jobmanager] {
        let pid = process.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = process.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "no exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success(), "{status:?}");
    }
}

#[test]
fn the_control_plane_can_run_over_tls() {
    let scratch = Scratch::new("cluster-tls");
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    let cert = scratch.file("jobmanager.pem", &certified.cert.pem());
    let key = scratch.file("jobmanager.key", &certified.signing_key.serialize_pem());
    let jobmanager = Process::start(
        &["jobmanager", "--bind", "127.0.0.1:0", "--tls-cert", p(&cert), "--tls-key", p(&key)],
        SECRET,
    );
    let address = jobmanager.address_after("listening on ");
    let _taskmanagers: Vec<Process> = (0..2)
        .map(|_| {
            Process::start(
                &["taskmanager", "--jobmanager", &address, "--slots", "1", "--tls-ca", p(&cert)],
                SECRET,
            )
        })
        .collect();
    let run = |extra: &[&str], output: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_eddy"))
            .args([
                "cc",
                "--generate",
                "er:500:400:3",
                "--parallelism",
                "2",
                "--quiet",
                "--output",
                p(output),
            ])
            .args(["--cluster", &address])
            .args(extra)
            .env("EDDY_CLUSTER_SECRET", SECRET)
            .output()
            .unwrap()
    };
    let remote = scratch.path("tls.txt");
    let output = run(&["--tls-ca", p(&cert)], &remote);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let local = scratch.path("local.txt");
    common::ok(&["cc", "--generate", "er:500:400:3", "--parallelism", "2", "--quiet", "--output", p(&local)]);
    assert_eq!(std::fs::read(local).unwrap(), std::fs::read(&remote).unwrap());
    // Plaintext to a TLS JobManager: refused with a clear error, nothing written.
    let plain = scratch.path("plain.txt");
    let output = run(&[], &plain);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains(&address), "{}", text(&output.stderr));
    assert!(!plain.exists());
    // A certificate issued for another name is not trusted.
    let wrong = run(&["--tls-ca", p(&cert), "--tls-domain", "eddy.example"], &plain);
    assert_eq!(wrong.status.code(), Some(1), "{}", text(&wrong.stderr));
}
