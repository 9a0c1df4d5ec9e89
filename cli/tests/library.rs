//! End-to-end tests of the graph library's commands (`triangles`, `clustering`, `kcore`,
//! `scc`): the real executable on the networkx oracle graphs of tests/data/graphs, their
//! reports, output formats and errors.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{Scratch, eddy, fails, ok, p, stderr};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/graphs").join(name)
}

/// `vertex<TAB>value` lines as numbers.
fn values(path: &Path) -> BTreeMap<u64, f64> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let (k, v) = l.split_once('\t').unwrap_or_else(|| panic!("not `vertex<TAB>value`: {l:?}"));
            (k.parse().unwrap(), v.parse().unwrap())
        })
        .collect()
}

fn stat(graph: &str, key: &str) -> f64 {
    let text = std::fs::read_to_string(data(&format!("{graph}.stats.tsv"))).unwrap();
    let line = text.lines().find(|l| l.starts_with(&format!("{key}\t"))).unwrap();
    line.split('\t').nth(1).unwrap().parse().unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(args)).expect("valid JSON")
}

#[test]
fn library_commands_match_networkx_on_the_oracle_graphs() {
    let dir = Scratch::new("library");
    for graph in ["karate", "rand1000", "les_miserables", "preferential500"] {
        let input = data(&format!("{graph}.txt"));
        for (command, oracle, tolerance) in [
            ("triangles", "triangles", 0.0),
            ("clustering", "clustering", 1e-12),
            ("kcore", "core", 0.0),
            ("scc", "scc", 0.0),
        ] {
            let out = dir.path(&format!("{graph}-{command}.tsv"));
            let report = json(&[command, p(&input), "-p", "3", "--json", "--output", p(&out)]);
            assert_eq!(report["algorithm"], command);
            let (got, want) = (values(&out), values(&data(&format!("{graph}.{oracle}.tsv"))));
            assert_eq!(got.len(), want.len(), "{graph} {command}");
            for ((k, v), (wk, wv)) in got.iter().zip(&want) {
                assert!(
                    k == wk && (v - wv).abs() <= tolerance,
                    "{graph} {command}: {k} {v} vs networkx {wk} {wv}"
                );
            }
            match command {
                "triangles" => assert_eq!(report["triangles"].as_f64(), Some(stat(graph, "triangles"))),
                "clustering" => {
                    let average = report["average_clustering"].as_f64().unwrap();
                    assert!((average - stat(graph, "average_clustering")).abs() < 1e-12, "{report}");
                    let global = report["global_clustering"].as_f64().unwrap();
                    assert!((global - stat(graph, "transitivity")).abs() < 1e-12, "{report}");
                }
                "kcore" => assert_eq!(report["max_core"].as_f64(), Some(stat(graph, "max_core"))),
                _ => {
                    let components: std::collections::BTreeSet<u64> =
                        want.values().map(|&l| l as u64).collect();
                    assert_eq!(report["components"], components.len());
                }
            }
        }
        // The listing: one sorted `a<TAB>b<TAB>c` line per triangle, a < b < c.
        let listed = dir.path(&format!("{graph}-list.tsv"));
        let text = ok(&["triangles", p(&input), "--list", "--output", p(&listed)]);
        let lines: Vec<Vec<u64>> = std::fs::read_to_string(&listed)
            .unwrap()
            .lines()
            .map(|l| l.split('\t').map(|x| x.parse().unwrap()).collect())
            .collect();
        assert_eq!(lines.len() as f64, stat(graph, "triangles"), "{graph}");
        assert!(text.contains(&format!("wrote {} triangles to", lines.len())), "{text}");
        assert!(lines.iter().all(|t| t.len() == 3 && t[0] < t[1] && t[1] < t[2]), "{graph}");
        assert!(lines.is_sorted(), "{graph}");
    }
}

#[test]
fn library_outputs_have_their_column_names_and_do_not_depend_on_the_parallelism() {
    let dir = Scratch::new("library-csv");
    for (command, column) in
        [("triangles", "count"), ("clustering", "value"), ("kcore", "k"), ("scc", "label")]
    {
        let mut files = Vec::new();
        for parallelism in ["1", "4"] {
            let out = dir.path(&format!("{command}-{parallelism}.csv"));
            ok(&[command, "--generate", "rmat:10", "-p", parallelism, "--quiet", "--output", p(&out)]);
            files.push(std::fs::read_to_string(&out).unwrap());
        }
        assert!(files[0].starts_with(&format!("vertex,{column}\n")), "{command}: {}", &files[0][..40]);
        assert!(files[0].lines().count() > 100);
        assert_eq!(files[0], files[1], "{command} differs between 1 and 4 workers");
    }
    let out = dir.path("triangles.csv");
    ok(&["triangles", "--list", "--output", p(&out)]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("a,b,c\n0,1,2\n"), "{text}");
    assert_eq!(text.lines().count(), 46, "karate: 45 triangles and the header");
}

#[test]
fn library_commands_fail_in_one_line_on_bad_input_and_leave_no_output() {
    let dir = Scratch::new("library-bad");
    let input = dir.file("bad.txt", "1 2\n2 3\n3 x\n");
    let out = dir.path("out.tsv");
    for command in ["triangles", "clustering", "kcore", "scc", "hits", "jaccard", "adamic-adar"] {
        let err = fails(&[command, p(&input), "--output", p(&out)]);
        assert!(err.contains("bad.txt:3") && err.contains("3 x"), "{command}: {err}");
        let err = fails(&[command, "--generate", "rmat:x"]);
        assert!(err.contains("rmat:x"), "{command}: {err}");
    }
    assert_eq!(dir.listing(), ["bad.txt"], "no output and no temporary file left behind");
    // --list needs a file to write the triangles to: a usage error.
    let output = eddy(&["triangles", "--list"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--output"), "{}", stderr(&output));
}

#[test]
fn library_commands_explain_the_undirected_view_and_give_examples() {
    // The help text as one line: clap wraps it to the terminal's width.
    let help = |command: &str| ok(&[command, "--help"]).split_whitespace().collect::<Vec<_>>().join(" ");
    for command in ["triangles", "clustering", "kcore"] {
        let help = help(command);
        assert!(help.contains("undirected simple graph") && help.contains("self-loops"), "{command}: {help}");
        assert!(help.contains("Examples:"), "{command}");
    }
    let scc = help("scc");
    assert!(scc.contains("smallest vertex id of its component") && scc.contains("Examples:"), "{scc}");
    assert!(help("triangles").contains("--list"));
    // The karate club, with no input.
    assert_eq!(json(&["triangles", "--json"])["triangles"], 45);
    assert_eq!(json(&["kcore", "--json"])["max_core"], 4);
    assert_eq!(json(&["scc", "--json"])["components"], 1);
}

#[test]
fn hits_matches_networkx_and_writes_hub_and_authority_columns() {
    let dir = Scratch::new("hits");
    for graph in ["karate", "les_miserables", "rand200_dense"] {
        let input = data(&format!("{graph}.txt"));
        let out = dir.path(&format!("{graph}.tsv"));
        let report = json(&[
            "hits",
            p(&input),
            "--tolerance",
            "1e-13",
            "--max-iterations",
            "10000",
            "-p",
            "2",
            "--json",
            "--output",
            p(&out),
        ]);
        assert_eq!((report["algorithm"].clone(), report["converged"].clone()), ("hits".into(), true.into()));
        let rows = |path: &Path| -> Vec<Vec<f64>> {
            std::fs::read_to_string(path)
                .unwrap()
                .lines()
                .map(|l| l.split('\t').map(|x| x.parse().unwrap()).collect())
                .collect()
        };
        let (got, want) = (rows(&out), rows(&data(&format!("{graph}.hits.tsv"))));
        assert_eq!(got.len(), want.len(), "{graph}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g[0], w[0], "{graph}: vertices in order");
            assert!(
                (g[1] - w[1]).abs() < 1e-10 && (g[2] - w[2]).abs() < 1e-10,
                "{graph}: {g:?} vs networkx {w:?}"
            );
        }
    }
    let out = dir.path("karate.csv");
    let report = json(&["hits", "--iterations", "5", "--json", "--output", p(&out)]);
    assert_eq!((report["supersteps"].clone(), report["iterations"].clone()), (5.into(), 5.into()));
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("vertex,hub,authority\n"));
    let err = fails(&["hits", "--tolerance", "-1"]);
    assert!(err.contains("tolerance"), "{err}");
}

#[test]
fn similarity_commands_match_networkx_and_filter_by_score_and_rank() {
    let dir = Scratch::new("similarity");
    let pairs = |path: &Path| -> Vec<(u64, u64, f64)> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f[0].parse().unwrap(), f[1].parse().unwrap(), f[2].parse().unwrap())
            })
            .collect()
    };
    for graph in ["karate", "les_miserables", "rand1000"] {
        let input = data(&format!("{graph}.txt"));
        for (command, oracle) in [("jaccard", "jaccard"), ("adamic-adar", "adamic_adar")] {
            let out = dir.path(&format!("{graph}-{command}.tsv"));
            let report = json(&[command, p(&input), "-p", "3", "--json", "--output", p(&out)]);
            let (got, want) = (pairs(&out), pairs(&data(&format!("{graph}.{oracle}.tsv"))));
            assert_eq!(report["pairs"], got.len());
            assert_eq!(got.len(), want.len(), "{graph} {command}");
            for (g, w) in got.iter().zip(&want) {
                assert!(
                    (g.0, g.1) == (w.0, w.1) && (g.2 - w.2).abs() < 1e-12,
                    "{graph} {command}: {g:?} vs {w:?}"
                );
            }
            // --min-score keeps exactly the pairs at or above it.
            let threshold = if command == "jaccard" { "0.5" } else { "2" };
            let kept = dir.path(&format!("{graph}-{command}-min.tsv"));
            ok(&[command, p(&input), "--min-score", threshold, "-q", "--output", p(&kept)]);
            let t: f64 = threshold.parse().unwrap();
            let expected: Vec<_> = want.iter().filter(|w| w.2 >= t).map(|w| (w.0, w.1)).collect();
            assert_eq!(
                pairs(&kept).iter().map(|g| (g.0, g.1)).collect::<Vec<_>>(),
                expected,
                "{graph} {command}"
            );
            // --top K: exactly the pairs among the K best of either vertex (ties to the
            // smaller other vertex), by brute force over the oracle's pairs.
            let top = dir.path(&format!("{graph}-{command}-top.tsv"));
            ok(&[command, p(&input), "--top", "2", "-q", "--output", p(&top)]);
            // Per vertex: (score, the other vertex, the pair).
            type Ranked = Vec<(f64, u64, (u64, u64))>;
            let mut best: BTreeMap<u64, Ranked> = BTreeMap::new();
            for w in &want {
                best.entry(w.0).or_default().push((w.2, w.1, (w.0, w.1)));
                best.entry(w.1).or_default().push((w.2, w.0, (w.0, w.1)));
            }
            let mut chosen = std::collections::BTreeSet::new();
            for list in best.values_mut() {
                list.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                chosen.extend(list.iter().take(2).map(|x| x.2));
            }
            let got: Vec<(u64, u64)> = pairs(&top).iter().map(|g| (g.0, g.1)).collect();
            assert_eq!(got, chosen.into_iter().collect::<Vec<_>>(), "{graph} {command} --top 2");
        }
    }
    let out = dir.path("pairs.csv");
    ok(&["jaccard", "--output", p(&out)]);
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("u,v,score\n0,1,"));
}
