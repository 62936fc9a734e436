//! Reading real social graphs from edge lists.
//!
//! Format: one edge per line, `a b`, with the two node ids separated by spaces, tabs
//! or a comma; an optional third column is the tie strength in [0, 1] when asked for
//! (other extra columns are ignored). Lines starting with `#` or `%` and blank lines
//! are skipped. Ids are any non-negative integers; they are mapped to dense ids in
//! order of first appearance. Gzip input is detected by its magic bytes. Self-loops and
//! repeated edges are removed when freezing and counted in the cleanup report.

use super::{GraphError, NEUTRAL_TIE, SocialGraph};
use crate::hint::prefetch;
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

/// Parses `a<sep>b[<sep>rest]` where a and b are decimal u64 and the separators are
/// runs of spaces, tabs or commas; None for anything else (overflow included).
#[inline]
fn two_ids(line: &[u8]) -> Option<(u64, u64, &[u8])> {
    fn number(s: &[u8]) -> Option<(u64, &[u8])> {
        let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || digits > 19 {
            return None;
        }
        let mut x = 0u64;
        for &c in &s[..digits] {
            x = x * 10 + (c - b'0') as u64;
        }
        Some((x, &s[digits..]))
    }
    fn separator(s: &[u8]) -> &[u8] {
        let k = s.iter().take_while(|&&c| c == b' ' || c == b'\t' || c == b',').count();
        &s[k..]
    }
    let (a, rest) = number(line)?;
    let after = separator(rest);
    if after.len() == rest.len() {
        return None; // no separator
    }
    let (b, rest) = number(after)?;
    let tail = separator(rest);
    if !rest.is_empty() && tail.len() == rest.len() {
        return None; // junk glued to the second id
    }
    Some((a, b, tail))
}

/// Ids below this are mapped through a direct table (at most 64 MiB), not a hash map.
const DIRECT_ID_LIMIT: u64 = 1 << 24;

/// Dense ids in order of first appearance. Small ids (most files: SNAP's are below the
/// node count times a few) go through a direct table, larger ones through a hash map
/// (FxHash: SipHash took 56% of loading time on a 20M-line edge list; ids come from the
/// user's own file, so hash flooding is no concern).
#[derive(Default)]
struct IdMap {
    direct: Vec<u32>,
    hashed: FxHashMap<u64, u32>,
    original: Vec<u64>,
}

impl IdMap {
    #[inline]
    fn dense(&mut self, id: u64) -> u32 {
        if id < DIRECT_ID_LIMIT {
            let i = id as usize;
            if i >= self.direct.len() {
                let len = (i + 1).max(self.direct.len() * 2).min(DIRECT_ID_LIMIT as usize);
                self.direct.resize(len, u32::MAX);
            }
            if self.direct[i] == u32::MAX {
                self.direct[i] = self.original.len() as u32;
                self.original.push(id);
            }
            return self.direct[i];
        }
        let original = &mut self.original;
        *self.hashed.entry(id).or_insert_with(|| {
            original.push(id);
            (original.len() - 1) as u32
        })
    }

    /// Starts loading the table entry of `id`.
    #[inline]
    fn prefetch(&self, id: u64) {
        if let Some(slot) = self.direct.get(id as usize) {
            prefetch(slot);
        }
    }
}

/// Lines parsed ahead of mapping their ids: the id table is read at random (an 8 MB
/// table for 2 million ids), so a batch's entries are prefetched before they are
/// mapped in file order (20M-line file: 7.2-7.8 s without, 5.7-6.3 s with).
const ID_BATCH: usize = 32;

/// Edges read so far: dense ids, and weights only when the file has them (8 bytes an
/// edge instead of 12: 0.4 GB less for a 100-million-line file).
#[derive(Default)]
struct Edges {
    ends: Vec<(u32, u32)>,
    weights: Vec<f32>,
}

impl Edges {
    #[inline]
    fn push(&mut self, a: u32, b: u32, weight: Option<f32>) {
        self.ends.push((a, b));
        if let Some(w) = weight {
            self.weights.push(w);
        }
    }
}

fn flush(batch: &mut Vec<(u64, u64, Option<f32>)>, ids: &mut IdMap, edges: &mut Edges) {
    for &(a, b, _) in batch.iter() {
        ids.prefetch(a);
        ids.prefetch(b);
    }
    for &(a, b, w) in batch.iter() {
        let (a, b) = (ids.dense(a), ids.dense(b));
        edges.push(a, b, w);
    }
    batch.clear();
}

fn parse(mut reader: impl BufRead, options: EdgeListOptions) -> Result<SocialGraph, GraphError> {
    let mut ids = IdMap::default();
    let mut edges = Edges::default();
    let mut batch: Vec<(u64, u64, Option<f32>)> = Vec::with_capacity(ID_BATCH);
    let mut line = String::new();
    let mut number = 0u64;
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        bytes.clear();
        if reader.read_until(b'\n', &mut bytes)? == 0 {
            break;
        }
        number += 1;
        let raw = bytes.trim_ascii();
        if raw.is_empty() || raw[0] == b'#' || raw[0] == b'%' {
            continue;
        }
        // Fast path: two decimal ids straight from the bytes (no UTF-8 check, no
        // iterator); anything else goes through the careful path below, which also
        // writes the error messages.
        if let Some((a, b, rest)) = two_ids(raw) {
            // None: the weight needs the careful path; Some(None): no weight column.
            let weight = if options.weight_column {
                match std::str::from_utf8(rest).ok().and_then(|t| t.trim().parse::<f32>().ok()) {
                    Some(w) if (0.0..=1.0).contains(&w) && !rest.trim_ascii().is_empty() => Some(Some(w)),
                    _ => None,
                }
            } else {
                Some(None)
            };
            if let Some(weight) = weight {
                batch.push((a, b, weight));
                if batch.len() == ID_BATCH {
                    flush(&mut batch, &mut ids, &mut edges);
                }
                continue;
            }
        }
        // Earlier lines get their ids first.
        flush(&mut batch, &mut ids, &mut edges);
        line.clear();
        line.push_str(&String::from_utf8_lossy(raw));
        let text = line.trim();
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
                fields.next().ok_or_else(|| bad("expected a third column with the edge weight in [0, 1]".into()))?;
            match field.parse::<f32>() {
                Ok(w) if (0.0..=1.0).contains(&w) => Some(w),
                _ => return Err(bad(format!("edge weight {field:?} is not a number in [0, 1]"))),
            }
        } else {
            None
        };
        let (a, b) = (ids.dense(a), ids.dense(b));
        edges.push(a, b, weight);
    }
    flush(&mut batch, &mut ids, &mut edges);
    if edges.ends.is_empty() {
        return Err(GraphError::Empty);
    }
    let (n, original) = (ids.original.len(), ids.original);
    // Straight to CSR arrays: a petgraph graph in between doubled the memory and took
    // half of the loading time (docs/PERFORMANCE.md).
    let Edges { ends, weights } = edges;
    let arcs = || ends.iter().enumerate().map(|(i, &(a, b))| (a, b, weights.get(i).copied().unwrap_or(NEUTRAL_TIE)));
    SocialGraph::freeze(n, options.directed, options.weight_column, true, Some(original), arcs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::NodeId;
    use std::io::Write;

    const UNDIRECTED: EdgeListOptions = EdgeListOptions { directed: false, weight_column: false };

    #[test]
    fn reads_mixed_separators_comments_and_remaps_ids() {
        let text = "# comment\n% also\n\n100 200\n200\t300\n300,100\n100 100\n200 100\n300 200\n300 200\n";
        let g = read_edge_list(text.as_bytes(), UNDIRECTED).unwrap();
        assert_eq!(g.node_count(), 3);
        assert_eq!(g.edge_count(), 3);
        assert_eq!(g.cleanup().self_loops_removed, 1);
        // `200 100` and `300 200` list two friendships the other way; the second
        // `300 200` is a repeat.
        assert_eq!((g.cleanup().listed_both_ways, g.cleanup().duplicate_edges_removed), (2, 1));
        assert_eq!(g.original_id(NodeId(0)), 100);
        assert_eq!(g.original_id(NodeId(2)), 300);
    }

    #[test]
    fn ids_keep_file_order_across_batches_and_both_parsing_paths() {
        // "+k" ids take the careful path; batches of ID_BATCH lines are mapped late.
        let mut text = String::new();
        let mut expected = Vec::new();
        for i in 0..3 * ID_BATCH as u64 + 5 {
            let (a, b) = (1_000_000 - 7 * i, (1u64 << 40) + i); // direct table and hash map
            if i % 10 == 3 {
                text.push_str(&format!("+{a} {b}\n"));
            } else {
                text.push_str(&format!("{a}\t{b}\n"));
            }
            expected.extend([a, b]);
        }
        let g = read_edge_list(text.as_bytes(), UNDIRECTED).unwrap();
        let got: Vec<u64> = (0..g.node_count() as u32).map(|v| g.original_id(NodeId(v))).collect();
        assert_eq!(got, expected);
        assert_eq!(g.edge_count(), 3 * ID_BATCH + 5);
        for v in (0..g.node_count() as u32).step_by(2) {
            assert_eq!(g.neighbours(NodeId(v)), &[v + 1]);
        }
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
    fn weight_column_is_read_and_checked() {
        let opts = EdgeListOptions { directed: true, weight_column: true };
        let g = read_edge_list("1 2 0.9\n1 3 0.1\n".as_bytes(), opts).unwrap();
        assert_eq!(g.weights(NodeId(0)).unwrap(), &[0.9, 0.1]);
        let err = read_edge_list("1 2 0.9\n1 3 1.5\n".as_bytes(), opts).unwrap_err();
        assert_eq!(err.to_string(), "line 2: edge weight \"1.5\" is not a number in [0, 1]");
        let err = read_edge_list("1 2\n1 3\n".as_bytes(), opts).unwrap_err();
        assert_eq!(err.to_string(), "line 1: expected a third column with the edge weight in [0, 1]");
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
    fn fast_path_agrees_with_careful_path_on_odd_lines() {
        assert_eq!(two_ids(b"12 34"), Some((12, 34, &b""[..])));
        assert_eq!(two_ids(b"12,\t34 0.5"), Some((12, 34, &b"0.5"[..])));
        assert_eq!(two_ids(b"12 34x"), None);
        assert_eq!(two_ids(b"1234"), None);
        assert_eq!(two_ids(b"99999999999999999999 1"), None);
        // Lines the fast path declines still load (or fail) exactly as before.
        let g = read_edge_list("  7 ,  8  \r\n8\t9\n".as_bytes(), UNDIRECTED).unwrap();
        assert_eq!(g.edge_count(), 2);
        let err = read_edge_list("1 2x\n".as_bytes(), UNDIRECTED).unwrap_err();
        assert_eq!(err.to_string(), "line 1: the second node id \"2x\" is not a non-negative integer");
    }

    #[test]
    fn empty_input_is_an_error() {
        assert!(matches!(read_edge_list("# nothing\n".as_bytes(), UNDIRECTED), Err(GraphError::Empty)));
    }
}
