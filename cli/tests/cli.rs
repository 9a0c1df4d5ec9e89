//! End-to-end tests of the `eddy` binary: each runs the real executable on small files
//! written to a fresh directory under the system temp dir, and checks its output files,
//! stdout, stderr and exit code.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Scratch, eddy, fails, ok, p, stderr, stdout};

/// `(vertex, value)` rows of a TSV output file.
fn rows(path: &Path) -> Vec<(u64, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| {
            let (v, x) = line.split_once('\t').unwrap_or_else(|| panic!("not `vertex<TAB>value`: {line:?}"));
            (v.parse().unwrap(), x.to_string())
        })
        .collect()
}

#[test]
fn pagerank_without_input_ranks_the_karate_club() {
    let out = ok(&["pagerank", "--parallelism", "2"]);
    assert!(out.contains("built-in karate club graph"), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    let header = lines.iter().position(|l| l.starts_with("highest ranks")).expect("a top table");
    let vertex = |row: &str| row.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap();
    // networkx ids 0..33: the instructor (33, "34" in Zachary's paper) then the president (0, "1").
    assert_eq!(vertex(lines[header + 2]), 33, "{out}");
    assert_eq!(vertex(lines[header + 3]), 0, "{out}");
    assert_eq!(lines.iter().filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit())).count(), 10);
    assert!(out.contains("vertices        34"), "{out}");
    assert!(out.contains("edges           156"), "{out}");
    assert!(out.contains("converged       true"), "{out}");
}

#[test]
fn pagerank_output_has_one_line_per_vertex_sorted_and_ranks_sum_to_one() {
    let dir = Scratch::new("pagerank-output");
    // 4 is dangling, 10 only has an out-edge.
    let input = dir.file("g.txt", "3 1\n1 2\n2 3\n3 4\n10 3\n2 1\n");
    let tsv = dir.path("ranks.tsv");
    let out = ok(&["pagerank", p(&input), "--output", p(&tsv), "-p", "3"]);
    assert!(out.contains("wrote 5 vertices"), "{out}");
    let rows = rows(&tsv);
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2, 3, 4, 10]);
    let ranks: Vec<f64> = rows.iter().map(|r| r.1.parse().unwrap()).collect();
    let total: f64 = ranks.iter().sum();
    // 5 terms summed in order: a few ulps of 1.
    assert!((total - 1.0).abs() < 1e-12, "sum {total}");
    assert!(ranks.iter().all(|r| *r > 0.0));

    let csv = dir.path("ranks.csv");
    ok(&["pagerank", p(&input), "--output", p(&csv), "-p", "3"]);
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("vertex,value"));
    let body: Vec<String> = lines.map(str::to_string).collect();
    let expected: Vec<String> = rows.iter().map(|(v, x)| format!("{v},{x}")).collect();
    assert_eq!(body, expected);
    assert_eq!(dir.listing(), ["g.txt", "ranks.csv", "ranks.tsv"]);
}

#[test]
fn cc_labels_every_vertex_with_the_smallest_id_of_its_weak_component() {
    let dir = Scratch::new("cc");
    // {1, 2}, {3} (a self-loop), {5, 6, 7} (7 -> 6 only weakly joined), {10, 11, 12}.
    let input = dir.file("g.txt", "5 6\n7 6\n1 2\n3 3\n12 11\n11 10\n");
    let out_file = dir.path("labels.tsv");
    ok(&["cc", p(&input), "--output", p(&out_file)]);
    assert_eq!(
        std::fs::read_to_string(&out_file).unwrap(),
        "1\t1\n2\t1\n3\t3\n5\t5\n6\t5\n7\t5\n10\t10\n11\t10\n12\t10\n"
    );
    let text = ok(&["cc", p(&input)]);
    assert!(text.contains("components         4"), "{text}");
    let table: Vec<&str> =
        text.lines().skip_while(|l| !l.starts_with("largest components")).skip(2).take(4).collect();
    let sizes: Vec<(u64, u64)> = table
        .iter()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[1].parse().unwrap(), f[2].parse().unwrap())
        })
        .collect();
    assert_eq!(sizes, [(5, 3), (10, 3), (1, 2), (3, 1)]);
}

#[test]
fn sssp_gives_weighted_distances_hop_counts_and_inf() {
    let dir = Scratch::new("sssp");
    let input = dir.file("g.txt", "1 2 1.5\n1 3 4\n2 3 2\n3 4 0.25\n5 1 1\n");
    let out_file = dir.path("d.tsv");
    ok(&["sssp", p(&input), "--source", "1", "--output", p(&out_file)]);
    // 1 -> 2 -> 3 (3.5) beats 1 -> 3 (4); 5 only has an edge into the source.
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "1\t0\n2\t1.5\n3\t3.5\n4\t3.75\n5\tinf\n");

    ok(&["sssp", p(&input), "--source", "1", "--unweighted", "--output", p(&out_file)]);
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "1\t0\n2\t1\n3\t1\n4\t2\n5\tinf\n");

    let text = ok(&["sssp", p(&input), "--source", "1"]);
    let first = text.lines().skip_while(|l| !l.starts_with("farthest")).nth(2).unwrap();
    assert_eq!(first.split_whitespace().collect::<Vec<_>>(), ["1", "4", "3.75"]);
    assert!(text.contains("reachable     4"), "{text}");
}

#[test]
fn an_unknown_source_fails_in_one_line_naming_it() {
    let dir = Scratch::new("unknown-source");
    let input = dir.file("g.txt", "1 2 1.5\n2 3 1\n");
    let out_file = dir.path("d.tsv");
    let err = fails(&["sssp", p(&input), "--source", "999", "--output", p(&out_file)]);
    assert!(err.contains("999"), "{err}");
    assert_eq!(dir.listing(), ["g.txt"]);
}

#[test]
fn a_malformed_line_is_named_and_leaves_no_output() {
    let dir = Scratch::new("malformed");
    let input = dir.file("bad.txt", "1 2\nfoo bar\n");
    let out_file = dir.path("out.tsv");
    for command in ["pagerank", "cc"] {
        let output = eddy(&[command, p(&input), "--output", p(&out_file)]);
        assert_ne!(output.status.code(), Some(0));
        let err = stderr(&output);
        assert!(err.contains(&format!("{}:2", input.display())), "{err}");
        assert!(err.contains("foo bar"), "{err}");
        assert!(!out_file.exists());
    }
    let err = fails(&["sssp", p(&input), "--source", "1", "--output", p(&out_file)]);
    assert!(err.contains("bad.txt:2") && err.contains("foo bar"), "{err}");
    assert_eq!(dir.listing(), ["bad.txt"], "no output and no temporary file left behind");
}

#[test]
fn negative_and_nan_weights_are_rejected_naming_the_edge() {
    let dir = Scratch::new("weights");
    let negative = dir.file("neg.txt", "1 2 1\n2 3 -2.5\n");
    let out_file = dir.path("d.tsv");
    let err = fails(&["sssp", p(&negative), "--source", "1", "--output", p(&out_file)]);
    assert!(err.contains("2 -> 3") && err.contains("-2.5"), "{err}");
    // The reader already refuses a NaN weight, naming file, line and the edge's text.
    let nan = dir.file("nan.txt", "1 2 1\n2 3 NaN\n");
    let err = fails(&["sssp", p(&nan), "--source", "1", "--output", p(&out_file)]);
    assert!(err.contains("nan.txt:2") && err.contains("2 3 NaN"), "{err}");
    assert!(!out_file.exists());
    // Hop counts ignore weights, so a negative one is fine there.
    ok(&["sssp", p(&negative), "--source", "1", "--unweighted", "--output", p(&out_file)]);
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "1\t0\n2\t1\n3\t2\n");
}

#[test]
fn a_missing_file_fails_in_one_line_naming_it() {
    let dir = Scratch::new("missing");
    let missing = dir.path("no-such-graph.txt");
    for command in [&["cc"][..], &["pagerank"], &["sssp", "--source", "1"]] {
        let mut args: Vec<&str> = command.to_vec();
        args.push(p(&missing));
        let err = fails(&args);
        assert!(err.contains(p(&missing)), "{err}");
    }
}

#[test]
fn bad_parameters_and_specs_fail_in_one_line() {
    let err = fails(&["pagerank", "--damping", "1.5"]);
    assert!(err.contains("damping") && err.contains("1.5"), "{err}");
    let err = fails(&["pagerank", "--tolerance", "-1"]);
    assert!(err.contains("tolerance"), "{err}");
    let err = fails(&["pagerank", "--tolerance", "NaN"]);
    assert!(err.contains("tolerance"), "{err}");
    let err = fails(&["cc", "--generate", "rmat:x"]);
    assert!(err.contains("rmat:x") && err.contains("syntax"), "{err}");
    let dir = Scratch::new("bad-spec");
    let err = fails(&["generate", "bogus:3", "-o", p(&dir.path("g.txt"))]);
    assert!(err.contains("bogus"), "{err}");
    assert!(dir.listing().is_empty());
    // Usage errors are clap's: exit code 2.
    assert_eq!(eddy(&["pagerank", "--iterations", "3", "--tolerance", "1e-3"]).status.code(), Some(2));
    assert_eq!(eddy(&["sssp"]).status.code(), Some(2));
}

#[test]
fn a_generated_path_is_one_component_labelled_zero() {
    let dir = Scratch::new("generate");
    let graph = dir.path("path.txt");
    let out = ok(&["generate", "path:5", "-o", p(&graph)]);
    assert!(out.starts_with("wrote 4 edges over vertex ids < 5"), "{out}");
    assert_eq!(out.lines().count(), 1);
    let labels = dir.path("out.tsv");
    ok(&["cc", p(&graph), "--output", p(&labels)]);
    assert_eq!(rows(&labels), (0..5).map(|v| (v, "0".to_string())).collect::<Vec<_>>());
    // gzip by extension, read back the same.
    let gz = dir.path("path.txt.gz");
    ok(&["generate", "path:5", "-o", p(&gz)]);
    let again = dir.path("again.tsv");
    ok(&["cc", p(&gz), "--output", p(&again)]);
    assert_eq!(std::fs::read(&labels).unwrap(), std::fs::read(&again).unwrap());
}

#[test]
fn json_reports_are_valid_with_the_documented_keys() {
    let dir = Scratch::new("json");
    let input = dir.file("g.txt", "1 2 0.5\n2 3 0.5\n3 1 2\n4 5 1\n");
    let common = [
        "algorithm",
        "input",
        "vertices",
        "edges",
        "supersteps",
        "converged",
        "load_seconds",
        "compute_seconds",
    ];
    let cases: [(&[&str], &[&str]); 3] = [
        (&["pagerank"], &["damping", "tolerance", "max_iterations", "last_delta"]),
        (&["cc"], &["components", "largest_component"]),
        (&["sssp", "--source", "1"], &["source", "weighted", "reachable", "max_distance"]),
    ];
    for (command, specific) in cases {
        let mut args: Vec<&str> = command.to_vec();
        args.extend([p(&input), "--json", "-p", "2"]);
        let text = ok(&args);
        assert_eq!(text.lines().count(), 1, "{text}");
        let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        for key in common.iter().chain(specific).chain(&["parallelism", "top"]) {
            assert!(json.get(key).is_some(), "{key} missing in {json}");
        }
        assert_eq!(json["algorithm"], command[0]);
        assert_eq!(json["vertices"], 5);
        assert_eq!(json["edges"], 4);
        assert_eq!(json["parallelism"], 2);
        assert_eq!(json["converged"], true);
        assert!(json["load_seconds"].as_f64().unwrap() >= 0.0);
        assert!(json["compute_seconds"].as_f64().unwrap() >= 0.0);
    }
    let cc: serde_json::Value = serde_json::from_str(&ok(&["cc", p(&input), "--json"])).unwrap();
    assert_eq!(cc["components"], 2);
    assert_eq!(cc["top"][0], serde_json::json!({"component": 1, "size": 3}));
    let sssp: serde_json::Value =
        serde_json::from_str(&ok(&["sssp", p(&input), "--source", "1", "--json"])).unwrap();
    assert_eq!((sssp["weighted"].clone(), sssp["reachable"].clone()), (true.into(), 3.into()));
    assert_eq!(sssp["max_distance"], 1.0);
    let karate: serde_json::Value = serde_json::from_str(&ok(&["pagerank", "--json"])).unwrap();
    assert_eq!((karate["vertices"].clone(), karate["edges"].clone()), (34.into(), 156.into()));
    assert_eq!(karate["top"][0]["vertex"], 33);
}

#[test]
fn output_files_do_not_depend_on_the_parallelism() {
    let dir = Scratch::new("parallelism");
    let commands: [&[&str]; 3] = [&["pagerank"], &["cc"], &["sssp", "--source", "0", "--undirected"]];
    for command in commands {
        let mut files = Vec::new();
        for parallelism in ["1", "4"] {
            let file = dir.path(&format!("{}-{parallelism}.tsv", command[0]));
            let mut args: Vec<&str> = command.to_vec();
            args.extend(["--generate", "rmat:10", "--parallelism", parallelism, "--output", p(&file)]);
            ok(&args);
            files.push(std::fs::read(&file).unwrap());
        }
        assert!(!files[0].is_empty());
        assert!(files[0] == files[1], "{} differs between 1 and 4 workers", command[0]);
    }
}

#[test]
fn every_subcommand_explains_its_flags() {
    let help = ok(&["pagerank", "--help"]);
    for needle in [
        "--damping",
        "[default: 0.85]",
        "--tolerance",
        "[default: 1e-9]",
        "--iterations",
        "--max-iterations",
        "--parallelism",
        "--output",
        "--json",
        "--quiet",
        "--generate",
        "Examples:",
    ] {
        assert!(help.contains(needle), "{needle} missing in pagerank --help");
    }
    for command in ["cc", "sssp", "generate"] {
        let help = ok(&[command, "--help"]);
        assert!(help.contains("Examples:"), "{command} --help has no example");
    }
    assert!(ok(&["sssp", "--help"]).contains("--unweighted"));
}

/// A larger edge list with comments, blank lines, CRLF line ends and no final newline.
fn mixed_edge_list(lines: u64) -> String {
    let mut text = String::from("# a generated graph\n\n");
    let mut x = 0x2545_f491_4f6c_dd1du64;
    for i in 0..lines {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let end = if i.is_multiple_of(3) { "\r\n" } else { "\n" };
        text.push_str(&format!("{} {}{end}", x % 500, (x >> 32) % 500));
        if i.is_multiple_of(100) {
            text.push_str("% comment\n\n");
        }
    }
    text.truncate(text.trim_end().len());
    text
}

#[test]
fn file_inputs_read_per_worker_give_the_same_output_for_every_parallelism() {
    let dir = Scratch::new("file-parallelism");
    let input = dir.file("g.txt", &mixed_edge_list(3_000));
    for command in [&["pagerank"][..], &["cc"], &["sssp", "--source", "0"]] {
        let mut files = Vec::new();
        for parallelism in ["1", "3", "4"] {
            let file = dir.path(&format!("{}-{parallelism}.tsv", command[0]));
            let mut args: Vec<&str> = command.to_vec();
            args.extend([p(&input), "--parallelism", parallelism, "--output", p(&file), "--json"]);
            let json: serde_json::Value = serde_json::from_str(&ok(&args)).unwrap();
            assert_eq!(json["edges"], 3_000);
            assert_eq!(json["input"], format!("{} (3000 edges)", input.display()));
            files.push(std::fs::read(&file).unwrap());
        }
        assert!(!files[0].is_empty());
        assert!(files.iter().all(|f| *f == files[0]), "{} differs between parallelisms", command[0]);
    }
}

#[test]
fn a_malformed_late_line_is_named_with_its_line_number_for_every_parallelism() {
    let dir = Scratch::new("malformed-late");
    let good = mixed_edge_list(3_000);
    let line = good.lines().count() + 2;
    let input = dir.file("bad.txt", &format!("{good}\n1 2\n3 4 5 6\n7 x\n"));
    let out_file = dir.path("out.tsv");
    for parallelism in ["1", "2", "4"] {
        for command in [&["pagerank"][..], &["cc"], &["sssp", "--source", "1"]] {
            let mut args: Vec<&str> = command.to_vec();
            args.extend([p(&input), "-p", parallelism, "--output", p(&out_file)]);
            let err = fails(&args);
            assert!(err.starts_with("error: cannot read the input: "), "{err}");
            assert!(
                err.contains(&format!(
                    "{}:{line}: expected `src dst [weight]`, found more than three fields: \"3 4 5 6\"",
                    input.display()
                )),
                "{err}"
            );
        }
    }
    assert_eq!(dir.listing(), ["bad.txt"], "no output and no temporary file left behind");
}

#[cfg(unix)]
#[test]
fn a_pipe_is_read_once_and_gives_the_same_output_as_the_file() {
    use std::io::Write;
    use std::process::Stdio;
    let dir = Scratch::new("pipe");
    let text = mixed_edge_list(2_000);
    let input = dir.file("g.txt", &text);
    let from_file = dir.path("file.tsv");
    ok(&["cc", p(&input), "-p", "3", "--output", p(&from_file)]);
    let from_pipe = dir.path("pipe.tsv");
    let mut child = Command::new(env!("CARGO_BIN_EXE_eddy"))
        .args(["cc", "/dev/stdin", "-p", "3", "--json", "--output", p(&from_pipe)])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the eddy binary runs");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["input"], "/dev/stdin (2000 edges)");
    assert_eq!(std::fs::read(&from_pipe).unwrap(), std::fs::read(&from_file).unwrap());
}

/// Runs eddy with `RUST_LOG` set to `rust_log` (or unset); its output.
fn eddy_logging(args: &[&str], rust_log: Option<&str>) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eddy"));
    command.args(args).env_remove("EDDY_PARALLELISM").env_remove("RUST_LOG").env_remove("NO_COLOR");
    if let Some(filter) = rust_log {
        command.env("RUST_LOG", filter);
    }
    command.output().expect("the eddy binary runs")
}

/// The text report without its timings, which differ between runs.
fn without_timings(report: &str) -> String {
    report
        .lines()
        .filter(|l| !l.starts_with("load ") && !l.starts_with("compute "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn an_empty_edge_file_is_an_empty_graph_with_a_warning_naming_it() {
    let dir = Scratch::new("empty");
    let empty = dir.file("empty.txt", "");
    let comments = dir.file("comments.txt", "# nothing here\n% nor here\n\n");
    for (input, command) in [(&empty, "pagerank"), (&empty, "cc"), (&comments, "cc")] {
        let output = eddy(&[command, p(input), "-p", "2"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(stderr(&output), format!("warning: {} has no edges\n", input.display()));
        let out = stdout(&output);
        assert!(out.contains("(no vertices)"), "{out}");
        let summary: Vec<Vec<&str>> = out.lines().map(|l| l.split_whitespace().collect()).collect();
        assert!(summary.contains(&vec!["vertices", "0"]) && summary.contains(&vec!["edges", "0"]), "{out}");
    }
    // --json: the same warning, and stdout is still one JSON object.
    let output = eddy(&["cc", p(&empty), "--json"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr(&output), format!("warning: {} has no edges\n", empty.display()));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!((json["vertices"].clone(), json["edges"].clone()), (0.into(), 0.into()));
    // A file with edges gets no warning.
    let output = eddy(&["cc", p(&dir.file("g.txt", "1 2\n"))]);
    assert!(output.status.success() && stderr(&output).is_empty(), "{}", stderr(&output));
}

#[test]
fn commands_log_nothing_by_default_and_v_logs_debug_lines_without_colours_on_a_pipe() {
    let args = ["pagerank", "--generate", "grid:4:4", "--iterations", "3", "-p", "2"];
    let quiet = eddy_logging(&args, None);
    assert!(quiet.status.success());
    assert_eq!(stderr(&quiet), "", "no logs without -v or RUST_LOG");

    // -v before or after the command (it is global): eddy's debug events, plain text on a pipe.
    let before = [&["-v"][..], &args].concat();
    let after = [&args[..], &["-v"]].concat();
    for all in [before, after] {
        let loud = eddy_logging(&all, None);
        assert!(loud.status.success(), "{}", stderr(&loud));
        let log = stderr(&loud);
        assert!(log.contains("DEBUG") && log.contains("superstep done"), "{log}");
        assert!(!log.contains('\u{1b}'), "ANSI escapes on a pipe: {log:?}");
        assert!(!stdout(&loud).contains("superstep done"), "logs go to stderr only");
        assert_eq!(without_timings(&stdout(&loud)), without_timings(&stdout(&quiet)));
    }

    // RUST_LOG decides without -v; -v wins over it.
    let env = eddy_logging(&args, Some("eddy_core=debug"));
    assert!(stderr(&env).contains("superstep done"), "{}", stderr(&env));
    let both = eddy_logging(&[&["-v"][..], &args].concat(), Some("off"));
    assert!(stderr(&both).contains("superstep done"), "{}", stderr(&both));
    // A RUST_LOG that does not parse is reported and ignored.
    let bad = eddy_logging(&args, Some("eddy=loud"));
    assert!(bad.status.success());
    assert!(stderr(&bad).starts_with("warning: ignoring RUST_LOG=\"eddy=loud\""), "{}", stderr(&bad));
    assert_eq!(stderr(&bad).lines().count(), 1, "{}", stderr(&bad));
}

#[test]
fn the_top_level_help_tells_local_and_cluster_mode_and_the_verbose_flag() {
    // Words only: clap wraps the lines.
    let help = ok(&["--help"]).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(!help.contains("all run on the cores of this machine"), "{help}");
    for needle in
        ["on the cores of this machine by default", "--cluster", "eddy submit", "-v, --verbose", "RUST_LOG"]
    {
        assert!(help.contains(needle), "{needle} missing in eddy --help:\n{help}");
    }
    assert!(ok(&["cc", "--help"]).contains("--verbose"), "-v is global");
}

/// `(vertex, value)` lines of an output file.
fn vertex_values(path: &Path) -> Vec<(u64, f64)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|l| {
            let (k, v) = l.split_once('\t').unwrap();
            (k.parse().unwrap(), v.parse().unwrap())
        })
        .collect()
}

#[test]
fn every_model_gives_the_fast_paths_results_on_the_oracle_graphs() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/graphs");
    let dir = Scratch::new("models");
    for (graph, source) in [("karate", "33"), ("tiny", "5"), ("rand1000", "1891")] {
        let input = data.join(format!("{graph}.txt"));
        let run = |command: &[&str], model: &str| {
            let output = dir.path(&format!("{graph}-{}-{model}.tsv", command[0]));
            let mut args = command.to_vec();
            args.extend([p(&input), "--model", model, "-p", "2", "--quiet", "--output", p(&output)]);
            ok(&args);
            output
        };
        let commands: [&[&str]; 4] = [
            &["pagerank"],
            &["cc"],
            &["sssp", "--source", source],
            &["sssp", "--source", source, "--unweighted"],
        ];
        for command in commands {
            let fast = run(command, "fast");
            for model in ["vertex-centric", "scatter-gather", "gsa"] {
                let other = run(command, model);
                if command[0] == "pagerank" {
                    let (a, b) = (vertex_values(&fast), vertex_values(&other));
                    assert_eq!(a.len(), b.len());
                    for ((ka, va), (kb, vb)) in a.iter().zip(&b) {
                        assert!(
                            ka == kb && (va - vb).abs() < 1e-12,
                            "{graph} {model}: {ka} {va} vs {kb} {vb}"
                        );
                    }
                } else {
                    let (a, b) =
                        (std::fs::read_to_string(&fast).unwrap(), std::fs::read_to_string(&other).unwrap());
                    assert!(a.lines().count() > 5, "{graph} {command:?}");
                    assert_eq!(a, b, "{graph} {command:?} --model {model} differs from fast");
                }
            }
        }
    }
    // A misspelt model is a usage error, exit status 2, naming the choices.
    let output = eddy(&["cc", "--model", "pregel"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("\"pregel\" is not one of fast, vertex-centric, scatter-gather, gsa"), "{err}");
}
