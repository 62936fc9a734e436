//! Reading real social graphs from edge lists.
//!
//! Format: one edge per line, `a b`, with the two node ids separated by spaces, tabs
//! or a comma; an optional third column is the tie strength in [0, 1] when asked for
//! (other extra columns are ignored). Lines starting with `#` or `%` and blank lines
//! are skipped. Ids are non-negative integers ([`IdFormat::Integer`]), or any text
//! without separators ([`IdFormat::Text`], e.g. WeChat openids); they are mapped to
//! dense ids in order of first appearance. Gzip input is detected by its magic bytes.
//! Self-loops and repeated edges are removed when freezing and counted in the cleanup
//! report.

use super::{GraphError, NEUTRAL_TIE, OriginalIds, SocialGraph};
use crate::hint::prefetch;
use indexmap::IndexSet;
use rustc_hash::{FxBuildHasher, FxHashMap};
use std::io::{BufRead, BufReader, Read, Seek};
use std::ops::Range;

/// How to read an edge list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EdgeListOptions {
    /// Whether `a b` means only a can reach b.
    pub directed: bool,
    /// Whether the third column is a tie strength in [0, 1] (required on every line).
    pub weight_column: bool,
    /// What the ids are.
    pub ids: IdFormat,
}

/// What the ids of an edge list are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdFormat {
    /// Non-negative integers below 2^64, compared as numbers (`007` is `7`); anything
    /// else is an error naming its line (SNAP files, database keys).
    #[default]
    Integer,
    /// Any UTF-8 text without spaces, tabs or commas, compared as written (WeChat
    /// openids, user names; `007` and `7` are two people), less the double quotes a
    /// CSV writer may put around an id.
    Text,
}

impl IdFormat {
    /// The scenario's spelling.
    pub fn name(self) -> &'static str {
        match self {
            IdFormat::Integer => "integer",
            IdFormat::Text => "text",
        }
    }
}

/// Reads an edge list (plain or gzip) and freezes it.
///
/// # Errors
/// [`GraphError::BadLine`] names the 1-based line of the first malformed line;
/// [`GraphError::Io`] for read or gzip errors; [`GraphError::Empty`] when there is no edge.
///
/// With more than one thread in rayon's current pool, lines are read and parsed on a
/// thread of their own while the calling thread maps ids, and the graph is frozen on
/// the pool's threads; the graph is the same on any number of threads.
///
/// # Complexity
/// O(m) time plus one hash lookup per id.
pub fn read_edge_list(reader: impl Read + Send, options: EdgeListOptions) -> Result<SocialGraph, GraphError> {
    read_edge_list_within(reader, options, None)
}

/// As [`read_edge_list`], stopping with [`GraphError::TooLarge`] as soon as the lines
/// and people read so far show that the graph would need more than `memory_budget`
/// bytes ([`EdgeListSize::memory_bytes`]): the check before reading estimates from a
/// sample, and a file unlike its sample (a gzipped one whose first megabytes are not
/// typical) is then refused here, before memory runs out, rather than aborted by the
/// system.
///
/// # Errors
/// As [`read_edge_list`], and [`GraphError::TooLarge`].
pub fn read_edge_list_within(
    reader: impl Read + Send,
    options: EdgeListOptions,
    memory_budget: Option<f64>,
) -> Result<SocialGraph, GraphError> {
    let mut buffered = BufReader::with_capacity(1 << 20, reader);
    let is_gzip = buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    if is_gzip {
        let decoder = flate2::bufread::MultiGzDecoder::new(buffered);
        parse(BufReader::with_capacity(1 << 20, decoder), options, memory_budget)
    } else {
        parse(buffered, options, memory_budget)
    }
}

/// What an edge list will hold, estimated before reading it: from the whole file when
/// it is at most [`SAMPLE_BYTES`] (decompressed), else from its first
/// [`SAMPLE_BYTES`], scaled by the share of the file they came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeListSize {
    /// Edge lines (comments and blank lines excluded).
    pub lines: f64,
    /// Distinct ids: counted, or estimated (see [`estimate_edge_list`]).
    pub nodes: f64,
    /// Whether the whole file was read (then both figures are exact).
    pub exact: bool,
    /// For text ids, their mean length in bytes among the distinct ids seen (None for
    /// integer ids).
    pub text_id_len: Option<f64>,
}

impl EdgeListSize {
    /// Peak bytes to read and freeze the graph: per line, the parsed pair (8) and
    /// weight (4), and the frozen arcs (4 per target and 4 per weight, one arc per line
    /// directed, two undirected; with weights the arcs are sorted as pairs and then
    /// split, so their 8 bytes and the split copies coexist); per person, degrees,
    /// offsets and cursors (16) and the id map: for integer ids a table entry and the
    /// original id (12), for text ids the map's entry and index with their growth
    /// slack (64), and for an id longer than 30 bytes the allocation of its text (its
    /// length plus 8, rounded up to 16, at least 32).
    /// The 20M-line benchmark file peaks at 362 MB against 432 MB here: its 2 million
    /// people are counted as one per five lines (docs/PERFORMANCE.md).
    pub fn memory_bytes(&self, directed: bool, weights: bool) -> f64 {
        let arcs = if directed { 1.0 } else { 2.0 };
        let per_line = match weights {
            false => 8.0 + 4.0 * arcs,
            true => 12.0 + 16.0 * arcs,
        };
        let id_map = match self.text_id_len {
            None => 12.0,
            Some(len) if len <= INLINE_ID as f64 => 64.0,
            Some(len) => 64.0 + text_id_bytes(len),
        };
        self.lines * per_line + self.nodes * (16.0 + id_map)
    }

    /// Bytes of the frozen graph: offsets (4) and original ids (8 per integer id, or
    /// the box and the text's allocation per text id) per person, and per line one arc
    /// (directed) or two, of a target (4) and a weight (4).
    pub fn frozen_bytes(&self, directed: bool, weights: bool) -> f64 {
        let arcs = if directed { 1.0 } else { 2.0 };
        let id = match self.text_id_len {
            None => 8.0,
            Some(len) => 16.0 + text_id_bytes(len),
        };
        self.nodes * (4.0 + id) + self.lines * arcs * if weights { 8.0 } else { 4.0 }
    }
}

/// Heap bytes of a text id of `len` bytes: the allocator's 8-byte header, rounded up
/// to 16 bytes, at least 32 (glibc's smallest chunk).
fn text_id_bytes(len: f64) -> f64 {
    (((len + 8.0) / 16.0).ceil() * 16.0).max(32.0)
}

/// The longest line an edge list may have: a longer one is an error (a file with no
/// line breaks would otherwise be read whole into memory as one line).
const MAX_LINE: u64 = 1 << 20;

/// Appends the next line of `reader` (with its `\n`, if any) to `line`, stopping once
/// it is past [`MAX_LINE`] bytes; false at the end of the input. (As `read_until`, with
/// a bound: `read_until` through `Read::take` made loading 6% slower, and a search by
/// `Iterator::position` 5%; with `memchr`, loading is as fast as before.)
#[inline]
fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> std::io::Result<bool> {
    let mut any = false;
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(any);
        }
        any = true;
        if let Some(i) = memchr::memchr(b'\n', buf) {
            line.extend_from_slice(&buf[..=i]);
            reader.consume(i + 1);
            return Ok(true);
        }
        let n = buf.len();
        line.extend_from_slice(buf);
        reader.consume(n);
        if line.len() as u64 > MAX_LINE {
            return Ok(true);
        }
    }
}

/// How much of an edge list [`estimate_edge_list`] reads (decompressed).
pub const SAMPLE_BYTES: usize = 8 << 20;

/// Parts a plain file's sample is taken in, spread evenly over the file.
const SAMPLE_PARTS: u64 = 16;

/// What a sample of lines holds: lines, distinct ids, and the bytes read.
#[derive(Default)]
struct Sample {
    lines: u64,
    bytes: usize,
    numbers: rustc_hash::FxHashSet<u64>,
    texts: rustc_hash::FxHashSet<Box<[u8]>>,
}

impl Sample {
    /// Counts one line (with its `\n`) of the file.
    fn add(&mut self, line: &[u8], ids: IdFormat) {
        self.bytes += line.len();
        let raw = line.trim_ascii();
        if raw.is_empty() || raw[0] == b'#' || raw[0] == b'%' {
            return;
        }
        self.lines += 1;
        match ids {
            IdFormat::Integer => {
                if let Some((a, b, _)) = two_ids(raw) {
                    self.numbers.insert(a);
                    self.numbers.insert(b);
                }
            }
            IdFormat::Text => {
                for field in raw.split(|&c| is_separator(c)).filter(|f| !f.is_empty()).take(2) {
                    let field = std::str::from_utf8(field).map_or(field, |f| unquote(f).as_bytes());
                    if !self.texts.contains(field) {
                        self.texts.insert(field.into());
                    }
                }
            }
        }
    }

    fn distinct(&self) -> usize {
        self.numbers.len() + self.texts.len()
    }
}

/// Estimates an edge list's lines and people before reading it.
///
/// A file of at most [`SAMPLE_BYTES`] (decompressed) is read whole, and both figures
/// are exact. Of a larger plain file, [`SAMPLE_BYTES`] are read in 16 parts spread
/// evenly over it, so that a file whose beginning is not typical (a long header, longer
/// lines first) is still sized right; of a larger gzipped file, which cannot be read
/// from the middle, its first [`SAMPLE_BYTES`] (the loader then stops a file that
/// outgrows its memory budget as it reads it, [`read_edge_list_within`]). Lines: the
/// sample's lines per byte of file (gzip's compression included). People: those seen,
/// or for a larger file the number of people that random ends would need to show as
/// many distinct ids as the sample does (n with n (1 − e^(−2l/n)) = d for l lines and
/// d ids), and at least one per five lines (a mean degree of 10), at most two per line.
///
/// # Errors
/// Reading or decompressing the file; a path that is not a regular file (a pipe, read
/// once, is left unread).
pub fn estimate_edge_list(path: &std::path::Path, ids: IdFormat) -> std::io::Result<EdgeListSize> {
    /// Counts the bytes read from the file (compressed, for gzip).
    struct Counting<R> {
        inner: R,
        read: u64,
    }
    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read += n as u64;
            Ok(n)
        }
    }
    let mut file = std::fs::File::open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        // A pipe (`fission graph <(zcat edges.gz)`): what the sample read, the loader
        // would no longer see.
        return Err(std::io::Error::other("not a regular file: its size is unknown"));
    }
    let file_len = metadata.len();
    let mut sample = Sample::default();
    let mut line = Vec::new();
    let mut head = [0u8; 2];
    let is_gzip = file.read(&mut head)? == 2 && head == [0x1f, 0x8b];
    file.seek(std::io::SeekFrom::Start(0))?;
    let share = if !is_gzip {
        if file_len <= SAMPLE_BYTES as u64 {
            let mut r = BufReader::with_capacity(1 << 16, file);
            loop {
                line.clear();
                if !read_line(&mut r, &mut line)? {
                    break;
                }
                sample.add(&line, ids);
            }
            return Ok(sample.size(ids, true, 1.0));
        }
        // Parts spread over the file, each starting at the line after its offset.
        let part = SAMPLE_BYTES as u64 / SAMPLE_PARTS;
        for i in 0..SAMPLE_PARTS {
            let offset = (file_len - part) * i / (SAMPLE_PARTS - 1);
            file.seek(std::io::SeekFrom::Start(offset))?;
            let mut r = BufReader::with_capacity(1 << 16, &file);
            if i > 0 {
                line.clear();
                read_line(&mut r, &mut line)?;
            }
            let start = sample.bytes;
            while ((sample.bytes - start) as u64) < part {
                line.clear();
                if !read_line(&mut r, &mut line)? || line.len() as u64 > MAX_LINE {
                    // The end, or not an edge list past here (the loader will say so).
                    break;
                }
                sample.add(&line, ids);
            }
        }
        (sample.bytes as f64 / file_len as f64).clamp(1e-12, 1.0)
    } else {
        let raw = BufReader::with_capacity(1 << 16, Counting { inner: file, read: 0 });
        let mut r = BufReader::with_capacity(1 << 16, flate2::bufread::MultiGzDecoder::new(raw));
        loop {
            if sample.bytes >= SAMPLE_BYTES {
                break;
            }
            line.clear();
            if !read_line(&mut r, &mut line)? {
                return Ok(sample.size(ids, true, 1.0));
            }
            if line.len() as u64 > MAX_LINE {
                break;
            }
            sample.add(&line, ids);
        }
        // The share of the file the sample came from: the compressed bytes read, less
        // those not yet inflated and those inflated but not yet taken (converted at
        // the sample's compression ratio).
        let raw = r.get_ref().get_ref();
        let (read, pending) = (raw.get_ref().read as f64, raw.buffer().len() as f64);
        let ratio = (read - pending) / (sample.bytes + r.buffer().len()).max(1) as f64;
        let ahead = pending + r.buffer().len() as f64 * ratio;
        ((read - ahead) / file_len.max(1) as f64).clamp(1e-12, 1.0)
    };
    Ok(sample.size(ids, false, share))
}

impl Sample {
    /// The file's size from this sample, which is `share` of the file.
    fn size(&self, ids: IdFormat, exact: bool, share: f64) -> EdgeListSize {
        let seen = self.distinct() as f64;
        let text_id_len = match ids {
            IdFormat::Integer => None,
            IdFormat::Text => {
                Some(self.texts.iter().map(|t| t.len()).sum::<usize>() as f64 / self.texts.len().max(1) as f64)
            }
        };
        if exact {
            return EdgeListSize { lines: self.lines as f64, nodes: seen, exact, text_id_len };
        }
        let sample = self.lines as f64;
        let total = (sample / share).max(sample);
        // n (1 − e^(−2l/n)) grows with n towards 2l: bisect for d (geometric steps).
        let shows = |n: f64| n * (1.0 - (-2.0 * sample / n).exp());
        let random_ends = if seen >= 2.0 * sample || shows(2.0 * total) < seen {
            2.0 * total
        } else {
            let (mut lo, mut hi) = (seen.max(1.0), 2.0 * total);
            for _ in 0..100 {
                let mid = (lo * hi).sqrt();
                if shows(mid) < seen { lo = mid } else { hi = mid }
            }
            hi
        };
        let nodes = random_ends.max(total / 5.0).clamp(seen, 2.0 * total);
        EdgeListSize { lines: total, nodes, exact, text_id_len }
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
        let k = s.iter().take_while(|&&c| is_separator(c)).count();
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

/// Whether `c` separates the columns of a line: a comma or ASCII white space (spaces
/// and tabs; a carriage return is trimmed from the line's end before).
#[inline]
fn is_separator(c: u8) -> bool {
    c == b',' || c.is_ascii_whitespace()
}

/// Splits `a<sep>b[<sep>rest]` into two text ids and the rest, the separators being
/// runs of [`is_separator`]: the byte ranges of the two ids and where the rest starts;
/// None when the line does not start with an id followed by another (a leading
/// separator goes to the careful path).
#[inline]
fn two_tokens(line: &[u8]) -> Option<(Range<usize>, Range<usize>, usize)> {
    let token_end = |from: usize| line[from..].iter().position(|&c| is_separator(c)).map_or(line.len(), |k| from + k);
    let skip = |from: usize| line[from..].iter().position(|&c| !is_separator(c)).map_or(line.len(), |k| from + k);
    let a = token_end(0);
    if a == 0 || a == line.len() {
        return None;
    }
    let b_start = skip(a);
    let b = token_end(b_start);
    if b == b_start {
        return None;
    }
    Some((0..a, b_start..b, skip(b)))
}

/// Ids below this are mapped through a direct table (at most 64 MiB), not a hash map.
const DIRECT_ID_LIMIT: u64 = 1 << 24;

/// Dense ids in order of first appearance. Small ids (most files: SNAP's are below the
/// node count times a few) go through a direct table, larger ones through a hash map
/// (FxHash: SipHash took 56% of loading time on a 20M-line edge list; ids come from the
/// user's own file, so hash flooding is no concern).
///
/// Text ids go through an insertion-ordered set, whose index is the dense id.
#[derive(Default)]
struct IdMap {
    direct: Vec<u32>,
    hashed: FxHashMap<u64, u32>,
    original: Vec<u64>,
    text: IndexSet<TextKey, FxBuildHasher>,
}

/// Bytes of a text id kept in the map's entry itself (a WeChat openid has 28).
const INLINE_ID: usize = 30;

/// A text id as the id map keeps it: up to [`INLINE_ID`] bytes in the entry, so that
/// comparing an id with the entry found reads memory the lookup has just loaded rather
/// than a separate allocation (20M lines of 28-byte ids on 2 threads: 9.1–10.1 s,
/// against 14.4–15.5 s boxed; docs/PERFORMANCE.md); longer ids are boxed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TextKey {
    Inline { len: u8, bytes: [u8; INLINE_ID] },
    Boxed(Box<str>),
}

impl TextKey {
    fn new(id: &str) -> Self {
        if id.len() <= INLINE_ID {
            let mut bytes = [0; INLINE_ID];
            bytes[..id.len()].copy_from_slice(id.as_bytes());
            TextKey::Inline { len: id.len() as u8, bytes }
        } else {
            TextKey::Boxed(id.into())
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            TextKey::Inline { len, bytes } => &bytes[..*len as usize],
            TextKey::Boxed(id) => id.as_bytes(),
        }
    }

    fn into_boxed_str(self) -> Box<str> {
        match self {
            TextKey::Inline { .. } => {
                String::from_utf8(self.as_bytes().to_vec()).expect("made from a str").into_boxed_str()
            }
            TextKey::Boxed(id) => id,
        }
    }
}

impl std::hash::Hash for TextKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

/// A text id looked up without building its key (hashed as [`TextKey`] is).
#[derive(Hash)]
struct LookUp<'a>(&'a [u8]);

impl indexmap::Equivalent<TextKey> for LookUp<'_> {
    fn equivalent(&self, key: &TextKey) -> bool {
        self.0 == key.as_bytes()
    }
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

    /// The dense id of a text id (one hash per lookup; a new id is copied once).
    #[inline]
    fn dense_text(&mut self, id: &str) -> u32 {
        match self.text.get_index_of(&LookUp(id.as_bytes())) {
            Some(i) => i as u32,
            None => self.text.insert_full(TextKey::new(id)).0 as u32,
        }
    }

    /// The number of distinct ids.
    fn len(&self) -> usize {
        self.original.len() + self.text.len()
    }

    /// The original ids, by dense id.
    fn into_original(self, format: IdFormat) -> OriginalIds {
        match format {
            IdFormat::Integer => OriginalIds::Numbers(self.original),
            IdFormat::Text => OriginalIds::Text(self.text.into_iter().map(TextKey::into_boxed_str).collect()),
        }
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
/// table for 2 million ids), so a group's entries are prefetched before they are
/// mapped in file order (20M-line file: 7.2-7.8 s without, 5.7-6.3 s with).
const ID_BATCH: usize = 32;

/// Edges handed at a time from the thread that reads and parses lines to the one that
/// maps their ids (256 KB of parsed pairs: large enough that handing them over costs
/// nothing, small enough to stay in the second-level cache).
const PARSED_BATCH: usize = 1 << 14;

/// Batches parsed ahead of the mapping thread.
const PARSED_QUEUE: usize = 4;

/// Parsed lines: original ids in file order, and weights only when the file has them.
/// With text ids, the ids are laid end to end in `text` and `ends` holds where each
/// line's first and second id end in it (each id starts where the one before ended).
#[derive(Default)]
struct Parsed {
    ends: Vec<(u64, u64)>,
    weights: Vec<f32>,
    text: String,
}

impl Parsed {
    fn clear(&mut self) {
        self.ends.clear();
        self.weights.clear();
        self.text.clear();
    }
}

/// Edges read so far: dense ids, and weights only when the file has them (8 bytes an
/// edge instead of 12: 0.4 GB less for a 100-million-line file).
#[derive(Default)]
struct Edges {
    ids: IdMap,
    ends: Vec<(u32, u32)>,
    weights: Vec<f32>,
}

impl Edges {
    /// The refusal once the edges read so far show that the graph needs more than
    /// `budget` bytes.
    fn over_budget(&self, options: EdgeListOptions, budget: Option<f64>) -> Option<GraphError> {
        let budget = budget?;
        let size = EdgeListSize {
            lines: self.ends.len() as f64,
            nodes: self.ids.len() as f64,
            exact: false,
            // (Text ids: counted as inline ones, the least they take.)
            text_id_len: (options.ids == IdFormat::Text).then_some(0.0),
        };
        let need = size.memory_bytes(options.directed, options.weight_column);
        (need > budget).then(|| {
            GraphError::TooLarge(format!(
                "after {} lines and {} people, the edge list already needs about {:.1} GB of the {:.1} GB this process may take, and it goes on (it is larger than its sample suggested): use a machine with more memory or a smaller graph",
                self.ends.len(),
                self.ids.len(),
                need / 1e9,
                budget / 1e9
            ))
        })
    }

    /// Maps a batch's ids in file order (so that dense ids follow first appearance),
    /// ID_BATCH lines at a time with their table entries prefetched.
    fn absorb(&mut self, batch: &Parsed, format: IdFormat) {
        if format == IdFormat::Text {
            let mut start = 0;
            for &(a_end, b_end) in &batch.ends {
                let (a_end, b_end) = (a_end as usize, b_end as usize);
                let a = self.ids.dense_text(&batch.text[start..a_end]);
                let b = self.ids.dense_text(&batch.text[a_end..b_end]);
                self.ends.push((a, b));
                start = b_end;
            }
            self.weights.extend_from_slice(&batch.weights);
            return;
        }
        for group in batch.ends.chunks(ID_BATCH) {
            for &(a, b) in group {
                self.ids.prefetch(a);
                self.ids.prefetch(b);
            }
            for &(a, b) in group {
                let (a, b) = (self.ids.dense(a), self.ids.dense(b));
                self.ends.push((a, b));
            }
        }
        self.weights.extend_from_slice(&batch.weights);
    }
}

/// Reads and parses every line of `reader`, handing the edges to `hand` in file order,
/// [`PARSED_BATCH`] at a time (the last batch may be shorter). `hand` returns an empty
/// batch to fill next, or None to stop reading.
fn read_batches(
    mut reader: impl BufRead,
    options: EdgeListOptions,
    hand: impl FnMut(Parsed) -> Option<Parsed>,
) -> Result<(), GraphError> {
    let mut lines = Lines { batch: Parsed::default(), hand, options, number: 0, text: String::new(), any: false };
    let mut carried: Vec<u8> = Vec::new();
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        if buf.is_empty() {
            break;
        }
        // The buffer's whole lines are parsed where they lie (copying each line out
        // made reading the 20M-line benchmark file 12% slower); a line that runs past
        // the buffer is completed by `read_line`.
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', buf) {
            if !lines.line(&buf[start..end])? {
                return Ok(());
            }
            start = end + 1;
        }
        let used = buf.len();
        carried.clear();
        carried.extend_from_slice(&buf[start..]);
        reader.consume(used);
        if !carried.is_empty() {
            read_line(&mut reader, &mut carried)?;
            if !lines.line(&carried)? {
                return Ok(());
            }
        }
    }
    if !lines.batch.ends.is_empty() {
        (lines.hand)(lines.batch);
    }
    Ok(())
}

/// The parsing state of [`read_batches`].
struct Lines<H> {
    batch: Parsed,
    hand: H,
    options: EdgeListOptions,
    /// The last line's 1-based number.
    number: u64,
    /// The careful path's copy of a line.
    text: String,
    /// Whether an edge was read.
    any: bool,
}

impl<H: FnMut(Parsed) -> Option<Parsed>> Lines<H> {
    /// Parses the next line (with or without its `\n`); false when `hand` stops the
    /// reading.
    #[inline]
    fn line(&mut self, bytes: &[u8]) -> Result<bool, GraphError> {
        self.number += 1;
        if bytes.len() as u64 > MAX_LINE {
            return Err(GraphError::BadLine {
                line: self.number,
                message: format!("longer than {} MB: is this an edge list?", MAX_LINE >> 20),
            });
        }
        let mut bytes = bytes;
        if self.number == 1 {
            // Excel's "CSV UTF-8" starts the file with a byte-order mark.
            bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
        }
        let raw = bytes.trim_ascii();
        if raw.is_empty() || raw[0] == b'#' || raw[0] == b'%' {
            return Ok(true);
        }
        if !self.any
            && let Some(names) = header_row(raw)
        {
            return Err(GraphError::BadLine {
                line: self.number,
                message: format!(
                    "looks like a header row ({names}), not a tie between two people: start it with # so that it is read as a comment"
                ),
            });
        }
        let options = self.options;
        if options.ids == IdFormat::Text {
            self.text_line(raw, bytes.len() - bytes.trim_ascii_start().len())?;
        } else {
            // Fast path: two decimal ids straight from the bytes (no UTF-8 check, no
            // iterator); anything else goes through the careful path, which also writes
            // the error messages.
            let fast = two_ids(raw).and_then(|(a, b, rest)| fast_weight(rest, options).map(|w| (a, b, w)));
            let (a, b, weight) = match fast {
                Some(edge) => edge,
                None => {
                    self.text.clear();
                    self.text.push_str(&String::from_utf8_lossy(raw));
                    let first = !self.any;
                    careful(self.text.trim(), self.number, options, first, |field| field.parse::<u64>().ok())?
                }
            };
            self.batch.ends.push((a, b));
            if let Some(w) = weight {
                self.batch.weights.push(w);
            }
        }
        self.any = true;
        if self.batch.ends.len() == PARSED_BATCH {
            match (self.hand)(std::mem::take(&mut self.batch)) {
                Some(empty) => self.batch = empty,
                None => return Ok(false),
            }
        }
        Ok(true)
    }
}

impl<H> Lines<H> {
    /// Parses a line of text ids (not blank, not a comment, trimmed of `lead` bytes of
    /// white space) into the batch.
    #[inline]
    fn text_line(&mut self, raw: &[u8], lead: usize) -> Result<(), GraphError> {
        let line = std::str::from_utf8(raw).map_err(|e| GraphError::BadLine {
            line: self.number,
            message: format!("byte {} is not UTF-8 text, which text ids must be", lead + e.valid_up_to() + 1),
        })?;
        // The separators are ASCII, so the ranges fall between characters.
        let fast = two_tokens(raw)
            .and_then(|(a, b, rest)| fast_weight(&raw[rest..], self.options).map(|w| (&line[a], &line[b], w)));
        let (a, b, weight) = match fast {
            Some(edge) => edge,
            None => careful(line, self.number, self.options, false, Some)?,
        };
        let (a, b) = (unquote(a), unquote(b));
        let batch = &mut self.batch;
        batch.text.push_str(a);
        let a_end = batch.text.len() as u64;
        batch.text.push_str(b);
        batch.ends.push((a_end, batch.text.len() as u64));
        if let Some(w) = weight {
            batch.weights.push(w);
        }
        Ok(())
    }
}

/// The byte-order mark that Excel's "CSV UTF-8" puts at the start of a file.
const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Column names of edge-list exports (after lowercasing and dropping `_`, `-` and
/// spaces, and a trailing `openid`, `id` or `name`; "" is a bare `id`): a first line
/// whose two ids are both among them is a header row, not two people.
const HEADER_WORDS: &[&str] = &[
    "",
    "source",
    "target",
    "src",
    "dst",
    "dest",
    "from",
    "to",
    "inviter",
    "invitee",
    "referrer",
    "referee",
    "referred",
    "user",
    "friend",
    "node",
    "vertex",
    "person",
    "member",
    "follower",
    "followee",
    "sender",
    "receiver",
    "parent",
    "child",
    "邀请人",
    "被邀请人",
    "邀请者",
    "被邀请者",
    "用户",
    "好友",
    "推荐人",
    "被推荐人",
    "上级",
    "下级",
    "来源",
    "目标",
    "分享者",
    "参与者",
];

/// The first two fields of `line`, as written, if both are header words
/// ([`HEADER_WORDS`]) and neither is a number.
fn header_row(line: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(line).ok()?;
    let mut fields = text.split(|c: char| c.is_ascii() && is_separator(c as u8)).filter(|f| !f.is_empty());
    let (a, b) = (unquote(fields.next()?), unquote(fields.next()?));
    let is_header_word = |field: &str| {
        let word: String =
            field.chars().filter(|c| !matches!(c, '_' | '-' | ' ')).flat_map(char::to_lowercase).collect();
        if word.is_empty() {
            return false;
        }
        let word = ["openid", "id", "name"].iter().find_map(|s| word.strip_suffix(s)).unwrap_or(&word);
        HEADER_WORDS.contains(&word)
    };
    (is_header_word(a) && is_header_word(b)).then(|| format!("{a:?}, {b:?}"))
}

/// A text id without the double quotes a CSV writer may put around it.
#[inline]
pub fn unquote(id: &str) -> &str {
    match id.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) if !inner.is_empty() => inner,
        _ => id,
    }
}

/// The fast path's weight from what follows the two ids: None when the weight needs
/// the careful path, Some(None) without a weight column.
#[inline]
fn fast_weight(rest: &[u8], options: EdgeListOptions) -> Option<Option<f32>> {
    if !options.weight_column {
        return Some(None);
    }
    match std::str::from_utf8(rest).ok().and_then(|t| t.trim().parse::<f32>().ok()) {
        Some(w) if (0.0..=1.0).contains(&w) && !rest.trim_ascii().is_empty() => Some(Some(w)),
        _ => None,
    }
}

/// Parses a line the fast path refused, or says what is wrong with it; `parse` reads
/// an id (None: not an id of the file's format, which only integer ids can be).
/// `first`: no edge was read before this line, so an id with letters suggests a file
/// of text ids (or a header) rather than a broken line.
#[cold]
fn careful<'a, T>(
    text: &'a str,
    number: u64,
    options: EdgeListOptions,
    first: bool,
    parse: impl Fn(&'a str) -> Option<T>,
) -> Result<(T, T, Option<f32>), GraphError> {
    let mut fields = text.split(|c: char| c.is_ascii() && is_separator(c as u8)).filter(|f| !f.is_empty());
    let bad = |message: String| GraphError::BadLine { line: number, message };
    let id = |name: &str, field: Option<&'a str>| -> Result<T, GraphError> {
        let field = field.ok_or_else(|| bad(format!("expected two node ids, found {text:?}")))?;
        parse(field).ok_or_else(|| {
            // Letters in the first line's id: a file of names (or a header line).
            let hint = if first && field.bytes().any(|c| !c.is_ascii_digit() && c != b'-' && c != b'+') {
                "; ids that are names are read as text: ids = \"text\" in the scenario's [graph], --text-ids for fission graph (a header line must start with #)"
            } else {
                ""
            };
            bad(format!("the {name} node id {field:?} is not a non-negative integer{hint}"))
        })
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
    Ok((a, b, weight))
}

/// Reads the edge list and freezes it. With more than one worker thread (rayon's
/// current pool), one thread reads, decompresses and parses lines while the calling
/// thread maps their ids, batches passing between them in file order; the graph is the
/// same either way.
fn parse(
    reader: impl BufRead + Send,
    options: EdgeListOptions,
    memory_budget: Option<f64>,
) -> Result<SocialGraph, GraphError> {
    let mut edges = Edges::default();
    let mut too_large = None;
    if rayon::current_num_threads() > 1 {
        let (to_map, parsed) = std::sync::mpsc::sync_channel::<Parsed>(PARSED_QUEUE);
        let (to_reuse, emptied) = std::sync::mpsc::channel::<Parsed>();
        std::thread::scope(|scope| -> Result<(), GraphError> {
            let reading = std::thread::Builder::new().name("fission-read".into()).spawn_scoped(scope, move || {
                read_batches(reader, options, |batch| {
                    to_map.send(batch).ok()?;
                    Some(emptied.try_recv().unwrap_or_default())
                })
            })?;
            for mut batch in parsed {
                edges.absorb(&batch, options.ids);
                if let Some(error) = edges.over_budget(options, memory_budget) {
                    // Dropping the receiver stops the reading thread at its next batch.
                    too_large = Some(error);
                    break;
                }
                batch.clear();
                // The reading thread may have finished: then the batch is dropped.
                let _ = to_reuse.send(batch);
            }
            reading.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })?;
    } else {
        read_batches(reader, options, |mut batch| {
            edges.absorb(&batch, options.ids);
            if let Some(error) = edges.over_budget(options, memory_budget) {
                too_large = Some(error);
                return None;
            }
            batch.clear();
            Some(batch)
        })?;
    }
    if let Some(error) = too_large {
        return Err(error);
    }
    if edges.ends.is_empty() {
        return Err(GraphError::Empty);
    }
    let Edges { ids, ends, weights } = edges;
    let (n, original) = (ids.len(), ids.into_original(options.ids));
    // Straight to CSR arrays: a petgraph graph in between doubled the memory and took
    // half of the loading time (docs/PERFORMANCE.md).
    let arcs = || ends.iter().enumerate().map(|(i, &(a, b))| (a, b, weights.get(i).copied().unwrap_or(NEUTRAL_TIE)));
    SocialGraph::freeze(n, options.directed, options.weight_column, true, Some(original), arcs, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{NodeId, OriginalId};
    use std::io::Write;

    const UNDIRECTED: EdgeListOptions =
        EdgeListOptions { directed: false, weight_column: false, ids: IdFormat::Integer };

    #[test]
    fn a_line_without_end_is_an_error_not_a_memory_hog() {
        // Two good lines, then 3 MB with no line break.
        let mut text = b"1 2\n2 3\n".to_vec();
        text.resize(text.len() + (3 << 20), b'7');
        let err = read_edge_list(&text[..], UNDIRECTED).unwrap_err().to_string();
        assert!(err.contains("line 3") && err.contains("longer than 1 MB"), "{err}");
        // A last line without a line break is still read.
        let g = read_edge_list(&b"1 2\n2    3"[..], UNDIRECTED).unwrap();
        assert_eq!(g.edge_count(), 2);
    }

    #[test]
    fn a_small_edge_list_is_sized_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.txt");
        std::fs::write(&path, "# c\n% c\n\n1 2\n2 3\n3,1\n7 7\n").unwrap();
        let size = estimate_edge_list(&path, IdFormat::Integer).unwrap();
        assert_eq!(size, EdgeListSize { lines: 4.0, nodes: 4.0, exact: true, text_id_len: None });
        let named = dir.path().join("t.txt");
        std::fs::write(&named, "# c\nab cd\ncd,efgh\n\"ab\" ab\n").unwrap(); // "ab" is ab
        let size = estimate_edge_list(&named, IdFormat::Text).unwrap();
        assert_eq!(size, EdgeListSize { lines: 3.0, nodes: 3.0, exact: true, text_id_len: Some(8.0 / 3.0) });
        assert!(estimate_edge_list(&dir.path().join("missing.txt"), IdFormat::Integer).is_err());
    }

    #[test]
    fn a_large_edge_list_is_sized_from_its_first_megabytes() {
        // 1.5 million lines with random ends among 400,000 ids (about 20 MB, past the
        // sample), plain and gzipped. The sample's bytes per line estimate the lines:
        // over its ~600,000 lines, whose lengths vary by about a tenth, its mean has a
        // relative standard error near 1.3e-4 (gzip's ratio is as steady on this
        // uniform text), so 0.5% is far outside chance. Random ends are what the people
        // estimate assumes: it should find the distinct ids the file holds, whose own
        // spread is about 0.1%.
        let (lines, ids) = (1_500_000u64, 400_000u64);
        let mut text = String::from("# a comment\n");
        let mut x = 12345u64;
        let mut seen = std::collections::HashSet::new();
        for _ in 0..lines {
            let mut next = || {
                x = crate::rng::splitmix64(x);
                x % ids + 1000
            };
            let (a, b) = (next(), next());
            seen.insert(a);
            seen.insert(b);
            text.push_str(&format!("{a}\t{b}\n"));
        }
        assert!(text.len() > 2 * SAMPLE_BYTES);
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("e.txt");
        std::fs::write(&plain, &text).unwrap();
        let gz = dir.path().join("e.txt.gz");
        let mut encoder =
            flate2::write::GzEncoder::new(std::fs::File::create(&gz).unwrap(), flate2::Compression::fast());
        encoder.write_all(text.as_bytes()).unwrap();
        encoder.finish().unwrap();
        for path in [plain, gz] {
            let size = estimate_edge_list(&path, IdFormat::Integer).unwrap();
            assert!(!size.exact);
            assert!((size.lines / lines as f64 - 1.0).abs() < 0.005, "{path:?}: {size:?}");
            assert!((size.nodes / seen.len() as f64 - 1.0).abs() < 0.01, "{path:?}: {size:?} for {}", seen.len());
        }
    }

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
        let got: Vec<OriginalId> = (0..g.node_count() as u32).map(|v| g.original_id(NodeId(v))).collect();
        assert_eq!(got, expected.into_iter().map(OriginalId::Number).collect::<Vec<_>>());
        assert_eq!(g.edge_count(), 3 * ID_BATCH + 5);
        for v in (0..g.node_count() as u32).step_by(2) {
            assert_eq!(g.neighbours(NodeId(v)), &[v + 1]);
        }
    }

    #[test]
    fn reading_on_one_or_two_threads_gives_the_same_graph_and_errors() {
        // Several parsed batches and read buffers (lines cut at the 1 MB buffer's end),
        // comments, careful-path lines and weights; then the same file with a bad line.
        let lines = 7 * PARSED_BATCH + 20_000;
        let mut text = String::from("# a comment\n");
        let mut expected = Vec::new();
        for i in 0..lines as u64 {
            let (a, b) = ((i * 7919) % 50_021, (i * 104_729) % 49_999 + (i % 3) * (1 << 40));
            let w = (i % 5) as f32 / 4.0;
            match i % 1000 {
                7 => text.push_str(&format!(" +{a}, {b} {w}  \r\n")),
                8 => text.push_str(&format!("% another comment\n\n{a} {b} {w}\n")),
                _ => text.push_str(&format!("{a}\t{b}\t{w}\n")),
            }
            expected.push((a, b, w));
        }
        assert!(text.len() > 2 << 20, "the text spans several read buffers");
        let options = EdgeListOptions { directed: true, weight_column: true, ..Default::default() };
        let on = |threads: usize, text: &str| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| read_edge_list(text.as_bytes(), options))
        };
        let (one, two) = (on(1, &text).unwrap(), on(2, &text).unwrap());
        assert_eq!(one.edge_count(), two.edge_count());
        let ids = one.original_id_index();
        for g in [&one, &two] {
            for v in 0..g.node_count() as u32 {
                assert_eq!(g.original_id(NodeId(v)), one.original_id(NodeId(v)));
                assert_eq!(g.neighbours(NodeId(v)), one.neighbours(NodeId(v)));
                assert_eq!(g.weights(NodeId(v)), one.weights(NodeId(v)));
            }
            // Every line's arc (but self-loops) is there with its weight (no pair of
            // ids repeats, so no weight was replaced by a repeat's).
            for &(a, b, w) in expected.iter().filter(|e| e.0 != e.1) {
                let (a, b) = (ids[&OriginalId::Number(a)], ids[&OriginalId::Number(b)]);
                let at = g.neighbours(a).binary_search(&b.0).unwrap();
                assert_eq!(g.weights(a).unwrap()[at], w);
            }
        }
        // A bad line in the third batch: both name it (lines counted across batches and
        // buffers, comments and blank lines included).
        let bad_at = text.split_inclusive('\n').take(2 * PARSED_BATCH + 500).map(str::len).sum::<usize>();
        let mut broken = text.clone();
        broken.insert_str(bad_at, "12 x\n");
        let line = broken[..bad_at].matches('\n').count() + 1;
        for threads in [1, 2] {
            let err = on(threads, &broken).unwrap_err().to_string();
            assert!(err.starts_with(&format!("line {line}: the second node id \"x\"")), "{threads} threads: {err}");
        }
    }

    #[test]
    fn text_ids_read_as_the_graph_of_the_same_integer_ids() {
        // The same file twice: integer ids, and each id n written as the text "u{n}";
        // several batches and read buffers, comments, CRLF, commas, a leading separator
        // (careful path), weights. The graphs must be the same, the text ids naming
        // the same people, on one thread and two.
        let lines = 8 * PARSED_BATCH + 3_000;
        let (mut numbers, mut names) = (String::from("# ids\n"), String::from("# ids\n"));
        for i in 0..lines as u64 {
            let (a, b) = ((i * 7919) % 40_009, (i * 104_729) % 39_989 + (i % 3) * (1 << 40));
            let w = (i % 5) as f32 / 4.0;
            let [line, named] = match i % 1000 {
                7 => [format!(", {a} ,{b} {w}\r\n"), format!(", u{a} ,u{b} {w}\r\n")],
                8 => [format!("% c\n\n{a},{b},{w}\n"), format!("% c\n\nu{a},u{b},{w}\n")],
                _ => [format!("{a}\t{b}\t{w}\n"), format!("u{a}\tu{b}\t{w}\n")],
            };
            numbers.push_str(&line);
            names.push_str(&named);
        }
        assert!(names.len() > 2 << 20, "the text spans several read buffers");
        let options = |ids| EdgeListOptions { directed: true, weight_column: true, ids };
        let on = |threads: usize, text: &str, ids| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| read_edge_list(text.as_bytes(), options(ids)))
        };
        let reference = on(1, &numbers, IdFormat::Integer).unwrap();
        assert!(!reference.has_text_ids());
        for threads in [1, 2] {
            let g = on(threads, &names, IdFormat::Text).unwrap();
            assert!(g.has_text_ids());
            assert_eq!((g.node_count(), g.edge_count()), (reference.node_count(), reference.edge_count()));
            for v in 0..g.node_count() as u32 {
                let v = NodeId(v);
                assert_eq!(g.original_id(v), OriginalId::Text(format!("u{}", reference.original_id(v)).into()));
                assert_eq!(g.neighbours(v), reference.neighbours(v));
                assert_eq!(g.weights(v), reference.weights(v));
            }
        }
        // A line that is not UTF-8 in the third batch: named on one thread and two.
        let bad_at = names.split_inclusive('\n').take(2 * PARSED_BATCH + 700).map(str::len).sum::<usize>();
        let mut broken = names.clone().into_bytes();
        broken.splice(bad_at..bad_at, b"u1 \xffu2 0.5\n".iter().copied());
        let line = broken[..bad_at].iter().filter(|&&c| c == b'\n').count() + 1;
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let err = pool.install(|| read_edge_list(&broken[..], options(IdFormat::Text))).unwrap_err().to_string();
            assert_eq!(
                err,
                format!("line {line}: byte 4 is not UTF-8 text, which text ids must be"),
                "{threads} threads"
            );
        }
    }

    #[test]
    fn text_ids_are_compared_as_written() {
        let options = EdgeListOptions { ids: IdFormat::Text, ..Default::default() };
        // A CSV's quotes around an id are not part of it ("7" is 7, as a spreadsheet
        // would read it); quotes inside an id are.
        let text = "007 7\n7,用户甲\n\"7\",\"用户乙\"\n007 \"7\"\n\"a\"b\" \"\n";
        let g = read_edge_list(text.as_bytes(), options).unwrap();
        let names: Vec<String> = (0..g.node_count() as u32).map(|v| g.original_id(NodeId(v)).to_string()).collect();
        assert_eq!(names, ["007", "7", "用户甲", "用户乙", "a\"b", "\""]);
        assert_eq!(g.edge_count(), 4);
        assert_eq!(g.cleanup().duplicate_edges_removed, 1);
        // Ids kept in the map's entries and boxed ones (longer than INLINE_ID bytes),
        // and ids that differ only past the inline length.
        let long = |tail: &str| format!("{}{tail}", "x".repeat(INLINE_ID));
        let (fit, over, other) = ("y".repeat(INLINE_ID), long("1"), long("2"));
        let text = format!("{fit} {over}\n{over} {other}\n{other} {fit}\n{fit},{over}\n");
        let g = read_edge_list(text.as_bytes(), options).unwrap();
        let names: Vec<String> = (0..g.node_count() as u32).map(|v| g.original_id(NodeId(v)).to_string()).collect();
        assert_eq!(names, [fit, over, other]);
        assert_eq!((g.edge_count(), g.cleanup().duplicate_edges_removed), (3, 1));
        let err = read_edge_list(&b"a b\n  c \xe7d\n"[..], options).unwrap_err().to_string();
        assert_eq!(err, "line 2: byte 5 is not UTF-8 text, which text ids must be");
        let err = read_edge_list("a b\nc\n".as_bytes(), options).unwrap_err().to_string();
        assert_eq!(err, "line 2: expected two node ids, found \"c\"");
        let weighted = EdgeListOptions { weight_column: true, ..options };
        let err = read_edge_list("a b 0.5\nc d x\n".as_bytes(), weighted).unwrap_err().to_string();
        assert_eq!(err, "line 2: edge weight \"x\" is not a number in [0, 1]");
        let g = read_edge_list("a b 0.25\n".as_bytes(), weighted).unwrap();
        assert_eq!(g.weights(NodeId(0)).unwrap(), &[0.25]);
    }

    #[test]
    fn names_read_as_integers_suggest_text_ids_on_the_first_line_only() {
        let err = read_edge_list("# from to\nalice bob\n".as_bytes(), UNDIRECTED).unwrap_err().to_string();
        assert!(err.starts_with("line 2: the first node id \"alice\" is not a non-negative integer; ids that are names are read as text: ids = \"text\""), "{err}");
        let err = read_edge_list("1 2\nalice bob\n".as_bytes(), UNDIRECTED).unwrap_err().to_string();
        assert_eq!(err, "line 2: the first node id \"alice\" is not a non-negative integer");
        let err = read_edge_list("1 -2\n".as_bytes(), UNDIRECTED).unwrap_err().to_string();
        assert_eq!(err, "line 1: the second node id \"-2\" is not a non-negative integer");
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
        let opts = EdgeListOptions { directed: true, weight_column: true, ..Default::default() };
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
        let err = read_edge_list("1 2\n1 2x\n".as_bytes(), UNDIRECTED).unwrap_err();
        assert_eq!(err.to_string(), "line 2: the second node id \"2x\" is not a non-negative integer");
    }

    #[test]
    fn empty_input_is_an_error() {
        assert!(matches!(read_edge_list("# nothing\n".as_bytes(), UNDIRECTED), Err(GraphError::Empty)));
    }
}
