//! `EDDY_PARALLELISM`: the environment overrides the default parallelism (one worker per
//! core), and a bad value is an error naming the variable. Tests cannot set environment
//! variables safely in-process, so the test re-runs this test binary with the variable set.

use std::process::Command;

use eddy::runtime::LocalRuntime;

/// Prints what `LocalRuntime::from_env` decides; the parent test reads it.
#[test]
fn from_env_probe() {
    match LocalRuntime::from_env() {
        Ok(runtime) => {
            let workers = runtime.execute(|w| Ok(w.parallelism())).unwrap();
            assert_eq!(workers.len(), runtime.parallelism());
            println!("PARALLELISM={}", runtime.parallelism());
        }
        Err(e) => println!("ERROR={e}"),
    }
}

fn probe(value: Option<&str>) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["--exact", "config::from_env_probe", "--nocapture", "--test-threads", "1"]);
    match value {
        Some(v) => command.env("EDDY_PARALLELISM", v),
        None => command.env_remove("EDDY_PARALLELISM"),
    };
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The harness may print the test's name on the same line, before the output.
    stdout
        .lines()
        .find_map(|l| l.find("PARALLELISM=").or_else(|| l.find("ERROR=")).map(|at| l[at..].to_string()))
        .unwrap_or_else(|| panic!("no probe output in {stdout}"))
}

#[test]
fn eddy_parallelism_overrides_the_number_of_cores() {
    let cores = std::thread::available_parallelism().unwrap().get();
    assert_eq!(probe(None), format!("PARALLELISM={cores}"));
    assert_eq!(probe(Some("3")), "PARALLELISM=3");
    assert_eq!(probe(Some("7")), "PARALLELISM=7");
    assert_eq!(probe(Some("0")), "ERROR=invalid parameter EDDY_PARALLELISM: \"0\" is not a positive integer");
    assert_eq!(
        probe(Some("many")),
        "ERROR=invalid parameter EDDY_PARALLELISM: \"many\" is not a positive integer"
    );
    // The API setting wins over the environment.
    assert_eq!(LocalRuntime::with_parallelism(5).unwrap().parallelism(), 5);
}
