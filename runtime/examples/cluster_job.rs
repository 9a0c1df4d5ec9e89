//! Your own job in cluster mode: a binary that registers a job by name and runs as the
//! JobManager, as a TaskManager or as the submitting client. Every process of a cluster
//! must be this same binary (the job travels as its name and parameters, never as code).
//!
//! ```sh
//! export EDDY_CLUSTER_SECRET=s3cret
//! cargo run --example cluster_job -- jobmanager 127.0.0.1:6123 &
//! cargo run --example cluster_job -- taskmanager 127.0.0.1:6123 &
//! cargo run --example cluster_job -- taskmanager 127.0.0.1:6123 &
//! cargo run --example cluster_job -- submit 127.0.0.1:6123 1000000
//! ```
//!
//! Without arguments it starts all of them in this process (one JobManager, two
//! TaskManagers) and submits once — a self-check. `barriers JOBMANAGER ROUNDS` (and
//! `barriers-local P ROUNDS`) measure the superstep barrier's latency
//! (`benches/cluster.py` uses them).

use eddy::core::Worker;
use eddy::runtime::ClusterSecret;
use eddy::runtime::cluster::{ClusterClient, JobManager, JobManagerConfig, TaskManager, TaskManagerConfig};
use eddy::runtime::jobs::{JobRegistry, JobRequest, decode_results};

/// The jobs this binary knows: `squares` sums i² for i < n, split over the workers, and
/// returns each worker's partial sum and the global one (an all-reduce, which in cluster
/// mode is a superstep barrier at the JobManager).
fn registry() -> JobRegistry {
    let mut registry = JobRegistry::new();
    registry.register("squares", |n: u64| {
        // Once per process: nothing to load here.
        Ok(move |worker: &Worker| {
            let share = worker.share(usize::try_from(n).unwrap_or(usize::MAX));
            let local = share.map(|i| (i as u64).wrapping_mul(i as u64)).fold(0u64, u64::wrapping_add);
            let global = worker.all_reduce(local, u64::wrapping_add)?;
            Ok((worker.index(), local, global))
        })
    });
    // `barriers`: `rounds` empty all-gathers back to back — in cluster mode each is a
    // superstep barrier at the JobManager; worker 0 returns the mean time of one.
    registry.register("barriers", |rounds: u32| {
        Ok(move |worker: &Worker| {
            worker.barrier()?;
            let started = std::time::Instant::now();
            for _ in 0..rounds {
                worker.barrier()?;
            }
            Ok(started.elapsed().as_secs_f64() / f64::from(rounds.max(1)))
        })
    });
    registry
}

fn submit(address: &str, secret: ClusterSecret, n: u64) -> Result<(), Box<dyn std::error::Error>> {
    let client = ClusterClient::connect(address, secret)?;
    let outcome = client.submit(&JobRequest::new("squares", &n)?, None, None)?;
    for (worker, local, global) in decode_results::<(usize, u64, u64)>(outcome.results)? {
        println!("worker {worker} on {}: partial {local}, sum {global}", outcome.taskmanagers[worker]);
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let secret =
        ClusterSecret::new(std::env::var("EDDY_CLUSTER_SECRET").unwrap_or_else(|_| "example".into()));
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["jobmanager", bind] => {
            let jobmanager = JobManager::start(JobManagerConfig::new(bind.parse()?, secret))?;
            println!("listening on {}", jobmanager.local_addr());
            jobmanager.run_until_signal();
        }
        ["taskmanager", jobmanager] => {
            let config = TaskManagerConfig::new(*jobmanager, "127.0.0.1:0".parse()?, 1, secret);
            let taskmanager = TaskManager::start(config, registry())?;
            println!("taskmanager {} registered", taskmanager.id());
            taskmanager.run_until_signal()?;
        }
        ["submit", jobmanager, n] => submit(jobmanager, secret, n.parse()?)?,
        ["barriers", jobmanager, rounds] => {
            let client = ClusterClient::connect(jobmanager, secret)?;
            let outcome =
                client.submit(&JobRequest::new("barriers", &rounds.parse::<u32>()?)?, None, None)?;
            let seconds = decode_results::<f64>(outcome.results)?;
            println!("{{\"barrier_seconds\": {}, \"workers\": {}}}", seconds[0], seconds.len());
        }
        ["barriers-local", parallelism, rounds] => {
            let runtime = eddy::runtime::LocalRuntime::with_parallelism(parallelism.parse()?)?;
            let request = JobRequest::new("barriers", &rounds.parse::<u32>()?)?;
            let seconds = decode_results::<f64>(registry().run_local(&runtime, &request)?)?;
            println!("{{\"barrier_seconds\": {}, \"workers\": {}}}", seconds[0], seconds.len());
        }
        [] => {
            let jobmanager =
                JobManager::start(JobManagerConfig::new("127.0.0.1:0".parse()?, secret.clone()))?;
            let address = jobmanager.local_addr().to_string();
            let config = TaskManagerConfig::new(address.clone(), "127.0.0.1:0".parse()?, 1, secret.clone());
            let _taskmanagers =
                [TaskManager::start(config.clone(), registry())?, TaskManager::start(config, registry())?];
            submit(&address, secret, 1000)?;
        }
        _ => {
            return Err(
                "usage: cluster_job [jobmanager BIND | taskmanager JOBMANAGER | submit JOBMANAGER N]".into(),
            );
        }
    }
    Ok(())
}
