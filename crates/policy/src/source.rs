//! Where each node of a YAML document sits in its text.
//!
//! serde turns the document into types and forgets positions; this module
//! keeps them. [`SourceMap::build`] walks the parser's events once and
//! records, for every node, its JSON pointer (`/purposes/3/categories/1`),
//! the byte range of its value and, for mapping entries, of its key. Every
//! diagnostic in this crate carries a pointer, and this map turns the pointer
//! into a line, a column and a caret.

use std::collections::HashMap;

use granit_parser::{Event, Marker, Parser};

/// A byte range in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ByteSpan {
    pub offset: usize,
    pub len: usize,
}

/// The position of one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NodeSpan {
    /// The key of a mapping entry (absent for sequence items and the root).
    pub key: Option<ByteSpan>,
    /// The value: a scalar, or a whole collection.
    pub value: ByteSpan,
}

/// JSON pointer → position, for one document.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    nodes: HashMap<String, NodeSpan>,
    line_starts: Vec<usize>,
}

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

enum Frame {
    Mapping {
        pointer: String,
        start: usize,
        key: Option<ByteSpan>,
        pending_key: Option<(String, ByteSpan)>,
    },
    Sequence {
        pointer: String,
        start: usize,
        key: Option<ByteSpan>,
        next: usize,
    },
}

impl SourceMap {
    /// Builds the map. A document the parser rejects yields the positions
    /// read before the error; the YAML error itself is reported elsewhere.
    pub fn build(text: &str) -> SourceMap {
        let mut map = SourceMap {
            nodes: HashMap::new(),
            line_starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        };
        let offset = |m: &Marker| {
            m.byte_offset()
                .unwrap_or_else(|| char_to_byte(text, m.index()))
        };
        let mut stack: Vec<Frame> = Vec::new();
        let mut root_done = false;
        let mut parser = Parser::new_from_str(text);
        while let Some(Ok((event, span))) = parser.next_event() {
            let start = offset(&span.start);
            let end = offset(&span.end).max(start);
            match event {
                Event::Scalar(..) | Event::Alias(_) => {
                    let here = ByteSpan {
                        offset: start,
                        len: end - start,
                    };
                    // A scalar (or an alias) is either a mapping key or a value.
                    if let Some(Frame::Mapping { pending_key, .. }) = stack.last_mut()
                        && pending_key.is_none()
                    {
                        let key = match event {
                            Event::Scalar(value, ..) => value.into_owned(),
                            _ => "*".to_owned(),
                        };
                        *pending_key = Some((key, here));
                        continue;
                    }
                    if let Some((pointer, key)) = map.child_pointer(&mut stack, &mut root_done) {
                        map.nodes.insert(pointer, NodeSpan { key, value: here });
                    }
                }
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    let is_map = matches!(event, Event::MappingStart(..));
                    // A collection used as a mapping key cannot be addressed by a pointer.
                    let (pointer, key) = match map.child_pointer(&mut stack, &mut root_done) {
                        Some((pointer, key)) => (pointer, key),
                        None => ("\u{0}unaddressable".to_owned(), None),
                    };
                    stack.push(if is_map {
                        Frame::Mapping {
                            pointer,
                            start,
                            key,
                            pending_key: None,
                        }
                    } else {
                        Frame::Sequence {
                            pointer,
                            start,
                            key,
                            next: 0,
                        }
                    });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    if let Some(frame) = stack.pop() {
                        let (pointer, begin, key) = match frame {
                            Frame::Mapping {
                                pointer,
                                start,
                                key,
                                ..
                            }
                            | Frame::Sequence {
                                pointer,
                                start,
                                key,
                                ..
                            } => (pointer, start, key),
                        };
                        map.nodes.insert(
                            pointer,
                            NodeSpan {
                                key,
                                value: ByteSpan {
                                    offset: begin,
                                    len: end.max(begin) - begin,
                                },
                            },
                        );
                    }
                }
                _ => {}
            }
        }
        map
    }

    /// The pointer of the node that comes next in the current collection,
    /// consuming the pending key of a mapping or advancing a sequence.
    fn child_pointer(
        &self,
        stack: &mut [Frame],
        root_done: &mut bool,
    ) -> Option<(String, Option<ByteSpan>)> {
        match stack.last_mut() {
            None => {
                if *root_done {
                    return None;
                }
                *root_done = true;
                Some((String::new(), None))
            }
            Some(Frame::Mapping {
                pointer,
                pending_key,
                ..
            }) => {
                let (key, span) = pending_key.take()?;
                Some((format!("{pointer}/{}", escape(&key)), Some(span)))
            }
            Some(Frame::Sequence { pointer, next, .. }) => {
                let at = *next;
                *next += 1;
                Some((format!("{pointer}/{at}"), None))
            }
        }
    }

    /// The position of the node at `pointer`, or of its nearest ancestor
    /// that exists (a missing field is reported on the object that lacks it).
    pub fn lookup(&self, pointer: &str) -> Option<(&str, NodeSpan)> {
        let mut p = pointer;
        loop {
            if let Some((key, span)) = self.nodes.get_key_value(p) {
                return Some((key.as_str(), *span));
            }
            if p.is_empty() {
                return None;
            }
            p = match p.rfind('/') {
                Some(i) => &p[..i],
                None => "",
            };
        }
    }

    /// The exact node at `pointer`, if it was in the document.
    pub fn get(&self, pointer: &str) -> Option<NodeSpan> {
        self.nodes.get(pointer).copied()
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let column = text
            .get(start..offset.min(text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        LineCol { line, column }
    }
}

/// RFC 6901 escaping of one pointer segment.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "vow: 1\npurposes:\n  - id: ads\n    categories: [user.contact.email, user.device]\n  - id: mail\nnotice:\n  mode: advance\n";

    fn text_at(span: ByteSpan) -> &'static str {
        &DOC[span.offset..span.offset + span.len]
    }

    #[test]
    fn maps_pointers_to_values_and_keys() {
        let map = SourceMap::build(DOC);
        let node = map.get("/purposes/0/id").expect("present");
        assert_eq!(text_at(node.value), "ads");
        assert_eq!(text_at(node.key.expect("key")), "id");
        assert_eq!(
            text_at(map.get("/purposes/0/categories/1").unwrap().value),
            "user.device"
        );
        assert_eq!(text_at(map.get("/notice/mode").unwrap().value), "advance");
        let notice = map.get("/notice").unwrap();
        assert_eq!(text_at(notice.key.unwrap()), "notice");
    }

    #[test]
    fn line_and_column() {
        let map = SourceMap::build(DOC);
        let node = map.get("/purposes/1/id").unwrap();
        assert_eq!(
            map.line_col(DOC, node.value.offset),
            LineCol { line: 5, column: 9 }
        );
    }

    #[test]
    fn missing_nodes_fall_back_to_their_parent() {
        let map = SourceMap::build(DOC);
        let (found, _) = map.lookup("/purposes/1/basis").unwrap();
        assert_eq!(found, "/purposes/1");
    }

    #[test]
    fn broken_yaml_does_not_panic() {
        for text in ["a: [", "- : :", "\t- x", "a: *missing", "{a: 1, b", ""] {
            let _ = SourceMap::build(text);
        }
    }
}
