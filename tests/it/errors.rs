//! Bad input and failing workers: every case ends in an `Err` with a clear message from
//! `execute`, never in a hang or a process abort.

use eddy::core::{Error, Iteration, Result, Worker};
use eddy::runtime::{LocalRuntime, RuntimeConfig};

fn execute<R: Send>(parallelism: usize, job: impl Fn(&Worker) -> Result<R> + Sync) -> Result<Vec<R>> {
    LocalRuntime::with_parallelism(parallelism).unwrap().execute(job)
}

#[test]
fn zero_partitions_is_an_invalid_parameter() {
    let err = LocalRuntime::with_parallelism(0).unwrap_err();
    assert!(matches!(err, Error::InvalidParameter { name: "parallelism", .. }), "{err:?}");
    assert!(err.to_string().contains("at least 1"), "{err}");
    let err = LocalRuntime::new(RuntimeConfig::default().with_parallelism(0)).unwrap_err();
    assert!(err.to_string().starts_with("invalid parameter parallelism"), "{err}");
}

#[test]
fn a_step_that_panics_on_one_worker_fails_the_job() {
    for p in [2, 4] {
        let err = execute(p, |w| {
            let (result, _) = Iteration::new(50).bulk(w.generate(100, |i| i), |step, data| {
                if w.index() == 1 && step.number() == 3 {
                    panic!("boom in superstep {}", step.number());
                }
                Ok(data.map(|x| x + 1))
            })?;
            result.count()
        })
        .unwrap_err();
        match &err {
            Error::WorkerPanicked { worker, message } => {
                assert_eq!(*worker, 1);
                assert_eq!(message, "boom in superstep 3");
            }
            other => panic!("expected a panic report, got {other:?}"),
        }
        assert_eq!(err.to_string(), "worker 1 panicked: boom in superstep 3");
    }
}

#[test]
fn a_panic_inside_an_operator_closure_fails_the_job() {
    let err = execute(3, |w| {
        w.generate(30, |i| i)
            .map(|x| {
                assert!(x != 17, "record {x} is cursed");
                (x % 4, x)
            })
            .reduce_by_key(|r| r.0, |a, b| (a.0, a.1 + b.1))?
            .count()
    })
    .unwrap_err();
    // Record 17 belongs to worker 1 of 3 (records 10..20).
    assert!(
        matches!(&err, Error::WorkerPanicked { worker: 1, message } if message == "record 17 is cursed"),
        "{err:?}"
    );
}

#[test]
fn an_error_returned_by_one_worker_is_the_job_error() {
    let err = execute(4, |w| {
        let total = w.generate(40, |i| i).count()?;
        if w.index() == 2 {
            return Err(Error::InvalidParameter {
                name: "threshold",
                reason: format!("{total} is too many"),
            });
        }
        w.generate(40, |i| i).count()
    })
    .unwrap_err();
    assert_eq!(err.to_string(), "invalid parameter threshold: 40 is too many");
}

#[test]
fn an_error_in_a_delta_step_fails_the_job() {
    let err = execute(2, |w| {
        let (result, _) = Iteration::new(10).delta(
            w.generate(10, |k| (k, k)),
            |s| s.0,
            w.generate(10, |k| k),
            |step, ws| {
                if step.superstep().number() == 2 && w.index() == 0 {
                    return Err(Error::InvalidParameter {
                        name: "workset",
                        reason: "rejected in superstep 2".into(),
                    });
                }
                let (a, b) = ws.duplicate();
                Ok((a.map(|k| (k, k + 1)), b))
            },
        )?;
        result.count()
    })
    .unwrap_err();
    assert_eq!(err.to_string(), "invalid parameter workset: rejected in superstep 2");
}

#[test]
fn a_worker_that_skips_an_exchange_is_reported_not_awaited() {
    let err = execute(2, |w| {
        if w.index() == 0 {
            return Ok(0);
        }
        w.generate(10, |i| i).count()
    })
    .unwrap_err();
    assert!(matches!(err, Error::PeerFinished { worker: 0, waiting: 1 }), "{err:?}");
    assert!(err.to_string().contains("every worker must run the same exchanges"), "{err}");
}

#[test]
fn a_job_that_carries_on_after_a_failed_exchange_gets_the_error_again() {
    // Worker 0 fails; worker 1 swallows the first error and tries another exchange: it
    // fails at once with the same cause instead of waiting forever.
    let seen = std::sync::Mutex::new(None);
    let outcome = execute(2, |w| {
        if w.index() == 0 {
            return Err(Error::InvalidParameter { name: "input", reason: "rejected".into() });
        }
        let first = w.generate(10, |i| i).count().is_err();
        let second = w.generate(10, |i| i).count().unwrap_err().to_string();
        *seen.lock().unwrap() = Some((first, second));
        Ok(())
    });
    assert_eq!(outcome.unwrap_err().to_string(), "invalid parameter input: rejected");
    let (first, second) = seen.into_inner().unwrap().unwrap();
    assert!(first);
    assert_eq!(second, "worker 0 failed: invalid parameter input: rejected");
}

#[test]
fn workers_running_different_exchanges_get_an_out_of_step_error() {
    let err = execute(2, |w| {
        if w.index() == 0 {
            w.generate(4, |i| i).count()
        } else {
            w.generate(4, |i| i.to_string()).collect().map(|v| v.len() as u64)
        }
    })
    .unwrap_err();
    assert!(matches!(err, Error::OutOfStep { .. }), "{err:?}");
    assert!(err.to_string().contains("the workers ran different exchanges"), "{err}");
}

#[test]
fn a_solution_set_lookup_of_a_foreign_key_fails_loudly() {
    let err = execute(2, |w| {
        // The workset is not partitioned by key: some lookups land on the wrong worker.
        let solution = w.generate(100, |k| (k, 0u64));
        let workset = w.generate(100, |k| k);
        solution
            .iterate_delta(
                |s| s.0,
                workset,
                3,
                |step, keys| {
                    let set = step.solution_set().clone();
                    let delta = keys.flat_map(move |k| set.get(&k)).cache();
                    Ok((delta.dataset(), delta.dataset().map(|s| s.0)))
                },
            )?
            .count()
    })
    .unwrap_err();
    assert!(matches!(err, Error::WorkerPanicked { .. }), "{err:?}");
    assert!(err.to_string().contains("partition the workset by the solution-set key first"), "{err}");
}

#[test]
fn a_reduce_function_that_panics_mid_merge_fails_the_job_cleanly() {
    // The accumulator is moved out of its table slot for the call; a panic there must
    // neither double-drop it (heap-owning records make a double free crash the process)
    // nor hang the other workers.
    for p in [1, 2, 3] {
        let err = execute(p, |w| {
            w.generate(3000, |i| (i % 10, format!("record {i}")))
                .reduce_by_key(
                    |r| r.0,
                    |a, b| {
                        assert!(a.1.len() < 500, "accumulator of key {} grew too long", a.0);
                        (a.0, a.1 + &b.1)
                    },
                )?
                .count()
        })
        .unwrap_err();
        assert!(
            matches!(&err, Error::WorkerPanicked { message, .. } if message.contains("grew too long")),
            "{err:?}"
        );
    }
}

mod cancellation {
    use std::cell::Cell;
    use std::rc::Rc;
    use std::time::Duration;

    use eddy::core::{Error, Iteration};
    use eddy::runtime::{LocalRuntime, supervised};

    /// A bulk iteration that would run for a very long time without a cancellation.
    fn endless(runtime: &LocalRuntime) -> eddy::core::Result<Vec<u64>> {
        runtime.execute(|w| {
            let (result, _) = Iteration::new(u32::MAX).bulk(w.generate(1000, |i| i), |_, data| {
                std::thread::sleep(Duration::from_millis(1));
                Ok(data.map(|x| x + 1))
            })?;
            result.count()
        })
    }

    #[test]
    fn a_supervisor_cancels_a_running_job_on_every_worker() {
        for p in [1, 2, 3] {
            let runtime = LocalRuntime::with_parallelism(p).unwrap();
            let checks = Rc::new(Cell::new(0));
            let counter = Rc::clone(&checks);
            let outcome = supervised(
                Duration::from_millis(2),
                move || {
                    counter.set(counter.get() + 1);
                    (counter.get() == 5).then(|| "interrupted by the test".to_string())
                },
                || endless(&runtime),
            );
            let err = outcome.unwrap_err();
            assert!(
                matches!(&err, Error::Cancelled { reason } if reason == "interrupted by the test"),
                "P = {p}: {err:?}"
            );
            assert_eq!(err.to_string(), "job cancelled: interrupted by the test");
            // Polled until it asked to cancel, then no more.
            assert_eq!(checks.get(), 5, "P = {p}");
            // The runtime runs the next job normally.
            let sums = runtime.execute(|w| w.generate(10, |i| i).aggregate(0u64, |a, x| a + x, |a, b| a + b));
            assert_eq!(sums.unwrap(), vec![45; p]);
        }
    }

    #[test]
    fn a_supervisor_that_never_cancels_changes_nothing_and_covers_every_job() {
        let runtime = LocalRuntime::with_parallelism(2).unwrap();
        let checks = Rc::new(Cell::new(0));
        let counter = Rc::clone(&checks);
        let job = |w: &eddy::core::Worker| {
            let (result, stats) = Iteration::new(20).bulk(w.generate(100, |i| i), |_, data| {
                std::thread::sleep(Duration::from_millis(2));
                Ok(data.map(|x| x + 1))
            })?;
            Ok((result.aggregate(0u64, |a, x| a + x, |a, b| a + b)?, stats.supersteps))
        };
        let (first, second) = supervised(
            Duration::from_millis(1),
            move || {
                counter.set(counter.get() + 1);
                None
            },
            || (runtime.execute(job).unwrap(), runtime.execute(job).unwrap()),
        );
        // 0 + … + 99 plus 20 × 100.
        assert_eq!(first, vec![(6950, 20); 2]);
        assert_eq!(second, first);
        let during_both = checks.get();
        assert!(during_both >= 2, "the check ran {during_both} times over two 40 ms jobs");
        // Outside `supervised`, nothing polls.
        assert_eq!(runtime.execute(job).unwrap(), first);
        assert_eq!(checks.get(), during_both);
    }
}
