//! Reading edge-list files per worker (`Graph::read_edge_list`): every worker parses its own
//! share of the file, and the graph must be the one built from the whole file in memory —
//! same vertices, same neighbours in the same (file) order — for every parallelism; a
//! malformed line must be reported by every worker as a sequential reader would.

use std::path::{Path, PathBuf};

use eddy::core::{Result, Worker};
use eddy::datasets::edgelist::{EdgeList, read_edge_list, write_edge_list};
use eddy::gelly::Graph;
use eddy::gelly::algorithms::{PageRank, pagerank};
use eddy::runtime::LocalRuntime;

/// A scratch directory removed at the end of the test.
struct Scratch(tempfile::TempDir);

impl Scratch {
    fn new(name: &str) -> Self {
        Scratch(tempfile::Builder::new().prefix(&format!("eddy-it-load-{name}-")).tempdir().unwrap())
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

fn execute<R: Send>(p: usize, job: impl Fn(&Worker) -> Result<R> + Sync) -> Vec<R> {
    LocalRuntime::with_parallelism(p).unwrap().execute(job).unwrap()
}

/// What a worker holds of a graph: its vertices, its out-edges and its in-edges (as the
/// out-edges of the reverse), in adjacency order.
type Held<EV> = (Vec<u64>, Vec<(u64, u64, EV)>, Vec<(u64, u64, EV)>);

fn held<EV: eddy::core::Data + Clone>(g: &Graph<'_, u64, (), EV>) -> Held<EV> {
    (g.local_keys().to_vec(), g.edges().collect_partition(), g.reverse().edges().collect_partition())
}

/// Every vertex's out- and in-neighbours in file order, vertices ascending: what the
/// workers' parts must concatenate to.
fn reference(edges: &EdgeList) -> Held<f64> {
    let weight = |i: usize| edges.weights.as_ref().map_or(1.0, |w| w[i]);
    let mut keys: Vec<u64> = edges.src.iter().chain(&edges.dst).copied().collect();
    keys.sort_unstable();
    keys.dedup();
    let mut out = Vec::new();
    let mut inn = Vec::new();
    for &v in &keys {
        out.extend((0..edges.len()).filter(|&i| edges.src[i] == v).map(|i| (v, edges.dst[i], weight(i))));
        inn.extend((0..edges.len()).filter(|&i| edges.dst[i] == v).map(|i| (v, edges.src[i], weight(i))));
    }
    (keys, out, inn)
}

fn concat<EV>(parts: Vec<Held<EV>>) -> Held<EV> {
    let mut all = (Vec::new(), Vec::new(), Vec::new());
    for (k, o, i) in parts {
        all.0.extend(k);
        all.1.extend(o);
        all.2.extend(i);
    }
    all
}

/// A pseudo-random edge-list text: R-MAT-like skew (a few hubs), comments and blank lines
/// here and there, CRLF on some lines, separators mixed, no newline at the end.
fn generated_text(lines: u64, weighted: bool, big_ids: bool) -> String {
    let mut text = String::from("% generated\n# src dst\n");
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for i in 0..lines {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let hub = |v: u64| if v.is_multiple_of(5) { v % 7 } else { v % 3_000 };
        let (mut src, mut dst) = (hub(x), hub(x >> 20));
        if big_ids && i.is_multiple_of(11) {
            src += 1 << 40;
            dst = u64::MAX - dst;
        }
        let sep = ["\t", " ", ",", " \t "][(i % 4) as usize];
        text.push_str(&format!("{src}{sep}{dst}"));
        if weighted {
            text.push_str(&format!("{sep}{}", (i % 13) as f64 / 4.0));
        }
        text.push_str(if i.is_multiple_of(3) { "\r\n" } else { "\n" });
        if i.is_multiple_of(97) {
            text.push_str("\n# a comment\r\n");
        }
    }
    text.truncate(text.trim_end().len());
    text
}

#[test]
fn reading_per_worker_builds_the_in_memory_graph_in_file_order() {
    let dir = Scratch::new("same-graph");
    let files = [
        ("small.txt", "# c\n\n1 2\r\n2\t3\n  3,1\n\n% x\n3 3\n4 1".to_string()),
        ("one.txt", "7 8\n".to_string()),
        ("comments-only.txt", "# nothing\n\n".to_string()),
        ("generated.txt", generated_text(5_000, false, false)),
        ("weighted.txt", generated_text(3_000, true, false)),
        ("big-ids.txt", generated_text(3_000, true, true)),
    ];
    for (name, text) in &files {
        let path = dir.file(name, text);
        let list = read_edge_list(&path).unwrap();
        let expected = reference(&list);
        let unweighted = |(k, o, i): Held<f64>| {
            let drop_weight = |e: Vec<(u64, u64, f64)>| e.into_iter().map(|(a, b, _)| (a, b, ())).collect();
            (k, drop_weight(o), drop_weight(i))
        };
        for p in 1..=4 {
            let read = execute(p, |w| Ok(held(&Graph::read_edge_list(w, &path)?)));
            let memory = execute(p, |w| Ok(held(&Graph::from_edge_list(w, &list)?)));
            assert_eq!(read, memory, "{name}, {p} workers");
            assert_eq!(concat(read), unweighted(expected.clone()), "{name}, {p} workers");
            let read = execute(p, |w| Ok(held(&Graph::read_weighted_edge_list(w, &path)?)));
            let memory = execute(p, |w| Ok(held(&Graph::from_weighted_edge_list(w, &list)?)));
            assert_eq!(read, memory, "{name}, weighted, {p} workers");
            assert_eq!(concat(read), expected, "{name}, weighted, {p} workers");
        }
    }
    // A gzip file is read by worker 0 alone, to the same graph.
    let list = read_edge_list(&dir.file("g.txt", &generated_text(2_000, true, false))).unwrap();
    let gz = dir.0.path().join("g.txt.gz");
    write_edge_list(&gz, &list).unwrap();
    for p in [1, 3] {
        let read = execute(p, |w| Ok(held(&Graph::read_weighted_edge_list(w, &gz)?)));
        assert_eq!(concat(read), reference(&list), "gzip, {p} workers");
    }
}

#[test]
fn pagerank_on_a_file_read_per_worker_is_bit_identical_for_every_parallelism() {
    let dir = Scratch::new("pagerank");
    let path = dir.file("g.txt", &generated_text(20_000, false, false));
    let list = read_edge_list(&path).unwrap();
    let ranks = |p: usize, from_file: bool| -> Vec<u64> {
        let parts = execute(p, |w| {
            let g =
                if from_file { Graph::read_edge_list(w, &path)? } else { Graph::from_edge_list(w, &list)? };
            let (ranks, _) = pagerank(&g, &PageRank::tolerance(1e-12))?;
            Ok(ranks.local_values().iter().map(|r| r.to_bits()).collect::<Vec<_>>())
        });
        parts.concat()
    };
    let expected = ranks(1, false);
    for p in 1..=4 {
        assert_eq!(ranks(p, true), expected, "{p} workers");
    }
}

/// What every worker says when reading `path` with `p` workers: the graph's edge count or
/// the error's message.
fn outcomes(path: &Path, p: usize, weighted: bool) -> Vec<String> {
    execute(p, |w| {
        let built = if weighted {
            Graph::read_weighted_edge_list(w, path).and_then(|g| g.number_of_edges())
        } else {
            Graph::read_edge_list(w, path).and_then(|g| g.number_of_edges())
        };
        Ok(match built {
            Ok(edges) => format!("{edges} edges"),
            Err(e) => e.to_string(),
        })
    })
}

#[test]
fn every_worker_reports_the_first_malformed_line_with_its_true_number() {
    let dir = Scratch::new("errors");
    let good = generated_text(4_000, false, false) + "\n";
    let good_lines = good.lines().count();
    // A malformed line near the end, and another after it that must not be the one named.
    let late = dir.file("late.txt", &format!("{good}12 13\n7 x\n8 9\n1 2 3 4\n"));
    let expected = format!(
        "{}:{}: the target vertex \"x\" is not an unsigned integer: \"7 x\"",
        late.display(),
        good_lines + 2
    );
    // Malformed lines in the first and last quarter: the first one wins for every P.
    let early = dir.file("early.txt", &format!("1 2\nfoo bar\n{good}7 x\n"));
    let expected_early =
        format!("{}:2: the source vertex \"foo\" is not an unsigned integer: \"foo bar\"", early.display());
    // The first edge line has a weight: a late line without one breaks the rule.
    let mixed = dir.file("mixed.txt", &format!("1 2 0.5\n{}\n5 6\n", generated_text(2_000, true, false)));
    let mixed_line = std::fs::read_to_string(&mixed).unwrap().lines().count();
    let expected_mixed = format!(
        "{}:{mixed_line}: this line has no weight but earlier edge lines have one: \"5 6\"",
        mixed.display()
    );
    let missing = dir.0.path().join("missing.txt");
    for p in 1..=4 {
        for weighted in [false, true] {
            assert_eq!(outcomes(&late, p, weighted), vec![expected.clone(); p], "{p} workers");
            assert_eq!(outcomes(&early, p, weighted), vec![expected_early.clone(); p], "{p} workers");
            assert_eq!(outcomes(&mixed, p, weighted), vec![expected_mixed.clone(); p], "{p} workers");
            let errors = outcomes(&missing, p, weighted);
            assert_eq!(errors.len(), p);
            assert!(errors.iter().all(|e| e.starts_with(&format!("{}: ", missing.display()))), "{errors:?}");
        }
    }
    // The same file without its bad lines reads fine.
    let fine = dir.file("fine.txt", &good);
    let edges = read_edge_list(&fine).unwrap().len();
    assert_eq!(outcomes(&fine, 3, false), vec![format!("{edges} edges"); 3]);
}
