//! Polynomial features: all monomials of the input columns up to a degree.

use ndarray::{Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::estimator::check_features;
use crate::{Error, Estimator, Result, Transformer};

/// Generates the monomials of the input columns up to `degree` (scikit-learn's
/// `PolynomialFeatures`), in scikit-learn's column order: the bias `1` (if
/// `include_bias`), then degree 1, 2, …, each degree's monomials in lexicographic order of
/// their column indices — for degree 2 on `[a, b, c]`: `1, a, b, c, a², ab, ac, b², bc,
/// c²`. With `interaction_only`, only products of distinct columns (`a, b, c, ab, ac,
/// bc`).
///
/// `fit` only records the number of input columns; it needs no runtime.
///
/// # Example
/// ```
/// use eddy_ml::{Estimator, Transformer, preprocessing::PolynomialFeatures};
/// use ndarray::array;
/// # fn main() -> eddy_ml::Result<()> {
/// let x = array![[2.0, 3.0]];
/// let poly = PolynomialFeatures::new(2).fit(x.view(), None)?;
/// assert_eq!(poly.transform(x.view())?, array![[1.0, 2.0, 3.0, 4.0, 6.0, 9.0]]);
/// assert_eq!(poly.feature_names(None)?, ["1", "x0", "x1", "x0^2", "x0 x1", "x1^2"]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolynomialFeatures {
    degree: usize,
    include_bias: bool,
    interaction_only: bool,
}

impl PolynomialFeatures {
    /// Monomials up to `degree`, with the bias column, powers included.
    pub fn new(degree: usize) -> Self {
        PolynomialFeatures { degree, include_bias: true, interaction_only: false }
    }

    /// Whether the first output column is the constant 1 (default `true`).
    pub fn include_bias(mut self, include_bias: bool) -> Self {
        self.include_bias = include_bias;
        self
    }

    /// Whether only products of distinct columns are generated (default `false`).
    pub fn interaction_only(mut self, interaction_only: bool) -> Self {
        self.interaction_only = interaction_only;
        self
    }

    /// Checks the parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for degree 0 without the bias (an empty output).
    pub fn validate(&self) -> Result<()> {
        if self.degree == 0 && !self.include_bias {
            return Err(Error::InvalidParameter {
                name: "degree",
                reason: "degree 0 without the bias column has no output".into(),
            });
        }
        Ok(())
    }
}

impl Estimator for PolynomialFeatures {
    type Fitted = PolynomialFeaturesModel;

    /// Records the number of columns of `x`; `y` is ignored.
    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        _y: Option<ArrayView1<'_, f64>>,
    ) -> Result<PolynomialFeaturesModel> {
        self.validate()?;
        let mut model = PolynomialFeaturesModel {
            n_features_in: x.ncols(),
            n_output_features: 0,
            degree: self.degree,
            include_bias: self.include_bias,
            interaction_only: self.interaction_only,
        };
        model.n_output_features = model.combinations().len();
        Ok(model)
    }
}

/// A fitted [`PolynomialFeatures`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolynomialFeaturesModel {
    /// Input columns (`n_features_in_`).
    pub n_features_in: usize,
    /// Output columns (`n_output_features_`).
    pub n_output_features: usize,
    /// The highest degree.
    pub degree: usize,
    /// Whether the first output column is the constant 1.
    pub include_bias: bool,
    /// Whether only products of distinct columns are generated.
    pub interaction_only: bool,
}

impl PolynomialFeaturesModel {
    /// The input column indices multiplied into each output column, in output order
    /// (empty for the bias); scikit-learn's `_combinations`.
    fn combinations(&self) -> Vec<Vec<usize>> {
        let n = self.n_features_in;
        let mut all = Vec::new();
        if self.include_bias {
            all.push(Vec::new());
        }
        for degree in 1..=self.degree {
            // Lexicographic enumeration: non-decreasing (with repetition) or increasing
            // (interaction only) index tuples.
            let step = usize::from(self.interaction_only);
            let mut combination: Vec<usize> = (0..degree).map(|i| i * step).collect();
            // The largest value position i may take.
            let last = |i: usize| if self.interaction_only { n + i - degree } else { n - 1 };
            if n == 0 || combination[degree - 1] >= n {
                continue;
            }
            loop {
                all.push(combination.clone());
                let Some(i) = (0..degree).rev().find(|&i| combination[i] < last(i)) else { break };
                combination[i] += 1;
                for k in i + 1..degree {
                    combination[k] = combination[k - 1] + step;
                }
            }
        }
        all
    }

    /// The exponent of each input column in each output column
    /// (`n_output_features × n_features_in`), scikit-learn's `powers_`.
    pub fn powers(&self) -> Array2<u32> {
        let mut powers = Array2::zeros((self.n_output_features, self.n_features_in));
        for (mut row, combination) in powers.rows_mut().into_iter().zip(self.combinations()) {
            combination.into_iter().for_each(|j| row[j] += 1);
        }
        powers
    }

    /// The names of the output columns (scikit-learn's `get_feature_names_out`): `"1"`
    /// for the bias, otherwise the factors in column order joined by spaces, each as
    /// `name` or `name^power` — `"x0"`, `"x0^2"`, `"x0 x1"`.
    ///
    /// # Arguments
    /// - `input_names`: one name per input column; `None` names them `x0`, `x1`, ….
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`] when `input_names` has not one name per input column.
    pub fn feature_names(&self, input_names: Option<&[&str]>) -> Result<Vec<String>> {
        let names: Vec<String> = match input_names {
            Some(names) if names.len() != self.n_features_in => {
                return Err(Error::FeatureMismatch { expected: self.n_features_in, got: names.len() });
            }
            Some(names) => names.iter().map(|s| s.to_string()).collect(),
            None => (0..self.n_features_in).map(|j| format!("x{j}")).collect(),
        };
        let name = |powers: ArrayView1<'_, u32>| {
            let factors: Vec<String> = powers
                .iter()
                .zip(&names)
                .filter(|(p, _)| **p > 0)
                .map(|(&p, name)| if p == 1 { name.clone() } else { format!("{name}^{p}") })
                .collect();
            if factors.is_empty() { "1".to_string() } else { factors.join(" ") }
        };
        Ok(self.powers().rows().into_iter().map(name).collect())
    }
}

impl Transformer for PolynomialFeaturesModel {
    /// Each output column is the product of its factors, multiplied left to right in
    /// column order.
    fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_features(&x, self.n_features_in)?;
        let combinations = self.combinations();
        let mut out = Array2::zeros((x.nrows(), combinations.len()));
        for (mut out_row, row) in out.rows_mut().into_iter().zip(x.rows()) {
            for (value, combination) in out_row.iter_mut().zip(&combinations) {
                *value = combination.iter().fold(1.0, |product, &j| product * row[j]);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    fn fit(params: PolynomialFeatures, x: ArrayView2<'_, f64>) -> PolynomialFeaturesModel {
        params.fit(x, None).expect("valid parameters")
    }

    #[test]
    fn degree_two_on_three_columns() -> Result<()> {
        let x = array![[2.0, 3.0, 5.0]];
        let model = fit(PolynomialFeatures::new(2), x.view());
        assert_eq!(model.n_output_features, 10);
        // 1, a, b, c, a², ab, ac, b², bc, c².
        assert_eq!(model.transform(x.view())?, array![[1.0, 2.0, 3.0, 5.0, 4.0, 6.0, 10.0, 9.0, 15.0, 25.0]]);
        assert_eq!(
            model.feature_names(Some(&["a", "b", "c"]))?,
            ["1", "a", "b", "c", "a^2", "a b", "a c", "b^2", "b c", "c^2"]
        );
        let no_bias = fit(PolynomialFeatures::new(2).include_bias(false), x.view());
        assert_eq!(no_bias.transform(x.view())?, array![[2.0, 3.0, 5.0, 4.0, 6.0, 10.0, 9.0, 15.0, 25.0]]);
        Ok(())
    }

    #[test]
    fn interaction_only_and_degree_three() -> Result<()> {
        let x = array![[2.0, 3.0, 5.0]];
        let interactions = fit(PolynomialFeatures::new(3).interaction_only(true), x.view());
        assert_eq!(interactions.transform(x.view())?, array![[1.0, 2.0, 3.0, 5.0, 6.0, 10.0, 15.0, 30.0]]);
        assert_eq!(interactions.feature_names(None)?[4..], ["x0 x1", "x0 x2", "x1 x2", "x0 x1 x2"]);
        let cubic = fit(PolynomialFeatures::new(3).include_bias(false), array![[2.0, 3.0]].view());
        assert_eq!(
            cubic.feature_names(None)?,
            ["x0", "x1", "x0^2", "x0 x1", "x1^2", "x0^3", "x0^2 x1", "x0 x1^2", "x1^3"]
        );
        assert_eq!(
            cubic.transform(array![[2.0, 3.0]].view())?,
            array![[2.0, 3.0, 4.0, 6.0, 9.0, 8.0, 12.0, 18.0, 27.0]]
        );
        assert_eq!(cubic.powers().row(6).to_vec(), vec![2, 1]);
        Ok(())
    }

    #[test]
    fn edge_cases() -> Result<()> {
        let x = array![[2.0, 3.0]];
        assert_eq!(fit(PolynomialFeatures::new(0), x.view()).transform(x.view())?, array![[1.0]]);
        // More factors than distinct columns: interaction terms stop at degree n.
        assert_eq!(fit(PolynomialFeatures::new(4).interaction_only(true), x.view()).n_output_features, 4);
        assert!(matches!(
            PolynomialFeatures::new(0).include_bias(false).fit(x.view(), None),
            Err(Error::InvalidParameter { .. })
        ));
        let model = fit(PolynomialFeatures::new(2), x.view());
        assert!(matches!(model.transform(array![[1.0]].view()), Err(Error::FeatureMismatch { .. })));
        assert!(matches!(model.feature_names(Some(&["a"])), Err(Error::FeatureMismatch { .. })));
        Ok(())
    }
}
