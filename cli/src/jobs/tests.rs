//! The registry path — parameters serialized, the job prepared by name, every worker's
//! result serialized and decoded, as a remote process runs it — gives the same results,
//! bit for bit, as the direct local path of the commands, for P = 1 and 3.

use std::fmt::Debug;
use std::path::PathBuf;
use std::time::Duration;

use eddy_core::Worker;
use eddy_datasets::features::LabelColumn;
use eddy_gelly::algorithms::{Model, PageRank};
use eddy_ml::als::Als;
use eddy_ml::kmeans::{Init, KMeans};
use eddy_ml::linear::{LinearRegression, LinearSolver};
use eddy_ml::logistic::LogisticRegression;
use eddy_ml::optim::Solver;
use eddy_runtime::LocalRuntime;
use eddy_runtime::jobs::{JobRequest, decode_results};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::als::{AlsJob, AlsPart, LowRank, RatingsSource, prepare_als};
use super::graph::{
    ComponentsJob, GraphInput, GraphPart, PageRankJob, ShortestPathsJob, prepare_cc, prepare_pagerank,
    prepare_sssp,
};
use super::kmeans::{KMeansJob, KMeansPart, prepare_kmeans};
use super::supervised::{
    LinregJob, LogregJob, SupervisedData, SupervisedPart, prepare_linreg, prepare_logreg,
};
use super::{Target, registry, run};
use crate::input::Source;
use crate::input::table::TableSource;

/// A part without its timings, which differ from run to run.
trait Untimed {
    fn untimed(self) -> Self;
}

impl<V, A> Untimed for GraphPart<V, A> {
    fn untimed(self) -> Self {
        GraphPart { read: Duration::ZERO, build: Duration::ZERO, compute: Duration::ZERO, ..self }
    }
}

impl Untimed for KMeansPart {
    fn untimed(self) -> Self {
        KMeansPart { load: Duration::ZERO, compute: Duration::ZERO, ..self }
    }
}

impl<M> Untimed for SupervisedPart<M> {
    fn untimed(self) -> Self {
        SupervisedPart { load: Duration::ZERO, compute: Duration::ZERO, ..self }
    }
}

impl Untimed for AlsPart {
    fn untimed(self) -> Self {
        AlsPart { load: Duration::ZERO, compute: Duration::ZERO, ..self }
    }
}

/// Runs job `name` directly (as the commands do) and through the registry, on P = 1 and
/// P = 3 workers, and asserts that the parts are equal; returns the direct parts of P = 1
/// and 3.
fn same_both_ways<P, W, R>(name: &str, params: &P, prepare: impl Fn(P) -> eddy_core::Result<W>) -> [Vec<R>; 2]
where
    P: Serialize + Clone,
    W: Fn(&Worker) -> eddy_core::Result<R> + Sync,
    R: DeserializeOwned + Send + Untimed + PartialEq + Debug,
{
    [1, 3].map(|p| {
        let runtime = || LocalRuntime::with_parallelism(p).unwrap();
        let direct: Vec<R> = run(&Target::Local(runtime()), name, params.clone(), &prepare, || ()).unwrap();
        let request = JobRequest::new(name, params).unwrap();
        let bytes = registry().run_local(&runtime(), &request).unwrap();
        let decoded: Vec<R> = decode_results(bytes).unwrap();
        let direct: Vec<R> = direct.into_iter().map(Untimed::untimed).collect();
        let decoded: Vec<R> = decoded.into_iter().map(Untimed::untimed).collect();
        assert_eq!(direct.len(), p, "{name}: one part per worker");
        assert_eq!(direct, decoded, "{name}, P = {p}");
        direct
    })
}

/// Every worker's values concatenated, as bits.
fn value_bits(parts: &[GraphPart<f64, impl Sized>]) -> Vec<(u64, u64)> {
    parts.iter().flat_map(|p| p.keys.iter().zip(&p.values).map(|(k, v)| (*k, v.to_bits()))).collect()
}

fn generated(spec: &str) -> GraphInput {
    GraphInput { source: Source::Generated(spec.parse().unwrap()), undirected: true }
}

fn karate() -> GraphInput {
    GraphInput { source: Source::KarateClub, undirected: false }
}

#[test]
fn the_registry_names_the_subcommands() {
    assert_eq!(
        registry().names(),
        [
            "adamic-adar",
            "als",
            "cc",
            "clustering",
            "hits",
            "jaccard",
            "kcore",
            "kmeans",
            "linreg",
            "logreg",
            "pagerank",
            "scc",
            "sssp",
            "triangles"
        ]
    );
}

#[test]
fn pagerank_through_the_registry_is_the_local_result() {
    for (input, model) in
        [(karate(), Model::Fast), (generated("er:300:900:7"), Model::Fast), (karate(), Model::GatherSumApply)]
    {
        let job = PageRankJob { input, params: PageRank { tolerance: 1e-12, ..PageRank::default() }, model };
        // Rank sums depend on the partitioning in their last bits: only each P's own
        // registry run must agree bit for bit.
        let [one, three] = same_both_ways("pagerank", &job, prepare_pagerank);
        assert!(one[0].supersteps > 1 && three[0].supersteps > 1);
        assert_eq!(value_bits(&one).len(), value_bits(&three).len());
    }
}

#[test]
fn cc_through_the_registry_is_the_local_result() {
    let labels = |parts: &[GraphPart<u64, ()>]| -> Vec<u64> {
        parts.iter().flat_map(|p| p.values.iter().copied()).collect()
    };
    for input in [karate(), generated("er:300:200:3")] {
        let mut by_model = Vec::new();
        for model in Model::ALL {
            let [one, three] =
                same_both_ways("cc", &ComponentsJob { input: input.clone(), model }, prepare_cc);
            assert_eq!(labels(&one), labels(&three));
            by_model.push(labels(&one));
        }
        assert!(by_model.iter().all(|l| *l == by_model[0]), "every model gives the same labels");
    }
}

#[test]
fn sssp_through_the_registry_is_the_local_result() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("weighted.txt");
    std::fs::write(&file, "1 2 1.5\n2 3 0.25\n1 3 2\n3 4 1\n5 1 1\n").unwrap();
    let weighted = GraphInput { source: Source::File(file), undirected: false };
    for (input, source, unweighted) in [
        (karate(), 0, false),
        (weighted.clone(), 1, false),
        (weighted, 1, true),
        (generated("grid:9:7"), 5, false),
    ] {
        let job = ShortestPathsJob { input: input.clone(), source, unweighted, model: Model::Fast };
        let [one, three] = same_both_ways("sssp", &job, prepare_sssp);
        assert_eq!(value_bits(&one), value_bits(&three));
        assert!(one.iter().all(|p| p.weighted == (source == 1 && !unweighted)));
        let job = ShortestPathsJob { input, source, unweighted, model: Model::ScatterGather };
        let [scatter_gather, _] = same_both_ways("sssp", &job, prepare_sssp);
        assert_eq!(
            value_bits(&scatter_gather),
            value_bits(&one),
            "scatter-gather distances are the fast path's"
        );
    }
}

#[test]
fn kmeans_through_the_registry_is_the_local_result() {
    let base = KMeansJob {
        source: TableSource::Iris,
        params: KMeans::new(3).n_init(2),
        init_flag: "k-means++".into(),
    };
    let centroids = ndarray::array![[0.0, 0.0, 0.0], [5.0, 5.0, 5.0]];
    let jobs = [
        base.clone(),
        KMeansJob {
            source: TableSource::Generated("blobs:600:3:4".parse().unwrap()),
            params: KMeans::new(4).n_init(2),
            ..base.clone()
        },
        KMeansJob {
            source: TableSource::Generated("blobs:300:3:2".parse().unwrap()),
            params: KMeans::new(2).n_init(2).init(Init::Centroids(centroids)),
            init_flag: "start.csv".into(),
        },
    ];
    for job in jobs {
        let [one, three] = same_both_ways("kmeans", &job, prepare_kmeans);
        assert_eq!(one[0].model, three[0].model, "the same model for every P");
        let labels =
            |parts: &[KMeansPart]| -> Vec<u32> { parts.iter().flat_map(|p| p.labels.clone()).collect() };
        assert_eq!(labels(&one), labels(&three));
    }
}

#[test]
fn a_csv_source_with_a_label_column_travels() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("points.csv");
    let rows: String = (0..40).map(|i| format!("{},{},{}\n", i % 7, (i * 3) % 11, i % 2)).collect();
    std::fs::write(&path, format!("x,y,class\n{rows}")).unwrap();
    for label in [LabelColumn::Name("class".into()), LabelColumn::Index(2)] {
        let job = KMeansJob {
            source: TableSource::File { path: path.clone(), label: Some(label) },
            params: KMeans::new(2).init(Init::Random).max_iterations(50).tolerance(0.0).seed(3),
            init_flag: "random".into(),
        };
        let [one, _] = same_both_ways("kmeans", &job, prepare_kmeans);
        assert_eq!(one[0].table.columns, ["x", "y"]);
        assert_eq!(one[0].truth.as_ref().map(Vec::len), Some(40));
    }
}

#[test]
fn the_supervised_jobs_and_als_through_the_registry_are_the_local_results() {
    let data = |source: TableSource| SupervisedData {
        source,
        test: None,
        test_fraction: 0.3,
        seed: 1,
        standardize: true,
    };
    let logreg = LogregJob {
        data: data(TableSource::Iris),
        params: LogisticRegression::new().c(1.0).solver(Solver::Lbfgs).max_iterations(100).tolerance(1e-8),
    };
    let [one, three] = same_both_ways("logreg", &logreg, prepare_logreg);
    assert_eq!(one[0], three[0]);
    assert!(one[0].scores.is_some() && one[1..].iter().all(|p| p.scores.is_none()));

    let linreg = LinregJob {
        data: data(TableSource::Generated("regression:300:4".parse().unwrap())),
        params: LinearRegression::new()
            .alpha(0.1)
            .solver(LinearSolver::Lbfgs)
            .max_iterations(100)
            .tolerance(1e-10)
            .seed(1),
    };
    let [one, three] = same_both_ways("linreg", &linreg, prepare_linreg);
    assert_eq!(one[0], three[0]);

    let als = AlsJob {
        source: RatingsSource::Generated("lowrank:40:30:2".parse::<LowRank>().unwrap()),
        test: None::<PathBuf>,
        test_fraction: 0.2,
        seed: 5,
        params: Als::new().rank(3).max_iterations(4),
    };
    let [one, three] = same_both_ways("als", &als, prepare_als);
    assert_eq!(one[0], three[0]);
    assert!(one[0].result.is_some() && three[1..].iter().all(|p| p.result.is_none()));
}
