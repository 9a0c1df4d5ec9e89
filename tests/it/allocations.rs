//! Bulk numeric data must not cost one heap allocation per record: a counting global
//! allocator measures, per worker thread, the allocations of a pipeline with fused local
//! operators, a hash exchange and a keyed combine.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use eddy::runtime::LocalRuntime;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

struct CountingAllocator;

// SAFETY: every method forwards to the system allocator with the same arguments; the
// thread-local counter has a const initializer and no destructor, so touching it never
// allocates or re-enters the allocator.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (see `alloc`).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        // SAFETY: `ptr` was allocated by `System` with `layout`; the caller upholds the rest.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

#[test]
fn a_numeric_pipeline_allocates_per_batch_not_per_record() {
    const RECORDS: u64 = 400_000;
    for serialize in [false, true] {
        let config =
            eddy::runtime::RuntimeConfig::default().with_parallelism(2).with_serialized_exchanges(serialize);
        let per_worker = LocalRuntime::new(config)
            .unwrap()
            .execute(|w| {
                let before = allocations();
                let sums = w
                    .generate(RECORDS, |i| (i % 5_000, i))
                    .map(|(k, v)| (k, v * 2))
                    .filter(|&(_, v)| v % 3 != 0)
                    .partition_by_hash(|r| r.0)?
                    .combine_by_key(|r| r.0, |acc, r| acc.1 += r.1)?
                    .aggregate(0u64, |n, _| n + 1, |a, b| a + b)?;
                Ok((sums, allocations() - before))
            })
            .unwrap();
        for (keys, allocated) in per_worker {
            assert_eq!(keys, 5_000);
            // 200 000 records pass through each worker; a per-record allocation would
            // show as hundreds of thousands. Buffers grow geometrically: tens of reallocations.
            assert!(
                allocated < 400,
                "serialize = {serialize}: {allocated} allocations for {RECORDS} records"
            );
        }
    }
}
