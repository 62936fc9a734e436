//! Reading real social graphs from edge lists.
//!
//! Format: one edge per line, `a b`, with the two node ids separated by spaces, tabs
//! or a comma; an optional third column is the tie strength in [0, 1] when asked for
//! (other extra columns are ignored). Lines starting with `#` or `%` and blank lines
//! are skipped. Ids are any non-negative integers; they are mapped to dense ids in
//! order of first appearance. Gzip input is detected by its magic bytes. Self-loops and
//! repeated edges are removed when freezing and counted in the cleanup report.

use super::{GraphError, NEUTRAL_TIE, SocialGraph};
use petgraph::graph::{DiGraph, Graph, NodeIndex, UnGraph};
use rustc_hash::FxHashMap;
use std::io::{BufRead, BufReader, Read};

/// How to read an edge list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeListOptions {
    /// Whether `a b` means only a can reach b.
    pub directed: bool,
    /// Whether the third column is a tie strength in [0, 1] (required on every line).
    pub weight_column: bool,
}

/// Reads an edge list (plain or gzip) and freezes it.
///
/// # Errors
/// [`GraphError::BadLine`] names the 1-based line of the first malformed line;
/// [`GraphError::Io`] for read or gzip errors; [`GraphError::Empty`] when there is no edge.
///
/// # Complexity
/// O(m) time plus one hash lookup per id.
pub fn read_edge_list(reader: impl Read, options: EdgeListOptions) -> Result<SocialGraph, GraphError> {
    let mut buffered = BufReader::with_capacity(1 << 20, reader);
    let is_gzip = buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    if is_gzip {
        let decoder = flate2::bufread::MultiGzDecoder::new(buffered);
        parse(BufReader::with_capacity(1 << 20, decoder), options)
    } else {
        parse(buffered, options)
    }
}

/// Ids below this are mapped through a direct table (at most 64 MiB), not a hash map.
const DIRECT_ID_LIMIT: u64 = 1 << 24;

fn parse(mut reader: impl BufRead, options: EdgeListOptions) -> Result<SocialGraph, GraphError> {
    // FxHash: SipHash took 56% of loading time (perf, 20M-line edge list); ids come
    // from the user's own file, so hash flooding is no concern.
    let mut ids: FxHashMap<u64, u32> = FxHashMap::default();
    let mut original: Vec<u64> = Vec::new();
    let mut edges: Vec<(u32, u32, f32)> = Vec::new();
    let mut line = String::new();
    let mut number = 0u64;
    // Small ids (most files: SNAP's are below the node count times a few) go through a
    // direct table, larger ones through the hash map; both keep first-appearance order.
    let mut direct: Vec<u32> = Vec::new();
    let mut dense = |id: u64, ids: &mut FxHashMap<u64, u32>| -> u32 {
        if id < DIRECT_ID_LIMIT {
            let i = id as usize;
            if i >= direct.len() {
                direct.resize((i + 1).max(direct.len() * 2).min(DIRECT_ID_LIMIT as usize), u32::MAX);
            }
            if direct[i] == u32::MAX {
                direct[i] = original.len() as u32;
                original.push(id);
            }
            return direct[i];
        }
        *ids.entry(id).or_insert_with(|| {
            original.push(id);
            (original.len() - 1) as u32
        })
    };
    loop {
        line.clear();
        let read = reader.read_line(&mut line).map_err(|e| {
            if e.kind() == std::io::ErrorKind::InvalidData {
                GraphError::BadLine { line: number + 1, message: "is not valid UTF-8 text".into() }
            } else {
                GraphError::Io(e)
            }
        })?;
        if read == 0 {
            break;
        }
        number += 1;
        let text = line.trim();
        if text.is_empty() || text.starts_with('#') || text.starts_with('%') {
            continue;
        }
        let mut fields = text.split(|c: char| c == ',' || c.is_ascii_whitespace()).filter(|f| !f.is_empty());
        let bad = |message: String| GraphError::BadLine { line: number, message };
        let id = |name: &str, field: Option<&str>| -> Result<u64, GraphError> {
            let field = field.ok_or_else(|| bad(format!("expected two node ids, found {text:?}")))?;
            field.parse::<u64>().map_err(|_| bad(format!("the {name} node id {field:?} is not a non-negative integer")))
        };
        let a = id("first", fields.next())?;
        let b = id("second", fields.next())?;
        let weight = if options.weight_column {
            let field =
                fields.next().ok_or_else(|| bad("expected a third column with the tie strength in [0, 1]".into()))?;
            match field.parse::<f32>() {
                Ok(w) if (0.0..=1.0).contains(&w) => w,
                _ => return Err(bad(format!("tie strength {field:?} is not a number in [0, 1]"))),
            }
        } else {
            NEUTRAL_TIE
        };
        let (a, b) = (dense(a, &mut ids), dense(b, &mut ids));
        edges.push((a, b, weight));
    }
    if edges.is_empty() {
        return Err(GraphError::Empty);
    }
    let n = original.len();
    fn build<Ty: petgraph::EdgeType>(
        mut g: Graph<(), f32, Ty>,
        n: usize,
        edges: &[(u32, u32, f32)],
    ) -> Graph<(), f32, Ty> {
        for _ in 0..n {
            g.add_node(());
        }
        for &(a, b, w) in edges {
            g.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), w);
        }
        g
    }
    if options.directed {
        let g = build(DiGraph::with_capacity(n, edges.len()), n, &edges);
        drop(edges);
        SocialGraph::from_petgraph(&g, options.weight_column, Some(original))
    } else {
        let g = build(UnGraph::with_capacity(n, edges.len()), n, &edges);
        drop(edges);
        SocialGraph::from_petgraph(&g, options.weight_column, Some(original))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::NodeId;
    use std::io::Write;

    const UNDIRECTED: EdgeListOptions = EdgeListOptions { directed: false, weight_column: false };

    #[test]
    fn reads_mixed_separators_comments_and_remaps_ids() {
        let text = "# comment\n% also\n\n100 200\n200\t300\n300,100\n100 100\n200 100\n";
        let g = read_edge_list(text.as_bytes(), UNDIRECTED).unwrap();
        assert_eq!(g.node_count(), 3);
        assert_eq!(g.edge_count(), 3);
        assert_eq!(g.cleanup().self_loops_removed, 1);
        assert_eq!(g.cleanup().duplicate_edges_removed, 1);
        assert_eq!(g.original_id(NodeId(0)), 100);
        assert_eq!(g.original_id(NodeId(2)), 300);
    }

    #[test]
    fn malformed_line_names_its_number() {
        let err = read_edge_list("1 2\n# x\n3 x\n".as_bytes(), UNDIRECTED).unwrap_err();
        assert_eq!(err.to_string(), "line 3: the second node id \"x\" is not a non-negative integer");
        let err = read_edge_list("1 2\n7\n".as_bytes(), UNDIRECTED).unwrap_err();
        assert!(err.to_string().starts_with("line 2: expected two node ids"), "{err}");
        let err = read_edge_list("1 -2\n".as_bytes(), UNDIRECTED).unwrap_err();
        assert!(err.to_string().starts_with("line 1:"), "{err}");
    }

    #[test]
    fn tie_strength_column_is_read_and_checked() {
        let opts = EdgeListOptions { directed: true, weight_column: true };
        let g = read_edge_list("1 2 0.9\n1 3 0.1\n".as_bytes(), opts).unwrap();
        assert_eq!(g.weights(NodeId(0)).unwrap(), &[0.9, 0.1]);
        let err = read_edge_list("1 2 0.9\n1 3 1.5\n".as_bytes(), opts).unwrap_err();
        assert_eq!(err.to_string(), "line 2: tie strength \"1.5\" is not a number in [0, 1]");
    }

    #[test]
    fn gzip_is_detected() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"1 2\n2 3\n").unwrap();
        let bytes = enc.finish().unwrap();
        let g = read_edge_list(&bytes[..], UNDIRECTED).unwrap();
        assert_eq!(g.edge_count(), 2);
    }

    #[test]
    fn large_and_small_ids_map_in_order_of_appearance() {
        let big = 1u64 << 40;
        let g = read_edge_list(format!("{big} 3\n3 {}\n", big + 1).as_bytes(), UNDIRECTED).unwrap();
        assert_eq!([g.original_id(NodeId(0)), g.original_id(NodeId(1)), g.original_id(NodeId(2))], [big, 3, big + 1]);
        assert_eq!(g.edge_count(), 2);
    }

    #[test]
    fn empty_input_is_an_error() {
        assert!(matches!(read_edge_list("# nothing\n".as_bytes(), UNDIRECTED), Err(GraphError::Empty)));
    }
}
