//! The input of an ML job: a feature table from a CSV file, generated data or the
//! built-in iris set.
//!
//! Unlike an edge list, a table is loaded whole by each process that prepares the job
//! ([`load_table`]); every worker then takes its share of the rows.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use eddy_datasets::features::{self, CsvOptions, LabelColumn, Table};
use eddy_datasets::ml_generators::FeatureSpec;

/// Where a feature table comes from; serialized as a path and label column, a canonical
/// generator spec or the built-in name, so that another process loads the same table.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) enum TableSource {
    /// A CSV file, with the label column if one is wanted.
    File {
        /// The file.
        path: PathBuf,
        /// The column left out of the features as the label.
        #[serde(with = "label_column")]
        label: Option<LabelColumn>,
    },
    /// A generator spec, parsed and validated.
    Generated(#[serde(with = "crate::input::text")] FeatureSpec),
    /// Fisher's iris, bundled with eddy-datasets (species as the label).
    Iris,
}

impl TableSource {
    /// The source named by a file, a label column and a generator spec (`fallback` when
    /// neither a file nor a spec is given).
    ///
    /// # Errors
    /// A malformed spec or label column.
    pub(crate) fn from_args(
        file: Option<&Path>,
        label: Option<&str>,
        generate: Option<&str>,
        fallback: TableSource,
    ) -> Result<Self> {
        Ok(match (file, generate) {
            (Some(path), _) => TableSource::File {
                path: path.to_path_buf(),
                label: label.map(str::parse).transpose().context("--label")?,
            },
            (None, Some(spec)) => TableSource::Generated(spec.parse()?),
            (None, None) => fallback,
        })
    }
}

/// Serde for an optional [`LabelColumn`], as a name or an index (not as text, where a
/// name of digits would read back as an index).
mod label_column {
    use eddy_datasets::features::LabelColumn;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    enum Column {
        Name(String),
        Index(usize),
    }

    pub(super) fn serialize<S: Serializer>(
        label: &Option<LabelColumn>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let column = label.as_ref().map(|label| match label {
            LabelColumn::Name(name) => Column::Name(name.clone()),
            LabelColumn::Index(index) => Column::Index(*index),
        });
        column.serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<LabelColumn>, D::Error> {
        Ok(Option::<Column>::deserialize(deserializer)?.map(|column| match column {
            Column::Name(name) => LabelColumn::Name(name),
            Column::Index(index) => LabelColumn::Index(index),
        }))
    }
}

/// A loaded table and what it is, for people.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// The data.
    pub(crate) table: Table,
    /// E.g. `points.csv (150 rows × 4 features, label "species")`.
    pub(crate) description: String,
}

/// Reads, generates or takes the built-in table.
///
/// # Errors
/// An unreadable or malformed file (the message names the file and line), a label column
/// that does not exist, a generator that fails.
pub(crate) fn load_table(source: &TableSource) -> Result<Loaded> {
    let (table, name) = match source {
        TableSource::File { path, label } => {
            let options = CsvOptions { label: label.clone(), ..CsvOptions::default() };
            (features::read_csv(path, &options).context("cannot read the input")?, path.display().to_string())
        }
        TableSource::Generated(spec) => (spec.generate()?, format!("generated {spec}")),
        TableSource::Iris => (features::iris(), "built-in iris".to_owned()),
    };
    let description = describe(&name, &table);
    Ok(Loaded { table, description })
}

/// `NAME (R rows × F features[, label "L"])`.
pub(crate) fn describe(name: &str, table: &Table) -> String {
    let label = table.label_name.as_ref().map(|l| format!(", label {l:?}")).unwrap_or_default();
    format!("{name} ({} rows × {} features{label})", table.rows(), table.features.ncols())
}
