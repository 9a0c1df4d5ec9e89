//! Aggregators: values every worker contributes to during a superstep, all-reduced at
//! the superstep barrier.
//!
//! An [`Aggregator`] is a commutative-monoid-like value: `Default` is the identity and
//! [`Aggregator::merge`] must be associative. Built in: [`Sum`], [`Min`], [`Max`],
//! [`Count`]; tuples of aggregators are aggregators; `()` is the empty aggregator. A
//! custom associative aggregator is any type implementing the trait.
//!
//! **Note**: partial aggregates are merged in worker order starting from `Default`, so a
//! float sum is bit-identical on every worker and between runs with the same
//! partitioning — but may differ in the last bits between different parallelisms.

use std::cell::RefCell;
use std::rc::Rc;

use crate::communicator::Data;

/// A value aggregated over all workers at each superstep barrier.
pub trait Aggregator: Data + Clone + Default {
    /// Merges another worker's partial aggregate into this one. Must be associative,
    /// with `Default::default()` as identity.
    fn merge(&mut self, other: &Self);

    /// The aggregate as numbers, for metrics listeners (progress bars, dashboards).
    fn values(&self) -> Vec<f64> {
        Vec::new()
    }
}

/// Numbers that the built-in aggregators accept.
pub trait Numeric: Data + Copy + Default + PartialOrd + std::ops::AddAssign {
    /// The value as `f64`, for metrics.
    fn to_f64(self) -> f64;
}

macro_rules! numeric {
    ($($t:ty),*) => {$(
        impl Numeric for $t {
            fn to_f64(self) -> f64 {
                self as f64
            }
        }
    )*};
}
numeric!(f64, f32, u64, i64, u32, i32, usize, isize);

/// Sum of the values added on all workers.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sum<T>(pub T);

impl<T: Numeric> Sum<T> {
    /// Adds a value.
    pub fn add(&mut self, value: T) {
        self.0 += value;
    }
    /// The sum.
    pub fn get(&self) -> T {
        self.0
    }
}

impl<T: Numeric> Aggregator for Sum<T> {
    fn merge(&mut self, other: &Self) {
        self.0 += other.0;
    }
    fn values(&self) -> Vec<f64> {
        vec![self.0.to_f64()]
    }
}

/// Minimum of the values added on all workers (`None` if none was added).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Min<T>(pub Option<T>);

impl<T: Numeric> Min<T> {
    /// Adds a value.
    pub fn add(&mut self, value: T) {
        if self.0.is_none_or(|m| value < m) {
            self.0 = Some(value);
        }
    }
    /// The minimum, if any value was added.
    pub fn get(&self) -> Option<T> {
        self.0
    }
}

impl<T: Numeric> Aggregator for Min<T> {
    fn merge(&mut self, other: &Self) {
        if let Some(v) = other.0 {
            self.add(v);
        }
    }
    fn values(&self) -> Vec<f64> {
        self.0.map(Numeric::to_f64).into_iter().collect()
    }
}

/// Maximum of the values added on all workers (`None` if none was added).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Max<T>(pub Option<T>);

impl<T: Numeric> Max<T> {
    /// Adds a value.
    pub fn add(&mut self, value: T) {
        if self.0.is_none_or(|m| value > m) {
            self.0 = Some(value);
        }
    }
    /// The maximum, if any value was added.
    pub fn get(&self) -> Option<T> {
        self.0
    }
}

impl<T: Numeric> Aggregator for Max<T> {
    fn merge(&mut self, other: &Self) {
        if let Some(v) = other.0 {
            self.add(v);
        }
    }
    fn values(&self) -> Vec<f64> {
        self.0.map(Numeric::to_f64).into_iter().collect()
    }
}

/// Number of events counted on all workers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Count(pub u64);

impl Count {
    /// Counts one event.
    pub fn increment(&mut self) {
        self.0 += 1;
    }
    /// Counts `n` events.
    pub fn add(&mut self, n: u64) {
        self.0 += n;
    }
    /// The count.
    pub fn get(&self) -> u64 {
        self.0
    }
}

impl Aggregator for Count {
    fn merge(&mut self, other: &Self) {
        self.0 += other.0;
    }
    fn values(&self) -> Vec<f64> {
        vec![self.0 as f64]
    }
}

impl Aggregator for () {
    fn merge(&mut self, _: &Self) {}
}

macro_rules! tuple_aggregator {
    ($($name:ident $idx:tt),+) => {
        impl<$($name: Aggregator),+> Aggregator for ($($name,)+) {
            fn merge(&mut self, other: &Self) {
                $(self.$idx.merge(&other.$idx);)+
            }
            fn values(&self) -> Vec<f64> {
                let mut v = Vec::new();
                $(v.extend(self.$idx.values());)+
                v
            }
        }
    };
}
tuple_aggregator!(A 0, B 1);
tuple_aggregator!(A 0, B 1, C 2);
tuple_aggregator!(A 0, B 1, C 2, D 3);

/// A handle on this worker's partial aggregate of the current superstep; clone it into
/// operator closures. Cheap to clone.
#[derive(Debug, Default)]
pub struct AggregatorHandle<A> {
    inner: Rc<RefCell<A>>,
}

impl<A> Clone for AggregatorHandle<A> {
    fn clone(&self) -> Self {
        AggregatorHandle { inner: Rc::clone(&self.inner) }
    }
}

impl<A: Aggregator> AggregatorHandle<A> {
    /// Updates the partial aggregate, e.g. `handle.update(|s: &mut Sum<f64>| s.add(x))`.
    pub fn update(&self, f: impl FnOnce(&mut A)) {
        f(&mut self.inner.borrow_mut());
    }

    /// Takes the partial aggregate out, leaving the identity.
    pub(crate) fn take(&self) -> A {
        std::mem::take(&mut *self.inner.borrow_mut())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_aggregators_merge() {
        let mut s = Sum(1.5f64);
        s.merge(&Sum(2.0));
        assert_eq!(s.get(), 3.5);
        let mut m = Min::<i64>::default();
        m.merge(&Min(Some(4)));
        m.merge(&Min(None));
        m.add(-2);
        assert_eq!(m.get(), Some(-2));
        let mut x = Max(Some(1u32));
        x.merge(&Max(Some(7)));
        assert_eq!(x.get(), Some(7));
        let mut t = (Count(2), Sum(1u64));
        t.merge(&(Count(3), Sum(10)));
        assert_eq!(t, (Count(5), Sum(11)));
        assert_eq!(t.values(), vec![5.0, 11.0]);
    }
}
