//! An answer's body, kept in the core so that the window shows any size without holding
//! it: the page asks for the rows it draws (the text wrapped at its width, or the visible
//! rows of the JSON tree), searches, and saves the exact bytes. Nothing here rewrites the
//! body: rows are slices of the bytes the app sent.

mod ops;

pub(crate) use ops::suggested_file;
pub use ops::{
    body_view, indent_json, keep_large_blocks_apart, Bodies, INLINE_BODY, WINDOW_BODY_CAP,
};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How an answer's body is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum BodyKind {
    Empty,
    /// One JSON value: a tree, and the text as received.
    Json,
    Text,
    /// Not text: its size and type only.
    Binary,
}

/// The most rows one request for rows returns.
pub const MAX_ROWS: usize = 1_000;
/// The most matches a search counts; more are reported as "at least".
pub const MAX_MATCHES: usize = 10_000;
/// The longest value a tree row shows; the text view shows all of it.
pub const ROW_VALUE_CHARS: usize = 400;
/// A tab is drawn this wide (the view's `tab-size`).
pub const TAB_COLUMNS: usize = 4;

/// A body as received, with the indexes its views build on first use.
pub struct Body {
    kind: BodyKind,
    /// The body's text (JSON or text kinds); empty for binary bodies.
    text: String,
    /// Bytes that are not part of `text`: a binary body, or the end of a text cut inside
    /// a character. `text` followed by `rest` is exactly what was received.
    rest: Vec<u8>,
    wrapped: Option<Wrapped>,
    tree: Option<Tree>,
    search: Option<Matches>,
}

struct Wrapped {
    cols: usize,
    /// The byte offset where each row starts; a row ends at the next one or at a newline.
    starts: Vec<u32>,
}

struct Matches {
    query: String,
    at: Vec<u32>,
    more: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum JsonKind {
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
}

impl JsonKind {
    /// The kind of a parsed value.
    pub fn of(v: &serde_json::Value) -> JsonKind {
        use serde_json::Value;
        match v {
            Value::Object(_) => JsonKind::Object,
            Value::Array(_) => JsonKind::Array,
            Value::String(_) => JsonKind::String,
            Value::Number(_) => JsonKind::Number,
            Value::Bool(_) => JsonKind::Boolean,
            Value::Null => JsonKind::Null,
        }
    }

    /// "an object", "a string"…, as a sentence says it.
    pub fn name(self) -> &'static str {
        match self {
            JsonKind::Object => "an object",
            JsonKind::Array => "an array",
            JsonKind::String => "a string",
            JsonKind::Number => "a number",
            JsonKind::Boolean => "a boolean",
            JsonKind::Null => "null",
        }
    }
}

/// One node of a JSON document, in document order.
#[derive(Debug, Clone)]
struct Node {
    /// The key's span, quotes included; `(0, 0)` for array items and the root.
    key: (u32, u32),
    /// The value's span: the whole object or array for containers.
    value: (u32, u32),
    parent: u32,
    /// The index of the first node after this one's subtree.
    next: u32,
    /// Members or items (containers).
    children: u32,
    /// Its place among its parent's children.
    ordinal: u32,
    depth: u16,
    kind: JsonKind,
}

const NO_PARENT: u32 = u32::MAX;

struct Tree {
    nodes: Vec<Node>,
    open: Vec<bool>,
    /// The nodes shown, in order: every node whose ancestors are all open.
    visible: Vec<u32>,
}

/// Rows of the text view.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TextRows {
    /// Rows in the whole body at this width.
    pub total: u32,
    pub from: u32,
    pub rows: Vec<String>,
}

/// One row of the JSON tree.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TreeRow {
    pub node: u32,
    pub depth: u32,
    /// The member's name (decoded), for members of an object.
    pub key: Option<String>,
    /// The item's place, for items of an array.
    pub index: Option<u32>,
    pub kind: JsonKind,
    /// A value as the app wrote it (strings with their quotes and escapes, numbers as
    /// written); empty for objects and arrays.
    pub text: String,
    /// The value is longer than a row shows.
    pub cut: bool,
    /// Members or items of an object or array.
    pub count: u32,
    pub open: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TreeRows {
    pub total: u32,
    pub from: u32,
    pub rows: Vec<TreeRow>,
}

/// Where a search's match is, in the view it was asked for.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    /// Matches in the body (at most `MAX_MATCHES`; `more` when there are others).
    pub total: u32,
    pub more: bool,
    /// Which match this is (0-based); `None` when nothing matched.
    pub index: Option<u32>,
    /// The row to scroll to, and in the text view the match's columns in it.
    pub row: Option<u32>,
    pub column: Option<u32>,
    pub length: Option<u32>,
    /// The view's rows after the search opened the match's ancestors (tree view).
    pub rows: u32,
}

impl Body {
    /// A body as received: `kind` says whether it is JSON, text or neither.
    pub fn new(bytes: Vec<u8>, kind: BodyKind) -> Body {
        let (text, rest) = match kind {
            BodyKind::Json | BodyKind::Text => match String::from_utf8(bytes) {
                Ok(text) => (text, Vec::new()),
                Err(e) => {
                    let mut bytes = e.into_bytes();
                    let valid = std::str::from_utf8(&bytes)
                        .err()
                        .map_or(bytes.len(), |e| e.valid_up_to());
                    let rest = bytes.split_off(valid);
                    (String::from_utf8(bytes).unwrap_or_default(), rest)
                }
            },
            BodyKind::Binary | BodyKind::Empty => (String::new(), bytes),
        };
        Body {
            kind,
            text,
            rest,
            wrapped: None,
            tree: None,
            search: None,
        }
    }

    pub fn kind(&self) -> BodyKind {
        self.kind
    }

    /// Bytes received.
    pub fn len(&self) -> usize {
        self.text.len() + self.rest.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes exactly as received, in the two parts they are kept in.
    pub fn parts(&self) -> [&[u8]; 2] {
        [self.text.as_bytes(), &self.rest]
    }

    /// The text view's rows `from..from + count` with rows at most `cols` wide.
    pub fn text_rows(&mut self, cols: usize, from: usize, count: usize) -> TextRows {
        let wrapped = self.wrapped_at(cols);
        let total = wrapped.starts.len();
        let from = from.min(total);
        let to = (from + count.min(MAX_ROWS)).min(total);
        let rows = (from..to).map(|r| self.row_text(r).to_string()).collect();
        TextRows {
            total: total as u32,
            from: from as u32,
            rows,
        }
    }

    fn wrapped_at(&mut self, cols: usize) -> &Wrapped {
        let cols = cols.clamp(8, 10_000);
        if self.wrapped.as_ref().is_none_or(|w| w.cols != cols) {
            self.wrapped = Some(Wrapped {
                cols,
                starts: wrap(&self.text, cols),
            });
        }
        self.wrapped.as_ref().expect("set above")
    }

    fn row_text(&self, row: usize) -> &str {
        let Some(w) = &self.wrapped else { return "" };
        let start = w.starts[row] as usize;
        let end = w
            .starts
            .get(row + 1)
            .map_or(self.text.len(), |&e| e as usize);
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// The tree's rows `from..from + count`; `None` when the body is not JSON.
    pub fn tree_rows(&mut self, from: usize, count: usize) -> Option<TreeRows> {
        self.tree_built()?;
        let tree = self.tree.as_ref()?;
        let total = tree.visible.len();
        let from = from.min(total);
        let to = (from + count.min(MAX_ROWS)).min(total);
        let rows = tree.visible[from..to]
            .iter()
            .map(|&n| tree_row(&self.text, tree, n as usize))
            .collect();
        Some(TreeRows {
            total: total as u32,
            from: from as u32,
            rows,
        })
    }

    fn tree_built(&mut self) -> Option<()> {
        if self.kind != BodyKind::Json {
            return None;
        }
        if self.tree.is_none() {
            let nodes = index_json(self.text.as_bytes());
            // The first two levels open, as before any click.
            let open = nodes.iter().map(|n| n.depth < 2).collect();
            let mut tree = Tree {
                nodes,
                open,
                visible: Vec::new(),
            };
            tree.refresh();
            self.tree = Some(tree);
        }
        Some(())
    }

    /// Opens or closes `node` (with `deep`, every object and array inside it too);
    /// returns the tree's rows after.
    pub fn toggle(&mut self, node: u32, open: bool, deep: bool) -> Option<u32> {
        self.tree_built()?;
        let tree = self.tree.as_mut()?;
        let n = node as usize;
        if n >= tree.nodes.len() {
            return None;
        }
        let end = if deep {
            tree.nodes[n].next as usize
        } else {
            n + 1
        };
        for o in &mut tree.open[n..end] {
            *o = open;
        }
        tree.refresh();
        Some(tree.visible.len() as u32)
    }

    /// Finds `query` (ASCII letters in any case) and goes to its `index`-th match:
    /// in the tree view, the node holding it is shown (its ancestors opened).
    pub fn search(&mut self, query: &str, index: usize, tree: bool, cols: usize) -> SearchHit {
        if query.is_empty() {
            self.search = None;
        } else if self.search.as_ref().is_none_or(|m| m.query != query) {
            let (at, more) = find_all(&self.text, query);
            self.search = Some(Matches {
                query: query.to_string(),
                at,
                more,
            });
        }
        let (total, more, at) = match &self.search {
            Some(m) if !m.at.is_empty() => {
                let i = index % m.at.len();
                (m.at.len(), m.more, Some((i, m.at[i] as usize)))
            }
            Some(m) => (0, m.more, None),
            None => (0, false, None),
        };
        let mut hit = SearchHit {
            total: total as u32,
            more,
            index: None,
            row: None,
            column: None,
            length: None,
            rows: 0,
        };
        let Some((i, offset)) = at else {
            hit.rows = if tree {
                self.tree_rows(0, 0).map_or(0, |r| r.total)
            } else {
                self.text_rows(cols, 0, 0).total
            };
            return hit;
        };
        hit.index = Some(i as u32);
        if tree && self.tree_built().is_some() {
            let t = self.tree.as_mut().expect("built");
            let node = t.node_at(offset);
            let mut up = t.nodes[node].parent;
            while up != NO_PARENT {
                t.open[up as usize] = true;
                up = t.nodes[up as usize].parent;
            }
            t.refresh();
            hit.row = t
                .visible
                .binary_search(&(node as u32))
                .ok()
                .map(|r| r as u32);
            hit.rows = t.visible.len() as u32;
        } else {
            let (row, start, rows) = {
                let w = self.wrapped_at(cols);
                let row = w.starts.partition_point(|&s| s as usize <= offset) - 1;
                (row, w.starts[row] as usize, w.starts.len())
            };
            hit.row = Some(row as u32);
            hit.column = Some(self.text[start..offset].chars().count() as u32);
            hit.length = Some(self.text[offset..offset + query.len()].chars().count() as u32);
            hit.rows = rows as u32;
        }
        hit
    }
}

impl Tree {
    fn refresh(&mut self) {
        self.visible.clear();
        let mut i = 0;
        while i < self.nodes.len() {
            self.visible.push(i as u32);
            let n = &self.nodes[i];
            let container = matches!(n.kind, JsonKind::Object | JsonKind::Array);
            i = if container && !self.open[i] {
                n.next as usize
            } else {
                i + 1
            };
        }
    }

    /// The deepest node whose key or value holds `offset`.
    fn node_at(&self, offset: usize) -> usize {
        let start = |n: &Node| if n.key.1 > 0 { n.key.0 } else { n.value.0 } as usize;
        let mut i = self
            .nodes
            .partition_point(|n| start(n) <= offset)
            .saturating_sub(1);
        while self.nodes[i].value.1 as usize <= offset && self.nodes[i].parent != NO_PARENT {
            i = self.nodes[i].parent as usize;
        }
        i
    }
}

fn tree_row(text: &str, tree: &Tree, i: usize) -> TreeRow {
    let n = &tree.nodes[i];
    let key = (n.key.1 > 0).then(|| {
        let raw = &text[n.key.0 as usize..n.key.1 as usize];
        serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_string())
    });
    let in_array = n.parent != NO_PARENT && tree.nodes[n.parent as usize].kind == JsonKind::Array;
    let container = matches!(n.kind, JsonKind::Object | JsonKind::Array);
    let (shown, cut) = if container {
        (String::new(), false)
    } else {
        let raw = &text[n.value.0 as usize..n.value.1 as usize];
        match raw.char_indices().nth(ROW_VALUE_CHARS) {
            Some((end, _)) => (raw[..end].to_string(), true),
            None => (raw.to_string(), false),
        }
    };
    TreeRow {
        node: i as u32,
        depth: n.depth as u32,
        key,
        index: in_array.then_some(n.ordinal),
        kind: n.kind,
        text: shown,
        cut,
        count: n.children,
        open: container && tree.open[i],
    }
}

/// Where each row starts when `text` is wrapped at `cols` characters and at newlines.
fn wrap(text: &str, cols: usize) -> Vec<u32> {
    let mut starts = vec![0u32];
    let mut width = 0usize;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            i += 1;
            if i < bytes.len() {
                starts.push(i as u32);
            }
            width = 0;
            continue;
        }
        // ASCII one byte at a time; other characters by their UTF-8 length.
        let len = match b {
            0..=0x7f => 1,
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            _ => 4,
        };
        let w = if b == b'\t' { TAB_COLUMNS } else { 1 };
        if width + w > cols && width > 0 {
            starts.push(i as u32);
            width = 0;
        }
        width += w;
        i += len;
    }
    starts
}

/// Byte offsets of `query` in `text`, ASCII letters matched in any case.
fn find_all(text: &str, query: &str) -> (Vec<u32>, bool) {
    let hay = text.as_bytes();
    let needle = query.as_bytes();
    let mut at = Vec::new();
    if needle.is_empty() || needle.len() > hay.len() {
        return (at, false);
    }
    let first = needle[0].to_ascii_lowercase();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i].to_ascii_lowercase() == first
            && hay[i..i + needle.len()].eq_ignore_ascii_case(needle)
            && text.is_char_boundary(i)
        {
            if at.len() == MAX_MATCHES {
                return (at, true);
            }
            at.push(i as u32);
            i += needle.len();
        } else {
            i += 1;
        }
    }
    (at, false)
}

/// The nodes of a JSON document already known to be valid, in document order.
fn index_json(b: &[u8]) -> Vec<Node> {
    let mut nodes: Vec<Node> = Vec::new();
    let mut stack: Vec<u32> = Vec::new();
    let mut key: (u32, u32) = (0, 0);
    let mut expect_key = false;
    let mut i = 0;
    let add = |nodes: &mut Vec<Node>, stack: &[u32], key: &mut (u32, u32), kind, value| {
        let parent = stack.last().copied().unwrap_or(NO_PARENT);
        let ordinal = if parent == NO_PARENT {
            0
        } else {
            let p = &mut nodes[parent as usize];
            p.children += 1;
            p.children - 1
        };
        nodes.push(Node {
            key: std::mem::take(key),
            value,
            parent,
            next: nodes.len() as u32 + 1,
            children: 0,
            ordinal,
            depth: stack.len() as u16,
            kind,
        });
    };
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b':' => i += 1,
            b',' => {
                expect_key = stack
                    .last()
                    .is_some_and(|&p| nodes[p as usize].kind == JsonKind::Object);
                i += 1;
            }
            c @ (b'{' | b'[') => {
                let kind = if c == b'{' {
                    JsonKind::Object
                } else {
                    JsonKind::Array
                };
                add(&mut nodes, &stack, &mut key, kind, (i as u32, i as u32 + 1));
                stack.push(nodes.len() as u32 - 1);
                expect_key = kind == JsonKind::Object;
                i += 1;
            }
            b'}' | b']' => {
                if let Some(open) = stack.pop() {
                    let len = nodes.len() as u32;
                    let n = &mut nodes[open as usize];
                    n.value.1 = i as u32 + 1;
                    n.next = len;
                }
                expect_key = false;
                i += 1;
            }
            b'"' => {
                let end = string_end(b, i);
                if expect_key {
                    key = (i as u32, end as u32);
                    expect_key = false;
                } else {
                    add(
                        &mut nodes,
                        &stack,
                        &mut key,
                        JsonKind::String,
                        (i as u32, end as u32),
                    );
                }
                i = end;
            }
            c => {
                let end = b[i..]
                    .iter()
                    .position(|c| matches!(c, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'))
                    .map_or(b.len(), |p| i + p);
                let kind = match c {
                    b't' | b'f' => JsonKind::Boolean,
                    b'n' => JsonKind::Null,
                    _ => JsonKind::Number,
                };
                add(&mut nodes, &stack, &mut key, kind, (i as u32, end as u32));
                i = end;
            }
        }
    }
    nodes
}

/// The offset just after the string that starts at `start` (its opening quote).
fn string_end(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"zeta": 1e3, "alpha": 12345678901234567890, "2": [1.50, -0.0], "1": {"b": true, "a": null}, "s": "a\"b"}"#;

    fn json(text: &str) -> Body {
        Body::new(text.as_bytes().to_vec(), BodyKind::Json)
    }

    #[test]
    fn the_tree_keeps_order_and_numbers_as_written() {
        let mut b = json(DOC);
        let rows = b.tree_rows(0, 100).unwrap();
        let shown: Vec<String> = rows
            .rows
            .iter()
            .map(|r| {
                let name = r
                    .key
                    .clone()
                    .or(r.index.map(|i| i.to_string()))
                    .unwrap_or_default();
                format!(
                    "{}{name}={}{}",
                    " ".repeat(r.depth as usize),
                    r.text,
                    r.count
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                "=5",
                " zeta=1e30",
                " alpha=123456789012345678900",
                " 2=2",
                "  0=1.500",
                "  1=-0.00",
                " 1=2",
                "  b=true0",
                "  a=null0",
                " s=\"a\\\"b\"0",
            ]
        );
        assert_eq!(rows.total, 10);
    }

    #[test]
    fn closing_a_node_hides_its_subtree_and_deep_opening_shows_all() {
        let doc = r#"[{"a": {"b": {"c": [1, 2, 3]}}}, 7]"#;
        let mut b = json(doc);
        // Open at depth 0 and 1: the root, item 0, its member a (closed, depth 2).
        assert_eq!(b.tree_rows(0, 100).unwrap().total, 4);
        assert_eq!(b.toggle(1, false, false), Some(3));
        assert_eq!(b.toggle(0, true, true), Some(9));
        assert_eq!(b.toggle(0, false, true), Some(1));
        assert_eq!(b.toggle(99, true, false), None);
    }

    #[test]
    fn text_rows_wrap_at_the_width_and_at_newlines_and_keep_every_byte() {
        let text = "héllo wörld\nsecond line that is long\r\n\nend";
        let mut b = Body::new(text.as_bytes().to_vec(), BodyKind::Text);
        let rows = b.text_rows(10, 0, 100);
        assert_eq!(
            rows.rows,
            [
                "héllo wörl",
                "d",
                "second lin",
                "e that is ",
                "long",
                "",
                "end"
            ]
        );
        let mut b = Body::new(b"{\"a\":1}\n".to_vec(), BodyKind::Json);
        assert_eq!(b.text_rows(80, 0, 100).rows, ["{\"a\":1}"]);
        assert_eq!(b.parts().concat(), b"{\"a\":1}\n");
    }

    #[test]
    fn a_text_cut_inside_a_character_keeps_its_last_bytes_for_saving() {
        let mut bytes = "abc é".as_bytes().to_vec();
        bytes.pop();
        let b = Body::new(bytes.clone(), BodyKind::Text);
        assert_eq!(b.parts().concat(), bytes);
        assert_eq!(b.len(), bytes.len());
    }

    #[test]
    fn search_finds_keys_and_values_in_any_case_and_opens_their_ancestors() {
        let doc = r#"{"outer": [{"inner": {"Needle": 1}}, {"x": "a needle here"}]}"#;
        let mut b = json(doc);
        b.toggle(0, false, true);
        b.toggle(0, true, false);
        let hit = b.search("needle", 0, true, 80);
        assert_eq!((hit.total, hit.more, hit.index), (2, false, Some(0)));
        let rows = b.tree_rows(0, 100).unwrap();
        let row = &rows.rows[hit.row.unwrap() as usize];
        assert_eq!(row.key.as_deref(), Some("Needle"));
        let hit = b.search("needle", 1, true, 80);
        let rows = b.tree_rows(0, 100).unwrap();
        assert_eq!(
            rows.rows[hit.row.unwrap() as usize].text,
            "\"a needle here\""
        );
        // Past the last match, back to the first.
        assert_eq!(b.search("needle", 2, true, 80).index, Some(0));
        let hit = b.search("NEEDLE", 1, false, 20);
        let mut rows = b.text_rows(20, 0, 100);
        let line = rows.rows.swap_remove(hit.row.unwrap() as usize);
        let col = hit.column.unwrap() as usize;
        assert_eq!(&line[col..col + 6], "needle");
        assert_eq!(b.search("absent", 0, true, 80).index, None);
    }

    #[test]
    fn a_match_between_values_belongs_to_the_container() {
        let mut b = json("{\"a\": [1,   2]}");
        let hit = b.search("   ", 0, true, 80);
        let rows = b.tree_rows(0, 100).unwrap();
        assert_eq!(
            rows.rows[hit.row.unwrap() as usize].key.as_deref(),
            Some("a")
        );
    }

    #[test]
    fn search_counts_at_most_max_matches() {
        let mut b = Body::new("ab".repeat(MAX_MATCHES + 5).into_bytes(), BodyKind::Text);
        let hit = b.search("b", 0, false, 80);
        assert_eq!((hit.total as usize, hit.more), (MAX_MATCHES, true));
    }

    #[test]
    fn binary_bodies_have_no_rows_but_keep_their_bytes() {
        let mut b = Body::new(vec![0xff, 0, 1], BodyKind::Binary);
        assert!(b.tree_rows(0, 10).is_none());
        assert_eq!(b.parts().concat(), [0xff, 0, 1]);
    }

    #[test]
    fn a_hundred_thousand_nodes_toggle_without_rebuilding_the_index() {
        let doc = format!(
            "[{}]",
            (0..50_000)
                .map(|i| format!("{{\"id\":{i}}}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        let mut b = json(&doc);
        assert_eq!(b.tree_rows(0, 10).unwrap().total, 100_001);
        assert_eq!(b.toggle(0, false, false), Some(1));
        assert_eq!(b.toggle(0, true, false), Some(100_001));
        let last = b.tree_rows(100_000, 10).unwrap();
        assert_eq!(last.rows[0].key.as_deref(), Some("id"));
        assert_eq!(last.rows[0].text, "49999");
    }
}
