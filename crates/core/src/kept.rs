//! Kept manifests, stored compactly.
//!
//! Every user object keeps the compact JSON it was applied from (export reads it back to
//! keep the fields the engine does not model). Objects of one kind are mostly alike: the
//! 150,000 pods of a generated cluster differ in a name, a claim and a priority class. So a
//! kept manifest is stored as a delta against a *base*, an earlier manifest of the same
//! kind kept whole: the text is cut at its `"` characters (JSON keys and string values
//! then fall into their own pieces) and each piece is either a run of the base's pieces
//! or literal bytes. A 300-byte pod becomes ~30 bytes plus a shared pointer to its base.
//! [`Kept::text`] gives back the exact text, byte for byte.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::Kind;

/// One kept manifest.
#[derive(Clone, Debug)]
pub struct Kept {
    /// The whole text (when `ops` is `None`) or the base the delta refers to.
    base: Arc<str>,
    /// The delta against `base`: see [`encode`].
    ops: Option<Box<[u8]>>,
}

impl Kept {
    /// A manifest kept whole.
    pub fn whole(text: impl Into<Arc<str>>) -> Kept {
        Kept {
            base: text.into(),
            ops: None,
        }
    }

    /// Whether it is stored as a delta against a base.
    pub fn is_delta(&self) -> bool {
        self.ops.is_some()
    }

    /// The manifest's text, exactly as it was kept.
    pub fn text(&self) -> Cow<'_, str> {
        match &self.ops {
            None => Cow::Borrowed(&self.base),
            Some(ops) => Cow::Owned(decode(&self.base, ops)),
        }
    }
}

/// How many bases one kind keeps for new manifests to be compared with.
const BASES_PER_KIND: usize = 4;

/// A base and where its pieces start and end.
#[derive(Clone, Debug)]
struct Base {
    text: Arc<str>,
    pieces: Vec<(u32, u32)>,
}

impl Base {
    fn new(text: Arc<str>) -> Base {
        let pieces = pieces(&text).map(|(s, e)| (s as u32, e as u32)).collect();
        Base { text, pieces }
    }

    fn piece(&self, i: usize) -> &str {
        let (s, e) = self.pieces[i];
        &self.text[s as usize..e as usize]
    }
}

/// The byte ranges of `text` between its `"` characters (one more than there are quotes).
fn pieces(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    let mut done = false;
    let bytes = text.as_bytes();
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        // A plain loop: pieces are a few bytes long, shorter than memchr's setup pays for.
        match bytes[start..].iter().position(|&b| b == b'"') {
            Some(at) => {
                let piece = (start, start + at);
                start += at + 1;
                Some(piece)
            }
            None => {
                done = true;
                Some((start, bytes.len()))
            }
        }
    })
}

/// Chooses the bases manifests are compared with, per kind. Which base a manifest is
/// stored against changes only its size, never its text, so this may change freely.
#[derive(Clone, Debug, Default)]
pub struct KeptEncoder {
    bases: BTreeMap<Kind, Vec<Base>>,
}

impl KeptEncoder {
    /// `text` kept compactly.
    pub fn keep(&mut self, kind: Kind, text: &str) -> Kept {
        let bases = self.bases.entry(kind).or_default();
        let mut best: Option<(usize, Vec<u8>)> = None;
        for (i, base) in bases.iter().enumerate() {
            let ops = encode(base, text);
            let better = best.as_ref().is_none_or(|(_, b)| ops.len() < b.len());
            if better {
                let good = ops.len() * 4 <= text.len();
                best = Some((i, ops));
                if good {
                    break;
                }
            }
        }
        match best {
            Some((i, ops)) if ops.len() * 2 <= text.len() => {
                // Most manifests match the base that matched the previous one.
                if i != 0 {
                    bases.swap(0, i);
                }
                Kept {
                    base: bases[0].text.clone(),
                    ops: Some(ops.into_boxed_slice()),
                }
            }
            _ => {
                // Unlike every base: kept whole, and a base for the ones like it.
                let text: Arc<str> = text.into();
                if bases.len() == BASES_PER_KIND {
                    bases.pop();
                }
                bases.insert(0, Base::new(text.clone()));
                Kept::whole(text)
            }
        }
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: usize) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(ops: &[u8], at: &mut usize) -> usize {
    let mut v = 0usize;
    let mut shift = 0;
    loop {
        let b = ops[*at];
        *at += 1;
        v |= ((b & 0x7f) as usize) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

/// How far from where it was expected a piece is looked for in the base.
const SEARCH: usize = 16;

/// The delta of `text` against `base`: a sequence of `varint(2·start)` `varint(count)`
/// (a run of the base's pieces) and `varint(2·len + 1)` `bytes` (a literal piece). The
/// pieces are joined with `"`.
fn encode(base: &Base, text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    // The pending run of base pieces: (start, count).
    let mut run: Option<(usize, usize)> = None;
    let flush = |out: &mut Vec<u8>, run: &mut Option<(usize, usize)>| {
        if let Some((start, count)) = run.take() {
            put_varint(out, start * 2);
            put_varint(out, count);
        }
    };
    let input: Vec<&str> = pieces(text).map(|(s, e)| &text[s..e]).collect();
    let n = base.pieces.len();
    // Where the base is expected to continue.
    let mut j = 0;
    for (i, &piece) in input.iter().enumerate() {
        let found = if j < n && base.piece(j) == piece {
            Some(j)
        } else {
            // Elsewhere in the base, where the next piece follows too: a lone `:` or `,`
            // matches everywhere and would lose the thread.
            // Near where the base was expected only: a piece found nowhere (a name, a
            // number) costs a bounded search, and a field moved further is kept literally.
            let next = input.get(i + 1).copied();
            let ahead = n.min(j + SEARCH);
            let behind = j.min(n).saturating_sub(SEARCH);
            (j..ahead)
                .chain(behind..j.min(n))
                .find(|&k| base.piece(k) == piece && (k + 1 < n && Some(base.piece(k + 1)) == next))
        };
        match found {
            Some(k) => {
                match &mut run {
                    Some((start, count)) if *start + *count == k => *count += 1,
                    _ => {
                        flush(&mut out, &mut run);
                        run = Some((k, 1));
                    }
                }
                j = k + 1;
            }
            None => {
                flush(&mut out, &mut run);
                put_varint(&mut out, piece.len() * 2 + 1);
                out.extend_from_slice(piece.as_bytes());
                // A changed value: the base goes on after its own value.
                if j < n {
                    j += 1;
                }
            }
        }
    }
    flush(&mut out, &mut run);
    out
}

fn decode(base: &str, ops: &[u8]) -> String {
    let base_pieces: Vec<(usize, usize)> = pieces(base).collect();
    let mut out = String::new();
    let mut first = true;
    let mut at = 0;
    let mut piece = |out: &mut String, p: &str| {
        if !first {
            out.push('"');
        }
        first = false;
        out.push_str(p);
    };
    while at < ops.len() {
        let v = get_varint(ops, &mut at);
        if v & 1 == 0 {
            let count = get_varint(ops, &mut at);
            for &(s, e) in &base_pieces[v / 2..v / 2 + count] {
                piece(&mut out, &base[s..e]);
            }
        } else {
            let len = v / 2;
            // The literal is a piece of a `str` cut at ASCII quotes: valid UTF-8.
            let lit = std::str::from_utf8(&ops[at..at + len]).expect("a kept piece is UTF-8");
            piece(&mut out, lit);
            at += len;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_back_the_exact_text() {
        let texts = [
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"default"},"spec":{"containers":[{"name":"c","image":"x"}]}}"#,
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b","namespace":"default"},"spec":{"containers":[{"name":"c","image":"x"}]}}"#,
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ünï\"code","namespace":"default"},"spec":{"containers":[{"name":"c","image":"x"}]}}"#,
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"a":"b"},"name":"c","namespace":"default"},"spec":{"containers":[{"name":"c","image":"x"}]}}"#,
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"d"}}"#,
            "",
            "\"",
            "\"\"",
            "no quotes",
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"e","namespace":"default"},"spec":{"containers":[{"name":"c","image":"x"}]}}"#,
        ];
        let mut enc = KeptEncoder::default();
        let kept: Vec<Kept> = texts.iter().map(|t| enc.keep(Kind::Pod, t)).collect();
        for (t, k) in texts.iter().zip(&kept) {
            assert_eq!(k.text(), *t);
        }
        // Alike manifests are stored as deltas.
        assert!(kept[1].ops.is_some() && kept[3].ops.is_some() && kept[4].ops.is_some());
    }
}
