//! The crates depend on each other in one direction only:
//! `core ← runtime ← {gelly, ml} ← {cli, python}`, and `datasets`, which depends on no
//! eddy crate, `← {gelly, cli, python}`. This test reads every member's `Cargo.toml` and
//! fails on a dependency that points the wrong way.
//!
//! Cluster mode (tokio, tonic and its rustls, prost) is eddy-runtime's `cluster` feature,
//! which only eddy-cli turns on: a second test asks cargo for eddy-ml's normal dependency
//! closure (`cargo tree --offline`, from the lock file) and fails if any of them is in it.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// The layer of each crate: a crate may depend only on crates of a lower layer.
fn layer(name: &str) -> Option<u32> {
    match name {
        "eddy-core" | "eddy-datasets" => Some(0),
        "eddy-runtime" => Some(1),
        "eddy-gelly" | "eddy-ml" => Some(2),
        "eddy-cli" | "eddy-python" => Some(3),
        _ => None,
    }
}

/// `eddy-*` names in the `[dependencies]` and `[build-dependencies]` of a manifest.
fn internal_dependencies(manifest: &str) -> Vec<String> {
    let mut section = String::new();
    let mut found = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.trim_matches(|c| c == '[' || c == ']').to_string();
        } else if (section == "dependencies" || section == "build-dependencies") && line.starts_with("eddy-")
        {
            let name: String = line.chars().take_while(|c| c.is_alphanumeric() || *c == '-').collect();
            found.push(name.trim_end_matches('.').to_string());
        }
    }
    found
}

#[test]
fn dependencies_point_down_the_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = BTreeMap::new();
    for dir in ["core", "runtime", "datasets", "gelly", "ml", "cli", "python"] {
        let Ok(manifest) = std::fs::read_to_string(root.join(dir).join("Cargo.toml")) else {
            continue; // not created yet
        };
        let name = format!("eddy-{dir}");
        let own = layer(&name).unwrap();
        for dependency in internal_dependencies(&manifest) {
            let theirs =
                layer(&dependency).unwrap_or_else(|| panic!("{name} depends on unknown crate {dependency}"));
            assert!(theirs < own, "{name} (layer {own}) must not depend on {dependency} (layer {theirs})");
        }
        checked.insert(name, internal_dependencies(&manifest));
    }
    assert_eq!(checked["eddy-core"], Vec::<String>::new());
    assert_eq!(checked["eddy-datasets"], Vec::<String>::new(), "eddy-datasets depends on no eddy crate");
    assert_eq!(checked["eddy-runtime"], vec!["eddy-core".to_string()]);
}

#[test]
fn the_manifest_parser_sees_dependencies_and_skips_dev_dependencies() {
    let manifest = "[dependencies]\neddy-core.workspace = true\nserde = \"1\"\n\n[dev-dependencies]\neddy-gelly = { path = \"x\" }\n\n[build-dependencies]\neddy-runtime = { workspace = true }\n";
    assert_eq!(internal_dependencies(manifest), vec!["eddy-core", "eddy-runtime"]);
}

/// The names of the packages in the normal (not dev, not build) dependency closure of
/// `package`, as cargo resolves it with the package's default features.
fn normal_closure(package: &str) -> Vec<String> {
    let output = Command::new(env!("CARGO"))
        .args(["tree", "--offline", "--package", package, "--edges", "normal", "--prefix", "none"])
        .args(["--format", "{p}"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&output.stderr));
    let names: Vec<String> =
        stdout.lines().filter_map(|line| line.split_whitespace().next()).map(str::to_string).collect();
    assert_eq!(names.first().map(String::as_str), Some(package), "unexpected cargo tree output:\n{stdout}");
    names
}

/// The packages of cluster mode's async runtime, gRPC and TLS stack in `names`.
fn cluster_stack(names: &[String]) -> Vec<&str> {
    let stack = ["tokio", "tonic", "rustls", "prost"];
    let mut found: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|name| stack.iter().any(|s| name == s || name.starts_with(&format!("{s}-"))))
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

#[test]
fn the_ml_library_pulls_no_async_runtime_grpc_or_tls() {
    let ml = normal_closure("eddy-ml");
    assert!(ml.iter().any(|name| name == "eddy-runtime"), "eddy-ml runs on eddy-runtime: {ml:?}");
    assert_eq!(cluster_stack(&ml), Vec::<&str>::new(), "eddy-ml must not depend on cluster mode");
    // The check can fail: the command line, with cluster mode on, has all of them.
    let cli = normal_closure("eddy-cli");
    for name in ["tokio", "tonic", "rustls", "prost"] {
        assert!(cluster_stack(&cli).contains(&name), "eddy-cli runs cluster mode, so needs {name}");
    }
}
