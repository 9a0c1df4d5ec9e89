//! Small built-in graphs, shipped in the repository, as default inputs.
//!
//! [`karate_club`] is Zachary's karate club (34 vertices, 78 undirected edges), with the
//! vertex numbering of `networkx.karate_club_graph()`; [`components_demo`] is a small
//! graph with several connected components, for connected-components examples.
//!
//! **Note**: edges are returned once per undirected pair, `src < dst`.

const KARATE: &str = include_str!("../data/karate.txt");

/// Zachary's karate club: 78 undirected edges over vertices `0..34`, as `(src, dst)`.
pub fn karate_club() -> Vec<(u64, u64)> {
    KARATE
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let mut fields =
                line.split_whitespace().map(|f| f.parse::<u64>().expect("bundled data is valid"));
            let src = fields.next().expect("bundled data has a source");
            let dst = fields.next().expect("bundled data has a target");
            (src, dst)
        })
        .collect()
}

/// A 16-vertex graph with four connected components — {1..=7}, {8..=12}, {13, 14},
/// {15, 16}.
pub fn components_demo() -> Vec<(u64, u64)> {
    vec![
        (1, 2),
        (2, 3),
        (2, 4),
        (3, 5),
        (6, 7),
        (5, 6), // component {1..=7}
        (8, 9),
        (9, 10),
        (10, 11),
        (11, 12),
        (12, 8),  // a cycle {8..=12}
        (13, 14), // {13, 14}
        (15, 16),
        (16, 15), // {15, 16}, both directions
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn karate_club_has_34_vertices_and_78_edges() {
        let edges = karate_club();
        assert_eq!(edges.len(), 78);
        let max = edges.iter().map(|&(a, b)| a.max(b)).max();
        assert_eq!(max, Some(33));
        assert!(edges.iter().all(|&(a, b)| a < b));
        // Vertex 33 (the "officer") has degree 17 and vertex 0 (the "instructor") 16.
        let degree = |v| edges.iter().filter(|&&(a, b)| a == v || b == v).count();
        assert_eq!(degree(33), 17);
        assert_eq!(degree(0), 16);
    }
}
