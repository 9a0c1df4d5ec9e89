//! Oracle tests of the dataset operators: on random inputs, every operator run on
//! P ∈ {1, 2, 3, 8} local workers equals a plain sequential reference computed here with
//! `Vec`s, `BTreeMap`s and `BTreeSet`s.
//!
//! Inputs are pairs with small keys (`0..KEYS`, so keys collide) and lengths `0..=MAX_LEN`
//! (so empty inputs and empty partitions occur, e.g. 8 workers on 3 records). Every worker
//! takes its contiguous chunk with [`Worker::from_slice`], so the input partitions
//! concatenated in worker order are the input itself.
//!
//! Three kinds of checks:
//! - partition-local operators (`map`, `flat_map`, `filter`, `map_partition`,
//!   `sort_partition`, `union`, a fused chain of them) are compared partition by partition
//!   with the reference applied to that worker's own input partition, which the job
//!   returns alongside its output;
//! - exchanges, keyed operators and joins are compared as sorted `Vec`s over all
//!   partitions, plus their placement guarantees (one owner per key, balanced sizes,
//!   worker order);
//! - global operators (`count`, `reduce`, `aggregate`, `collect`, `broadcast`) must yield
//!   the reference value on every worker.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

use eddy::core::hash::partition_of;
use eddy::core::{DataSet, JoinHint, Worker};
use eddy::runtime::LocalRuntime;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseResult;

/// The worker counts every case runs with: one worker, an even and an odd count, and more
/// workers than keys in most partitions.
const PARALLELISMS: [usize; 4] = [1, 2, 3, 8];

/// Keys are drawn from `0..KEYS`: few enough that random inputs repeat them.
const KEYS: u32 = 20;

/// The longest generated input.
const MAX_LEN: usize = 200;

/// The small side of a cross product: the output is `MAX_LEN × SMALL_LEN` at most.
const SMALL_LEN: usize = 12;

/// A record: a key in `0..KEYS` and a value.
type Pair = (u32, u32);

/// The other side of joins and co-groups: a key and a short string, a non-`Copy` payload
/// so that the joins' clone-or-move paths run.
type Tagged = (u32, String);

fn pairs() -> impl Strategy<Value = Vec<Pair>> {
    vec((0..KEYS, 0..1000u32), 0..=MAX_LEN)
}

fn tagged(max_len: usize) -> impl Strategy<Value = Vec<Tagged>> {
    vec((0..KEYS, "[a-c]{0,2}"), 0..=max_len)
}

/// Runs `job` on `p` local workers and returns every worker's result, in worker order.
fn run<R: Send>(
    p: usize,
    job: impl Fn(&Worker) -> eddy::core::Result<R> + Sync,
) -> Result<Vec<R>, TestCaseError> {
    let results = LocalRuntime::with_parallelism(p)
        .and_then(|runtime| runtime.execute(job))
        .map_err(|e| TestCaseError::fail(format!("the job failed with P = {p}: {e}")))?;
    prop_assert_eq!(results.len(), p, "one result per worker");
    Ok(results)
}

/// Runs the partition-local `pipeline` on `p` workers and checks that every worker's
/// output is `reference` applied to that worker's input partition, and that the input
/// partitions are the contiguous chunks of `data`.
fn check_local<U>(
    p: usize,
    data: &[Pair],
    pipeline: impl for<'w> Fn(DataSet<'w, Pair>) -> DataSet<'w, U> + Sync,
    reference: impl Fn(&[Pair]) -> Vec<U>,
) -> TestCaseResult
where
    U: PartialEq + Debug + Send + 'static,
{
    let parts = run(p, |worker| {
        let input = worker.from_slice(data).collect_partition();
        let output = pipeline(worker.from_slice(data)).collect_partition();
        Ok((input, output))
    })?;
    let inputs: Vec<Pair> = parts.iter().flat_map(|(input, _)| input.iter().copied()).collect();
    prop_assert_eq!(inputs.as_slice(), data, "P = {}: from_slice chunks", p);
    for (w, (input, output)) in parts.iter().enumerate() {
        prop_assert_eq!(output, &reference(input), "P = {}, worker {}", p, w);
    }
    Ok(())
}

/// Checks that every worker obtained `expected`.
fn check_everywhere<R: PartialEq + Debug>(p: usize, results: &[R], expected: &R) -> TestCaseResult {
    for (w, result) in results.iter().enumerate() {
        prop_assert_eq!(result, expected, "P = {}, worker {}", p, w);
    }
    Ok(())
}

/// Checks that the partition sizes differ by at most one.
fn check_balanced<T>(p: usize, parts: &[Vec<T>]) -> TestCaseResult {
    let sizes: Vec<usize> = parts.iter().map(Vec::len).collect();
    let (min, max) = (sizes.iter().min(), sizes.iter().max());
    prop_assert!(max.zip(min).is_some_and(|(max, min)| max - min <= 1), "P = {}: sizes {:?}", p, sizes);
    Ok(())
}

/// Checks that no key occurs on two workers and that each key is on the worker that
/// [`partition_of`] names; returns the owner of every key.
fn check_owners<T>(
    p: usize,
    parts: &[Vec<T>],
    key: impl Fn(&T) -> u32,
) -> Result<BTreeMap<u32, usize>, TestCaseError> {
    let mut owners: BTreeMap<u32, usize> = BTreeMap::new();
    for (w, part) in parts.iter().enumerate() {
        for record in part {
            let k = key(record);
            let owner = *owners.entry(k).or_insert(w);
            prop_assert_eq!(owner, w, "P = {}: key {} on two workers", p, k);
            prop_assert_eq!(w, partition_of(&k, p), "P = {}: key {} not on its owner", p, k);
        }
    }
    Ok(owners)
}

fn sorted<T: Ord>(mut records: Vec<T>) -> Vec<T> {
    records.sort();
    records
}

/// All partitions' records as one sorted `Vec`: the multiset of a partitioned result.
fn merged<T: Ord>(parts: Vec<Vec<T>>) -> Vec<T> {
    sorted(parts.into_iter().flatten().collect())
}

// The functions the operators apply, shared by the jobs and the references.

fn scramble((k, v): Pair) -> (u32, u64) {
    (v % 7, u64::from(k) * 1000 + u64::from(v))
}

fn keep(&(k, v): &Pair) -> bool {
    (k + v) % 3 != 0
}

/// Zero, one or two records per input record.
fn fan_out((k, v): Pair) -> Vec<Pair> {
    (0..v % 3).map(|i| (k, v + i)).collect()
}

fn swap((k, v): Pair) -> Pair {
    (v % KEYS, k)
}

fn value_sum(data: &[Pair]) -> u64 {
    data.iter().map(|&(_, v)| u64::from(v)).sum()
}

/// `(key, sum of values, number of records)` per key.
fn sum_count_by_key(data: &[Pair]) -> Vec<(u32, u64, u32)> {
    let mut sums: BTreeMap<u32, (u64, u32)> = BTreeMap::new();
    for &(k, v) in data {
        let slot = sums.entry(k).or_default();
        slot.0 += u64::from(v);
        slot.1 += 1;
    }
    sums.into_iter().map(|(k, (sum, n))| (k, sum, n)).collect()
}

/// The records of each key, sorted.
fn groups<T: Ord + Clone>(data: &[T], key: impl Fn(&T) -> u32) -> BTreeMap<u32, Vec<T>> {
    let mut groups: BTreeMap<u32, Vec<T>> = BTreeMap::new();
    for record in data {
        groups.entry(key(record)).or_default().push(record.clone());
    }
    groups.into_iter().map(|(k, group)| (k, sorted(group))).collect()
}

fn inner_join(left: &[Pair], right: &[Tagged]) -> Vec<(Pair, Tagged)> {
    let mut out = Vec::new();
    for &l in left {
        for r in right.iter().filter(|r| r.0 == l.0) {
            out.push((l, r.clone()));
        }
    }
    sorted(out)
}

fn left_outer_join(left: &[Pair], right: &[Tagged]) -> Vec<(Pair, Option<Tagged>)> {
    let mut out = Vec::new();
    for &l in left {
        let matches: Vec<&Tagged> = right.iter().filter(|r| r.0 == l.0).collect();
        if matches.is_empty() {
            out.push((l, None));
        }
        out.extend(matches.into_iter().map(|r| (l, Some(r.clone()))));
    }
    sorted(out)
}

/// One call made by a closure of the fused chain, in the order the calls happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    Map(Pair),
    Filter(Pair),
    FlatMap(Pair),
    Emit(u32),
}

/// The fused chain of `fused_chain_runs_in_one_lazy_pass` done by hand, record by record:
/// the calls it makes and its output.
fn chain_reference(part: &[Pair]) -> (Vec<Call>, Vec<(u32, u32)>) {
    let (mut calls, mut out) = (Vec::new(), Vec::new());
    for &record in part {
        calls.push(Call::Map(record));
        let swapped = swap(record);
        calls.push(Call::Filter(swapped));
        if !keep(&swapped) {
            continue;
        }
        calls.push(Call::FlatMap(swapped));
        for (k, v) in fan_out(swapped) {
            let position = out.len() as u32;
            calls.push(Call::Emit(position));
            out.push((position, k + v));
        }
    }
    (calls, out)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn map_equals_reference(data in pairs()) {
        for p in PARALLELISMS {
            check_local(p, &data, |ds| ds.map(scramble), |part| part.iter().copied().map(scramble).collect())?;
        }
    }

    #[test]
    fn flat_map_equals_reference(data in pairs()) {
        for p in PARALLELISMS {
            check_local(p, &data, |ds| ds.flat_map(fan_out), |part| part.iter().copied().flat_map(fan_out).collect())?;
        }
    }

    #[test]
    fn filter_equals_reference(data in pairs()) {
        for p in PARALLELISMS {
            check_local(p, &data, |ds| ds.filter(keep), |part| part.iter().copied().filter(keep).collect())?;
        }
    }

    #[test]
    fn map_partition_sees_exactly_its_partition(data in pairs()) {
        for p in PARALLELISMS {
            // A running sum restarts on every partition.
            check_local(
                p,
                &data,
                |ds| {
                    ds.map_partition(|records| {
                        records.scan(0u64, |sum, (k, v)| {
                            *sum += u64::from(v);
                            Some((k, *sum))
                        })
                    })
                },
                |part| {
                    let mut sum = 0;
                    part.iter()
                        .map(|&(k, v)| {
                            sum += u64::from(v);
                            (k, sum)
                        })
                        .collect()
                },
            )?;
            // One summary record per partition, also for an empty one.
            check_local(
                p,
                &data,
                |ds| ds.map_partition(|records| Some(records.fold((0u64, 0u64), |(n, s), (_, v)| (n + 1, s + u64::from(v))))),
                |part| vec![(part.len() as u64, value_sum(part))],
            )?;
        }
    }

    #[test]
    fn sort_partition_sorts_each_partition_stably(data in pairs()) {
        for p in PARALLELISMS {
            let parts = run(p, |worker| {
                let input = worker.from_slice(&data).collect_partition();
                let by_key = worker.from_slice(&data).sort_partition(|r| r.0).collect_partition();
                let by_value_desc =
                    worker.from_slice(&data).sort_partition_by(|a, b| b.1.cmp(&a.1)).collect_partition();
                Ok((input, by_key, by_value_desc))
            })?;
            for (w, (input, by_key, by_value_desc)) in parts.into_iter().enumerate() {
                prop_assert!(by_key.is_sorted_by_key(|r| r.0), "P = {}, worker {}: {:?}", p, w, by_key);
                prop_assert!(by_value_desc.is_sorted_by(|a, b| a.1 >= b.1), "P = {}, worker {}", p, w);
                prop_assert_eq!(sorted(by_key.clone()), sorted(input.clone()), "P = {}, worker {}", p, w);
                // Stable: equal keys keep their input order.
                let mut expected = input.clone();
                expected.sort_by_key(|r| r.0);
                prop_assert_eq!(&by_key, &expected, "P = {}, worker {}", p, w);
                let mut expected = input;
                expected.sort_by_key(|r| std::cmp::Reverse(r.1));
                prop_assert_eq!(&by_value_desc, &expected, "P = {}, worker {}", p, w);
            }
        }
    }

    #[test]
    fn union_is_the_bag_union_of_each_partition(left in pairs(), right in pairs()) {
        for p in PARALLELISMS {
            let parts = run(p, |worker| {
                let l = worker.from_slice(&left).collect_partition();
                let r = worker.from_slice(&right).collect_partition();
                let out = worker.from_slice(&left).union(worker.from_slice(&right)).collect_partition();
                Ok((l, r, out))
            })?;
            let mut outputs = Vec::new();
            for (w, (l, r, out)) in parts.into_iter().enumerate() {
                prop_assert_eq!(&out, &[l, r].concat(), "P = {}, worker {}", p, w);
                outputs.push(out);
            }
            prop_assert_eq!(merged(outputs), sorted([left.clone(), right.clone()].concat()), "P = {}", p);
        }
    }

    #[test]
    fn fused_chain_runs_in_one_lazy_pass(data in pairs()) {
        for p in PARALLELISMS {
            let parts = run(p, |worker| {
                let input = worker.from_slice(&data).collect_partition();
                let calls = RefCell::new(Vec::new());
                let chain = worker
                    .from_slice(&data)
                    .map(|r| {
                        calls.borrow_mut().push(Call::Map(r));
                        swap(r)
                    })
                    .filter(|r| {
                        calls.borrow_mut().push(Call::Filter(*r));
                        keep(r)
                    })
                    .flat_map(|r| {
                        calls.borrow_mut().push(Call::FlatMap(r));
                        fan_out(r)
                    })
                    .map_partition(|records| records.enumerate())
                    .map(|(i, (k, v))| {
                        calls.borrow_mut().push(Call::Emit(i as u32));
                        (i as u32, k + v)
                    });
                let calls_before_use = calls.borrow().len();
                let output = chain.collect_partition();
                Ok((input, calls_before_use, calls.take(), output))
            })?;
            for (w, (input, calls_before_use, calls, output)) in parts.into_iter().enumerate() {
                prop_assert_eq!(calls_before_use, 0, "P = {}, worker {}: the chain is not lazy", p, w);
                let (expected_calls, expected_output) = chain_reference(&input);
                prop_assert_eq!(output, expected_output, "P = {}, worker {}", p, w);
                prop_assert_eq!(calls, expected_calls, "P = {}, worker {}: not one fused pass", p, w);
            }
        }
    }

    #[test]
    fn partition_by_hash_gives_every_key_one_owner(data in pairs()) {
        for p in PARALLELISMS {
            let parts = run(p, |worker| {
                let plain = worker.from_slice(&data).partition_by_hash(|r| r.0)?.collect_partition();
                // Another record type keyed by the same keys must land on the same workers.
                let widened = worker
                    .from_slice(&data)
                    .map(|(k, v)| (k, format!("{v}")))
                    .partition_by_hash(|r| r.0)?
                    .collect_partition();
                Ok((plain, widened))
            })?;
            let (plain, widened): (Vec<_>, Vec<_>) = parts.into_iter().unzip();
            let owners = check_owners(p, &plain, |r| r.0)?;
            prop_assert_eq!(check_owners(p, &widened, |r| r.0)?, owners, "P = {}", p);
            prop_assert_eq!(merged(plain), sorted(data.clone()), "P = {}", p);
            let expected: Vec<(u32, String)> = data.iter().map(|&(k, v)| (k, format!("{v}"))).collect();
            prop_assert_eq!(merged(widened), sorted(expected), "P = {}", p);
        }
    }

    #[test]
    fn rebalance_balances_and_keeps_the_global_order(data in pairs()) {
        for p in PARALLELISMS {
            // The most skewed input: everything on the last worker.
            let parts = run(p, |worker| {
                let held = if worker.index() + 1 == worker.parallelism() { data.clone() } else { Vec::new() };
                Ok(worker.from_partition(held).rebalance()?.collect_partition())
            })?;
            check_balanced(p, &parts)?;
            prop_assert_eq!(parts.concat(), data.clone(), "P = {}", p);
            // Skewed by the key distribution.
            let parts = run(p, |worker| {
                let (before, after) = worker.from_slice(&data).partition_by_hash(|r| r.0)?.duplicate();
                Ok((before.collect_partition(), after.rebalance()?.collect_partition()))
            })?;
            let (before, after): (Vec<_>, Vec<_>) = parts.into_iter().unzip();
            check_balanced(p, &after)?;
            prop_assert_eq!(after.concat(), before.concat(), "P = {}", p);
        }
    }

    #[test]
    fn broadcast_gives_every_worker_all_records_in_worker_order(data in pairs()) {
        for p in PARALLELISMS {
            let results = run(p, |worker| Ok(worker.from_slice(&data).filter(keep).broadcast()?.to_vec()))?;
            check_everywhere(p, &results, &data.iter().copied().filter(keep).collect())?;
            // Partitions of unequal sizes, not in input order.
            let results = run(p, |worker| {
                let (local, shared) = worker.from_slice(&data).partition_by_hash(|r| r.1)?.duplicate();
                let broadcast = shared.broadcast()?;
                Ok((local.collect_partition(), broadcast.to_vec()))
            })?;
            let (locals, seen): (Vec<_>, Vec<_>) = results.into_iter().unzip();
            let in_worker_order = locals.concat();
            prop_assert_eq!(sorted(in_worker_order.clone()), sorted(data.clone()), "P = {}", p);
            check_everywhere(p, &seen, &in_worker_order)?;
        }
    }

    #[test]
    fn collect_gives_every_worker_all_records_in_worker_order(data in pairs()) {
        for p in PARALLELISMS {
            let results = run(p, |worker| worker.from_slice(&data).map(scramble).collect())?;
            check_everywhere(p, &results, &data.iter().copied().map(scramble).collect())?;
            let results = run(p, |worker| worker.from_slice(&data).partition_by_hash(|r| r.1 % 5)?.collect())?;
            check_everywhere(p, &results, &results[0])?;
            prop_assert_eq!(sorted(results[0].clone()), sorted(data.clone()), "P = {}", p);
        }
    }

    #[test]
    fn distinct_equals_reference(data in pairs()) {
        for p in PARALLELISMS {
            let parts = run(p, |worker| {
                Ok(worker.from_slice(&data).map(|(k, v)| (k, v % 4)).distinct()?.collect_partition())
            })?;
            let expected: BTreeSet<Pair> = data.iter().map(|&(k, v)| (k, v % 4)).collect();
            prop_assert_eq!(merged(parts), expected.into_iter().collect::<Vec<_>>(), "P = {}", p);
        }
    }

    #[test]
    fn reduce_by_key_equals_reference(data in pairs()) {
        for p in PARALLELISMS {
            let parts = run(p, |worker| {
                Ok(worker
                    .from_slice(&data)
                    .map(|(k, v)| (k, u64::from(v), 1u32))
                    .reduce_by_key(|r| r.0, |a, b| (a.0, a.1 + b.1, a.2 + b.2))?
                    .collect_partition())
            })?;
            check_owners(p, &parts, |r| r.0)?;
            prop_assert_eq!(merged(parts), sum_count_by_key(&data), "P = {}", p);
        }
    }

    #[test]
    fn combine_by_key_equals_reference(data in pairs()) {
        for p in PARALLELISMS {
            let parts = run(p, |worker| {
                Ok(worker
                    .from_slice(&data)
                    .map(|(k, v)| (k, u64::from(v), 1u32))
                    .combine_by_key(
                        |r| r.0,
                        |acc, r| {
                            acc.1 += r.1;
                            acc.2 += r.2;
                        },
                    )?
                    .collect_partition())
            })?;
            check_owners(p, &parts, |r| r.0)?;
            prop_assert_eq!(merged(parts), sum_count_by_key(&data), "P = {}", p);
        }
    }

    #[test]
    fn reduce_group_sees_each_whole_group_once(data in pairs()) {
        for p in PARALLELISMS {
            let parts = run(p, |worker| {
                Ok(worker
                    .from_slice(&data)
                    .group_by(|r| r.0)
                    .reduce_group(|k, group| Some((k, sorted(group))))?
                    .collect_partition())
            })?;
            check_owners(p, &parts, |r| r.0)?;
            let expected: Vec<(u32, Vec<Pair>)> = groups(&data, |r| r.0).into_iter().collect();
            prop_assert_eq!(merged(parts), expected, "P = {}", p);
        }
    }

    #[test]
    fn grouped_reduce_equals_reference(data in pairs()) {
        for p in PARALLELISMS {
            let parts = run(p, |worker| {
                Ok(worker
                    .from_slice(&data)
                    .group_by(|r| r.0)
                    .reduce(|a, b| (a.0, a.1.max(b.1)))?
                    .collect_partition())
            })?;
            let expected: Vec<Pair> =
                groups(&data, |r| r.0).into_iter().map(|(k, g)| (k, g.iter().map(|r| r.1).max().unwrap_or(0))).collect();
            prop_assert_eq!(merged(parts), expected, "P = {}", p);
        }
    }

    #[test]
    fn join_equals_reference_for_every_hint(left in pairs(), right in tagged(MAX_LEN)) {
        let expected = inner_join(&left, &right);
        for p in PARALLELISMS {
            let parts = run(p, |worker| {
                let plain = worker
                    .from_slice(&left)
                    .join(worker.from_slice(&right), |l| l.0, |r| r.0)?
                    .collect_partition();
                let mut hinted = Vec::new();
                for hint in [JoinHint::Auto, JoinHint::BroadcastLeft, JoinHint::BroadcastRight] {
                    let joined = worker
                        .from_slice(&left)
                        .join_with_hint(worker.from_slice(&right), |l| l.0, |r| r.0, hint)?
                        .collect_partition();
                    hinted.push((hint, joined));
                }
                Ok((plain, hinted))
            })?;
            let (plain, hinted): (Vec<_>, Vec<_>) = parts.into_iter().unzip();
            prop_assert_eq!(merged(plain), expected.clone(), "P = {}, join", p);
            let mut by_hint: BTreeMap<String, Vec<Vec<(Pair, Tagged)>>> = BTreeMap::new();
            for (hint, joined) in hinted.into_iter().flatten() {
                by_hint.entry(format!("{hint:?}")).or_default().push(joined);
            }
            prop_assert_eq!(by_hint.len(), 3);
            for (hint, parts) in by_hint {
                prop_assert_eq!(merged(parts), expected.clone(), "P = {}, {}", p, hint);
            }
        }
    }

    #[test]
    fn left_outer_join_equals_reference(left in pairs(), right in tagged(MAX_LEN)) {
        let expected = left_outer_join(&left, &right);
        for p in PARALLELISMS {
            let parts = run(p, |worker| {
                Ok(worker
                    .from_slice(&left)
                    .left_outer_join(worker.from_slice(&right), |l| l.0, |r| r.0)?
                    .collect_partition())
            })?;
            prop_assert_eq!(merged(parts), expected.clone(), "P = {}", p);
        }
    }

    #[test]
    fn co_group_calls_once_per_key_of_either_side(left in pairs(), right in tagged(MAX_LEN)) {
        let (mut left_groups, mut right_groups) = (groups(&left, |l| l.0), groups(&right, |r| r.0));
        let keys: BTreeSet<u32> = left_groups.keys().chain(right_groups.keys()).copied().collect();
        let expected: Vec<(u32, Vec<Pair>, Vec<Tagged>)> = keys
            .into_iter()
            .map(|k| (k, left_groups.remove(&k).unwrap_or_default(), right_groups.remove(&k).unwrap_or_default()))
            .collect();
        for p in PARALLELISMS {
            let parts = run(p, |worker| {
                Ok(worker
                    .from_slice(&left)
                    .co_group(worker.from_slice(&right), |l| l.0, |r| r.0, |k, ls, rs| Some((k, sorted(ls), sorted(rs))))?
                    .collect_partition())
            })?;
            check_owners(p, &parts, |g| g.0)?;
            prop_assert_eq!(merged(parts), expected.clone(), "P = {}", p);
        }
    }

    #[test]
    fn cross_equals_reference(left in pairs(), small in tagged(SMALL_LEN)) {
        let mut expected = Vec::new();
        for &l in &left {
            expected.extend(small.iter().map(|s| (l, s.clone())));
        }
        let expected = sorted(expected);
        for p in PARALLELISMS {
            let parts = run(p, |worker| {
                Ok(worker.from_slice(&left).cross(worker.from_slice(&small))?.collect_partition())
            })?;
            prop_assert_eq!(merged(parts), expected.clone(), "P = {}", p);
        }
    }

    #[test]
    fn index_by_and_join_index_equal_an_inner_join(left in pairs(), right in tagged(MAX_LEN)) {
        let kept: Vec<Pair> = left.iter().copied().filter(keep).collect();
        let right_groups = groups(&right, |r| r.0);
        for p in PARALLELISMS {
            let results = run(p, |worker| {
                let index = worker.from_slice(&right).index_by(|r| r.0)?;
                // Built once, probed twice (as every superstep of an iteration would).
                let all = worker.from_slice(&left).join_index(&index, |l| l.0)?.collect_partition();
                let some = worker.from_slice(&left).filter(keep).join_index(&index, |l| l.0)?.collect_partition();
                let lookups: Vec<(u32, Vec<Tagged>)> = (0..KEYS)
                    .filter(|k| index.contains_key(k))
                    .map(|k| (k, sorted(index.get(&k).cloned().collect())))
                    .collect();
                Ok((index.len(), index.key_count(), lookups, all, some))
            })?;
            let mut lookups_by_worker = Vec::new();
            let (mut all_parts, mut some_parts, mut indexed) = (Vec::new(), Vec::new(), 0);
            for (w, (len, key_count, lookups, all, some)) in results.into_iter().enumerate() {
                prop_assert_eq!(key_count, lookups.len(), "P = {}, worker {}", p, w);
                indexed += len;
                lookups_by_worker.push(lookups);
                all_parts.push(all);
                some_parts.push(some);
            }
            prop_assert_eq!(indexed, right.len(), "P = {}: indexed records", p);
            check_owners(p, &lookups_by_worker, |lookup| lookup.0)?;
            prop_assert_eq!(
                lookups_by_worker.into_iter().flatten().collect::<BTreeMap<_, _>>(),
                right_groups.clone(),
                "P = {}: index lookups",
                p
            );
            prop_assert_eq!(merged(all_parts), inner_join(&left, &right), "P = {}", p);
            prop_assert_eq!(merged(some_parts), inner_join(&kept, &right), "P = {}, filtered probe", p);
        }
    }

    #[test]
    fn count_equals_reference(data in pairs()) {
        for p in PARALLELISMS {
            let counts = run(p, |worker| worker.from_slice(&data).filter(keep).count())?;
            check_everywhere(p, &counts, &(data.iter().copied().filter(keep).count() as u64))?;
        }
    }

    #[test]
    fn reduce_equals_reference_in_worker_order(data in pairs()) {
        for p in PARALLELISMS {
            let sums = run(p, |worker| {
                worker.from_slice(&data).map(|(_, v)| u64::from(v)).reduce(|a, b| a + b)
            })?;
            check_everywhere(p, &sums, &data.iter().map(|&(_, v)| u64::from(v)).reduce(|a, b| a + b))?;
            // Concatenation is associative but not commutative: it exposes the order.
            let concatenations = run(p, |worker| {
                worker.from_slice(&data).map(|r| vec![r]).reduce(|mut a, b| {
                    a.extend(b);
                    a
                })
            })?;
            check_everywhere(p, &concatenations, &(!data.is_empty()).then(|| data.clone()))?;
        }
    }

    #[test]
    fn aggregate_equals_reference_in_worker_order(data in pairs()) {
        for p in PARALLELISMS {
            let stats = run(p, |worker| {
                worker.from_slice(&data).aggregate(
                    (0u64, 0u64, None::<u32>),
                    |(n, sum, max), (_, v)| (n + 1, sum + u64::from(v), max.max(Some(v))),
                    |a, b| (a.0 + b.0, a.1 + b.1, a.2.max(b.2)),
                )
            })?;
            let expected = (data.len() as u64, value_sum(&data), data.iter().map(|r| r.1).max());
            check_everywhere(p, &stats, &expected)?;
            let concatenations = run(p, |worker| {
                worker.from_slice(&data).aggregate(
                    Vec::new(),
                    |mut acc, r| {
                        acc.push(r);
                        acc
                    },
                    |mut a, b| {
                        a.extend(b);
                        a
                    },
                )
            })?;
            check_everywhere(p, &concatenations, &data)?;
        }
    }

    #[test]
    fn chain_across_an_exchange_equals_reference(data in pairs()) {
        // Word-count shape: local operators, a keyed reduction, local operators, collect.
        let mut counts: BTreeMap<u32, u64> = BTreeMap::new();
        for &(k, v) in &data {
            for key in [k, v % KEYS] {
                if key != 0 {
                    *counts.entry(key).or_default() += 1;
                }
            }
        }
        let expected: Vec<(u64, u32)> = counts.into_iter().map(|(k, n)| (n, k)).filter(|r| r.0 > 1).collect();
        for p in PARALLELISMS {
            let results = run(p, |worker| {
                let mut top = worker
                    .from_slice(&data)
                    .flat_map(|(k, v)| [(k, 1u64), (v % KEYS, 1)])
                    .filter(|r| r.0 != 0)
                    .reduce_by_key(|r| r.0, |a, b| (a.0, a.1 + b.1))?
                    .map(|(k, n)| (n, k))
                    .filter(|r| r.0 > 1)
                    .collect()?;
                top.sort_by_key(|r| r.1);
                Ok(top)
            })?;
            check_everywhere(p, &results, &expected)?;
        }
    }
}

/// Large inputs, where the pre-exchange combiner fills its bounded table (1 MiB: 16 384
/// records of 64 bytes): keys that barely repeat locally (the combiner switches itself
/// off), keys that repeat in pairs (it flushes and keeps combining), keys that repeat a
/// lot (it never fills), and a mix.
#[test]
fn reduce_and_combine_by_key_on_inputs_larger_than_the_combiner() {
    type Wide = (u64, u64, u64, [u64; 5]);
    let scatter = |i: u64| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40;
    let inputs: [(&str, Vec<(u64, u64)>); 4] = [
        ("distinct", (0..100_000).map(|i| (scatter(i % 50_000), i)).collect()),
        ("pairs", (0..100_000).map(|i| (scatter(i / 2), i)).collect()),
        ("repeating", (0..100_000).map(|i| (scatter(i % 3_000), i)).collect()),
        ("mixed", (0..100_000).map(|i| (if i % 2 == 0 { i % 7 } else { scatter(i) }, i)).collect()),
    ];
    for (name, data) in &inputs {
        let mut expected: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
        for &(k, v) in data {
            let e = expected.entry(k).or_insert((0, 0));
            e.0 += v;
            e.1 += 1;
        }
        for p in [1, 2, 3] {
            let runtime = LocalRuntime::with_parallelism(p).unwrap();
            let wide = |w: &Worker| -> Vec<Wide> {
                w.from_slice(data).map(|(k, v)| (k, v, 1, [k; 5])).collect_partition()
            };
            let reduced = runtime
                .execute(|w| {
                    w.from_partition(wide(w))
                        .reduce_by_key(|r| r.0, |a, b| (a.0, a.1 + b.1, a.2 + b.2, a.3))?
                        .collect()
                })
                .unwrap()
                .swap_remove(0);
            let combined = runtime
                .execute(|w| {
                    w.from_partition(wide(w))
                        .combine_by_key(
                            |r| r.0,
                            |acc, r| {
                                acc.1 += r.1;
                                acc.2 += r.2;
                            },
                        )?
                        .collect()
                })
                .unwrap()
                .swap_remove(0);
            for (variant, result) in [("reduce_by_key", reduced), ("combine_by_key", combined)] {
                assert_eq!(result.len(), expected.len(), "{name}, {variant}, P = {p}: one record per key");
                assert!(result.iter().all(|r| r.3 == [r.0; 5]), "{name}, {variant}, P = {p}: payload kept");
                let got: BTreeMap<u64, (u64, u64)> =
                    result.into_iter().map(|(k, s, n, _)| (k, (s, n))).collect();
                assert_eq!(got, expected, "{name}, {variant}, P = {p}");
            }
        }
    }
}
