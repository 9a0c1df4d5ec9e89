//! The crates depend on each other in one direction only:
//! `core ← runtime ← {gelly, ml} ← {cli, python}` and `datasets ← core`. This test reads
//! every member's `Cargo.toml` and fails on a dependency that points the wrong way.

use std::collections::BTreeMap;
use std::path::Path;

/// The layer of each crate: a crate may depend only on crates of a lower layer.
fn layer(name: &str) -> Option<u32> {
    match name {
        "eddy-core" => Some(0),
        "eddy-datasets" | "eddy-runtime" => Some(1),
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
            if name == "eddy-datasets" {
                assert_eq!(dependency, "eddy-core", "eddy-datasets may depend on eddy-core only");
            }
        }
        checked.insert(name, internal_dependencies(&manifest));
    }
    assert_eq!(checked["eddy-core"], Vec::<String>::new());
    assert_eq!(checked["eddy-runtime"], vec!["eddy-core".to_string()]);
    assert_eq!(checked["eddy-datasets"], vec!["eddy-core".to_string()]);
}

#[test]
fn the_manifest_parser_sees_dependencies_and_skips_dev_dependencies() {
    let manifest = "[dependencies]\neddy-core.workspace = true\nserde = \"1\"\n\n[dev-dependencies]\neddy-gelly = { path = \"x\" }\n\n[build-dependencies]\neddy-runtime = { workspace = true }\n";
    assert_eq!(internal_dependencies(manifest), vec!["eddy-core", "eddy-runtime"]);
}
