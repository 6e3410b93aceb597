//! The glyphs of a PDF's pages and where they are drawn: the text operators
//! of each page's content streams (and the form XObjects they draw)
//! interpreted with their text and graphics state, each character code
//! mapped to Unicode through the font's `ToUnicode` CMap (or its encoding),
//! and the ruling lines (thin rectangles and straight strokes) that tables
//! are drawn with.
//!
//! Coordinates are in points, from the top-left corner of the page's media
//! box, y growing downwards.

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};

use super::{Limits, PdfError};

/// One drawn character (or ligature): its text, the x-range of its advance
/// and its baseline.
#[derive(Clone, Debug)]
pub(crate) struct Glyph {
    pub(crate) text: String,
    pub(crate) x0: f32,
    pub(crate) x1: f32,
    /// Baseline, from the top of the page.
    pub(crate) y: f32,
    /// Font size on the page (the text matrix's vertical scale included).
    pub(crate) size: f32,
}

/// A horizontal or vertical ruling line.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rule {
    pub(crate) x0: f32,
    pub(crate) y0: f32,
    pub(crate) x1: f32,
    pub(crate) y1: f32,
}

impl Rule {
    pub(crate) fn horizontal(&self) -> bool {
        (self.y1 - self.y0).abs() <= (self.x1 - self.x0).abs()
    }
}

/// One page's glyphs, in drawing order, and rules.
#[derive(Debug, Default)]
pub(crate) struct Page {
    pub(crate) width: f32,
    pub(crate) height: f32,
    pub(crate) glyphs: Vec<Glyph>,
    pub(crate) rules: Vec<Rule>,
    /// Character codes with no Unicode mapping.
    pub(crate) unmapped: usize,
}

/// The work done so far, against [`Limits`].
pub(crate) struct Budget {
    pub(crate) limits: Limits,
    content_bytes: usize,
    operations: usize,
    glyphs: usize,
    rules: usize,
}

impl Budget {
    pub(crate) fn new(limits: Limits) -> Self {
        Budget {
            limits,
            content_bytes: 0,
            operations: 0,
            glyphs: 0,
            rules: 0,
        }
    }

    fn too_large(reason: String) -> PdfError {
        PdfError::TooLarge { reason }
    }

    fn content(&mut self, bytes: usize) -> Result<(), PdfError> {
        self.content_bytes += bytes;
        if self.content_bytes > self.limits.content_bytes {
            return Err(Self::too_large(format!(
                "its content streams decompress to more than {} bytes",
                self.limits.content_bytes
            )));
        }
        Ok(())
    }

    fn operation(&mut self) -> Result<(), PdfError> {
        self.operations += 1;
        if self.operations > self.limits.operations {
            return Err(Self::too_large(format!(
                "its pages draw with more than {} operations",
                self.limits.operations
            )));
        }
        Ok(())
    }

    fn glyph(&mut self) -> Result<(), PdfError> {
        self.glyphs += 1;
        if self.glyphs > self.limits.glyphs {
            return Err(Self::too_large(format!(
                "it draws more than {} characters",
                self.limits.glyphs
            )));
        }
        Ok(())
    }
}

/// A 2-D affine matrix `[a b c d e f]`, points as row vectors.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Matrix([f64; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translate(x: f64, y: f64) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// `self × other`: `self` applied first.
    fn then(&self, other: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (x * a + y * c + e, x * b + y * d + f)
    }

    fn of(operands: &[Object]) -> Option<Matrix> {
        if operands.len() != 6 {
            return None;
        }
        let mut m = [0.0; 6];
        for (slot, o) in m.iter_mut().zip(operands) {
            *slot = number(o)?;
        }
        m.iter().all(|v| v.is_finite()).then_some(Matrix(m))
    }
}

fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// How a font's strings split into character codes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Codes {
    /// One byte per code (simple fonts).
    One,
    /// Two bytes per code (Identity-H/V, UCS-2 CMaps, most others).
    Two,
    /// One byte below 0x81, else two (GBK-EUC, GB-EUC).
    Gbk,
}

/// What a composite font's codes mean when it has no `ToUnicode`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fallback {
    /// The font's own encoding (simple fonts).
    Simple,
    /// UCS-2 / UTF-16 CMaps: the code is the character.
    Ucs2,
    /// GBK / GB2312 CMaps: the bytes are GBK.
    Gbk,
    /// Identity and other CMaps: CIDs, which are not characters.
    None,
}

struct Font {
    codes: Codes,
    fallback: Fallback,
    to_unicode: Option<Encoding<'static>>,
    /// Simple fonts: each byte's text by the font's encoding.
    encoding: Vec<Option<String>>,
    /// Simple fonts: first code and widths (in glyph space / 1000 × scale).
    first_char: u32,
    widths: Vec<f64>,
    /// Composite fonts: `(first, last, width)` sorted by first.
    cid_widths: Vec<(u32, u32, f64)>,
    default_width: f64,
    /// Glyph space to text space (1/1000, or a Type 3 font's matrix).
    scale: f64,
}

impl Font {
    fn width(&self, code: u32, len: usize) -> f64 {
        let w = match self.codes {
            Codes::One => code
                .checked_sub(self.first_char)
                .and_then(|i| self.widths.get(i as usize).copied())
                .unwrap_or(self.default_width),
            Codes::Two if self.fallback == Fallback::None => {
                let at = self.cid_widths.partition_point(|(first, _, _)| *first <= code);
                match at.checked_sub(1).map(|i| self.cid_widths[i]) {
                    Some((_, last, w)) if code <= last => w,
                    _ => self.default_width,
                }
            }
            // Codes are not CIDs: half width for ASCII, else the default.
            _ if len == 1 || code < 0x80 => self.default_width / 2.0,
            _ => self.default_width,
        };
        w * self.scale
    }

    fn text(&self, code: u32, bytes: &[u8]) -> Option<String> {
        if let Some(Encoding::UnicodeMapEncoding(cmap)) = &self.to_unicode
            && let Some(units) = cmap.get(code, bytes.len() as u8)
        {
            let s: String = char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect();
            if !s.is_empty() && !s.contains(char::REPLACEMENT_CHARACTER) {
                return Some(s);
            }
        }
        match self.fallback {
            Fallback::Simple => self.encoding.get(code as usize)?.clone(),
            Fallback::Ucs2 => char::from_u32(code).map(String::from),
            Fallback::Gbk => {
                let (s, _, bad) = encoding_rs::GBK.decode(bytes);
                (!bad).then(|| s.into_owned())
            }
            Fallback::None => None,
        }
    }

    /// Splits a string into codes: `(code, bytes)`.
    fn split<'b>(&self, s: &'b [u8]) -> Vec<(u32, &'b [u8])> {
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            let len = match self.codes {
                Codes::One => 1,
                Codes::Two => 2,
                Codes::Gbk if s[i] < 0x81 => 1,
                Codes::Gbk => 2,
            }
            .min(s.len() - i);
            let bytes = &s[i..i + len];
            let code = bytes.iter().fold(0u32, |acc, b| acc << 8 | u32::from(*b));
            out.push((code, bytes));
            i += len;
        }
        out
    }
}

/// The `ToUnicode` CMap of a font dictionary, parsed by lopdf (which only
/// exposes it through a font's encoding: a dictionary with nothing else
/// gets it).
fn to_unicode(doc: &Document, font: &Dictionary, limit: usize) -> Result<Option<Encoding<'static>>, PdfError> {
    let Ok(object) = font.get(b"ToUnicode") else {
        return Ok(None);
    };
    let mut bare = Dictionary::new();
    bare.set("Type", Object::Name(b"Font".to_vec()));
    bare.set("ToUnicode", object.clone());
    match bare.get_font_encoding_with_limit(doc, limit) {
        Ok(Encoding::UnicodeMapEncoding(cmap)) => Ok(Some(Encoding::UnicodeMapEncoding(cmap))),
        Err(lopdf::Error::Decompress(e)) => Err(PdfError::TooLarge {
            reason: format!("a font's ToUnicode map: {e}"),
        }),
        _ => Ok(None),
    }
}

/// Each byte's text by a simple font's encoding (lopdf's reading of
/// `Encoding`, `Differences` and, without them, `ToUnicode`).
fn byte_table(doc: &Document, font: &Dictionary, limit: usize) -> Vec<Option<String>> {
    let Ok(encoding) = font.get_font_encoding_with_limit(doc, limit) else {
        return vec![None; 256];
    };
    (0..=255u8)
        .map(|b| {
            let s = encoding.bytes_to_string(&[b]).ok()?;
            let usable = !s.is_empty() && !s.contains(char::REPLACEMENT_CHARACTER) && !s.contains('\0');
            usable.then_some(s)
        })
        .collect()
}

fn deref<'d>(doc: &'d Document, o: &'d Object) -> Option<&'d Object> {
    doc.dereference(o).ok().map(|(_, o)| o)
}

fn dict_of<'d>(doc: &'d Document, d: &'d Dictionary, key: &[u8]) -> Option<&'d Dictionary> {
    deref(doc, d.get(key).ok()?)?.as_dict().ok()
}

fn array_of<'d>(doc: &'d Document, d: &'d Dictionary, key: &[u8]) -> Option<&'d Vec<Object>> {
    deref(doc, d.get(key).ok()?)?.as_array().ok()
}

fn number_of(doc: &Document, d: &Dictionary, key: &[u8]) -> Option<f64> {
    number(deref(doc, d.get(key).ok()?)?)
}

fn load_font(doc: &Document, dict: &Dictionary, limits: &Limits) -> Result<Font, PdfError> {
    let subtype = dict.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
    let to_unicode = to_unicode(doc, dict, limits.stream_bytes)?;
    if subtype == b"Type0" {
        let cmap = match dict.get(b"Encoding").ok().and_then(|o| deref(doc, o)) {
            Some(Object::Name(n)) => n.clone(),
            _ => Vec::new(),
        };
        let cmap = String::from_utf8_lossy(&cmap).into_owned();
        let (codes, fallback) = if cmap.contains("UCS2") || cmap.contains("UTF16") {
            (Codes::Two, Fallback::Ucs2)
        } else if cmap.starts_with("GBK") || cmap.starts_with("GB-EUC") || cmap.starts_with("GBpc-EUC") {
            (Codes::Gbk, Fallback::Gbk)
        } else {
            (Codes::Two, Fallback::None)
        };
        let descendant = array_of(doc, dict, b"DescendantFonts")
            .and_then(|a| a.first())
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        let mut cid_widths = Vec::new();
        let mut default_width = 1000.0;
        if let Some(cid) = descendant {
            default_width = number_of(doc, cid, b"DW").unwrap_or(1000.0);
            if let Some(w) = array_of(doc, cid, b"W") {
                cid_widths = parse_w(doc, w, limits.width_entries);
            }
        }
        return Ok(Font {
            codes,
            fallback,
            to_unicode,
            encoding: Vec::new(),
            first_char: 0,
            widths: Vec::new(),
            cid_widths,
            default_width,
            scale: 0.001,
        });
    }
    let scale = if subtype == b"Type3" {
        array_of(doc, dict, b"FontMatrix")
            .and_then(|m| m.first())
            .and_then(number)
            .unwrap_or(0.001)
    } else {
        0.001
    };
    let first_char = number_of(doc, dict, b"FirstChar").unwrap_or(0.0).clamp(0.0, 255.0) as u32;
    let widths: Vec<f64> = array_of(doc, dict, b"Widths")
        .map(|a| {
            a.iter()
                .take(256)
                .map(|o| deref(doc, o).and_then(number).unwrap_or(0.0))
                .collect()
        })
        .unwrap_or_default();
    let missing = dict_of(doc, dict, b"FontDescriptor").and_then(|fd| number_of(doc, fd, b"MissingWidth"));
    let base = dict.get(b"BaseFont").and_then(Object::as_name).unwrap_or(b"");
    let default_width = missing.filter(|w| *w > 0.0).unwrap_or(if base.starts_with(b"Courier") {
        600.0
    } else if subtype == b"Type3" {
        0.0
    } else {
        500.0
    });
    Ok(Font {
        codes: Codes::One,
        fallback: Fallback::Simple,
        to_unicode,
        encoding: byte_table(doc, dict, limits.stream_bytes),
        first_char,
        widths,
        cid_widths: Vec::new(),
        default_width,
        scale: if scale.is_finite() && scale != 0.0 {
            scale
        } else {
            0.001
        },
    })
}

/// A CID font's `W` array: `c [w1 w2 …]` and `c_first c_last w`.
fn parse_w(doc: &Document, w: &[Object], max: usize) -> Vec<(u32, u32, f64)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < w.len() && out.len() < max {
        let Some(first) = number(&w[i]).filter(|v| *v >= 0.0) else {
            break;
        };
        let first = first as u32;
        match w.get(i + 1).and_then(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                for (k, o) in list.iter().enumerate().take(max.saturating_sub(out.len())) {
                    if let Some(v) = number(o) {
                        let c = first.saturating_add(k as u32);
                        out.push((c, c, v));
                    }
                }
                i += 2;
            }
            Some(o) => {
                let (Some(last), Some(v)) = (number(o), w.get(i + 2).and_then(number)) else {
                    break;
                };
                if last >= f64::from(first) {
                    out.push((first, last.min(f64::from(u32::MAX)) as u32, v));
                }
                i += 3;
            }
            None => break,
        }
    }
    out.sort_by_key(|(first, _, _)| *first);
    out
}

#[derive(Clone)]
struct TextState {
    char_spacing: f64,
    word_spacing: f64,
    hscale: f64,
    leading: f64,
    font: Option<Rc<Font>>,
    size: f64,
    rise: f64,
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    text: TextState,
    /// The stroking and non-stroking colours are white: what they paint
    /// is no rule.
    stroke_white: bool,
    fill_white: bool,
}

/// Colour operands that make white: gray 1, RGB 1 1 1, CMYK 0 0 0 0.
fn white(operands: &[Object]) -> bool {
    let v: Vec<f64> = operands.iter().filter_map(number).collect();
    if v.len() != operands.len() {
        return false;
    }
    match v.len() {
        1 | 3 => v.iter().all(|c| *c >= 0.99),
        4 => v.iter().all(|c| *c <= 0.01),
        _ => false,
    }
}

/// Reads every page, one at a time, through `each`.
pub(crate) fn pages(
    doc: &Document,
    budget: &mut Budget,
    mut each: impl FnMut(Page) -> Result<(), PdfError>,
) -> Result<usize, PdfError> {
    let mut fonts: HashMap<ObjectId, Rc<Font>> = HashMap::new();
    let mut count = 0;
    for page_id in doc.page_iter() {
        count += 1;
        if count > budget.limits.pages {
            return Err(PdfError::TooLarge {
                reason: format!("it has more than {} pages", budget.limits.pages),
            });
        }
        let page = read_page(doc, page_id, budget, &mut fonts)?;
        each(page)?;
    }
    Ok(count)
}

fn page_box(doc: &Document, page_id: ObjectId) -> [f64; 4] {
    // MediaBox may be inherited from the page tree.
    let mut node = doc.get_dictionary(page_id).ok();
    let mut hops = 0;
    while let Some(d) = node {
        if let Some(a) = array_of(doc, d, b"MediaBox") {
            let v: Vec<f64> = a.iter().filter_map(|o| deref(doc, o).and_then(number)).collect();
            if let [x0, y0, x1, y1] = v[..] {
                return [x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)];
            }
        }
        hops += 1;
        if hops > 64 {
            break;
        }
        node = d
            .get(b"Parent")
            .and_then(Object::as_reference)
            .ok()
            .and_then(|id| doc.get_dictionary(id).ok());
    }
    [0.0, 0.0, 612.0, 792.0]
}

fn read_page(
    doc: &Document,
    page_id: ObjectId,
    budget: &mut Budget,
    fonts: &mut HashMap<ObjectId, Rc<Font>>,
) -> Result<Page, PdfError> {
    let [x0, y0, x1, y1] = page_box(doc, page_id);
    let content = doc
        .get_page_content_with_limit(page_id, budget.limits.stream_bytes)
        .map_err(|e| match e {
            lopdf::Error::Decompress(e) => PdfError::TooLarge {
                reason: format!("a page's content: {e}"),
            },
            e => PdfError::Malformed {
                message: format!("a page's content: {e}"),
            },
        })?;
    budget.content(content.len())?;
    let resources = page_resources(doc, page_id);
    // Device space: from the media box's top-left corner, y down.
    let device = Matrix([1.0, 0.0, 0.0, -1.0, -x0, y1]);
    let mut reader = PageReader {
        doc,
        budget,
        fonts,
        page: Page {
            width: (x1 - x0) as f32,
            height: (y1 - y0) as f32,
            ..Page::default()
        },
        path: Vec::new(),
        path_start: None,
        current: None,
    };
    reader.run(&content, resources.as_ref(), device, 0)?;
    Ok(reader.page)
}

/// The page's resources, merged from the page and its ancestors (nearest first).
fn page_resources(doc: &Document, page_id: ObjectId) -> Option<Dictionary> {
    let (direct, ids) = doc.get_page_resources(page_id).ok()?;
    let mut merged = Dictionary::new();
    let all = direct
        .into_iter()
        .chain(ids.iter().filter_map(|id| doc.get_dictionary(*id).ok()));
    for d in all {
        for (k, v) in d.iter() {
            if !merged.has(k) {
                merged.set(k.clone(), v.clone());
            }
        }
    }
    Some(merged)
}

struct PageReader<'d, 'b> {
    doc: &'d Document,
    budget: &'b mut Budget,
    fonts: &'b mut HashMap<ObjectId, Rc<Font>>,
    page: Page,
    /// Straight segments of the current path, in device space.
    path: Vec<(f64, f64, f64, f64)>,
    path_start: Option<(f64, f64)>,
    current: Option<(f64, f64)>,
}

impl<'d> PageReader<'d, '_> {
    fn font(&mut self, resources: Option<&Dictionary>, name: &[u8]) -> Result<Option<Rc<Font>>, PdfError> {
        let Some(fonts) = resources.and_then(|r| dict_of(self.doc, r, b"Font")) else {
            return Ok(None);
        };
        let Ok(entry) = fonts.get(name) else {
            return Ok(None);
        };
        let id = entry.as_reference().ok();
        if let Some(font) = id.and_then(|id| self.fonts.get(&id)) {
            return Ok(Some(font.clone()));
        }
        let Some(dict) = deref(self.doc, entry).and_then(|o| o.as_dict().ok()) else {
            return Ok(None);
        };
        let font = Rc::new(load_font(self.doc, dict, &self.budget.limits)?);
        if let Some(id) = id {
            self.fonts.insert(id, font.clone());
        }
        Ok(Some(font))
    }

    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&Dictionary>,
        base: Matrix,
        depth: usize,
    ) -> Result<(), PdfError> {
        let mut state = State {
            ctm: base,
            text: TextState {
                char_spacing: 0.0,
                word_spacing: 0.0,
                hscale: 1.0,
                leading: 0.0,
                font: None,
                size: 0.0,
                rise: 0.0,
            },
            stroke_white: false,
            fill_white: false,
        };
        let mut stack: Vec<State> = Vec::new();
        let mut dropped = 0usize;
        let mut tm = Matrix::IDENTITY;
        let mut tlm = Matrix::IDENTITY;
        for op in Content::decode_iter(content) {
            // A damaged stream: keep what was read before the damage.
            let Ok(op) = op else { break };
            self.budget.operation()?;
            let args = &op.operands;
            let num = |i: usize| args.get(i).and_then(number).filter(|v| v.is_finite());
            match op.operator.as_str() {
                "q" if stack.len() < self.budget.limits.state_depth => stack.push(state.clone()),
                // Saves past the depth limit are counted, not kept.
                "q" => dropped += 1,
                "Q" if dropped > 0 => dropped -= 1,
                "Q" => {
                    if let Some(s) = stack.pop() {
                        state = s;
                    }
                }
                "cm" => {
                    if let Some(m) = Matrix::of(args) {
                        state.ctm = m.then(&state.ctm);
                    }
                }
                "BT" => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                "Tc" => state.text.char_spacing = num(0).unwrap_or(0.0),
                "Tw" => state.text.word_spacing = num(0).unwrap_or(0.0),
                "Tz" => state.text.hscale = num(0).unwrap_or(100.0) / 100.0,
                "TL" => state.text.leading = num(0).unwrap_or(0.0),
                "Ts" => state.text.rise = num(0).unwrap_or(0.0),
                "Tf" => {
                    state.text.size = num(1).unwrap_or(0.0);
                    state.text.font = match args.first().and_then(|o| o.as_name().ok()) {
                        Some(name) => self.font(resources, name)?,
                        None => None,
                    };
                }
                "Td" | "TD" => {
                    let (tx, ty) = (num(0).unwrap_or(0.0), num(1).unwrap_or(0.0));
                    if op.operator == "TD" {
                        state.text.leading = -ty;
                    }
                    tlm = Matrix::translate(tx, ty).then(&tlm);
                    tm = tlm;
                }
                "Tm" => {
                    if let Some(m) = Matrix::of(args) {
                        tlm = m;
                        tm = m;
                    }
                }
                "T*" => {
                    tlm = Matrix::translate(0.0, -state.text.leading).then(&tlm);
                    tm = tlm;
                }
                "Tj" => {
                    if let Some(Ok(s)) = args.first().map(Object::as_str) {
                        self.show(&state, &mut tm, s)?;
                    }
                }
                "'" | "\"" => {
                    if op.operator == "\"" {
                        state.text.word_spacing = num(0).unwrap_or(0.0);
                        state.text.char_spacing = num(1).unwrap_or(0.0);
                    }
                    tlm = Matrix::translate(0.0, -state.text.leading).then(&tlm);
                    tm = tlm;
                    if let Some(Ok(s)) = args.last().map(Object::as_str) {
                        self.show(&state, &mut tm, s)?;
                    }
                }
                "TJ" => {
                    if let Some(Ok(items)) = args.first().map(Object::as_array) {
                        for item in items {
                            match item {
                                Object::String(s, _) => self.show(&state, &mut tm, s)?,
                                o => {
                                    if let Some(adjust) = number(o).filter(|v| v.is_finite()) {
                                        let tx = -adjust / 1000.0 * state.text.size * state.text.hscale;
                                        tm = Matrix::translate(tx, 0.0).then(&tm);
                                    }
                                }
                            }
                        }
                    }
                }
                "Do" => {
                    if let Some(name) = args.first().and_then(|o| o.as_name().ok()) {
                        self.form(resources, name, &state, depth)?;
                    }
                }
                // Paths: only straight segments count, for ruling lines.
                "m" => {
                    if let (Some(x), Some(y)) = (num(0), num(1)) {
                        let p = state.ctm.apply(x, y);
                        self.path_start = Some(p);
                        self.current = Some(p);
                    }
                }
                "l" => {
                    if let (Some(x), Some(y), Some(from)) = (num(0), num(1), self.current) {
                        let p = state.ctm.apply(x, y);
                        self.segment(from, p);
                        self.current = Some(p);
                    }
                }
                "c" | "v" | "y" => {
                    // Curves are not rules; the path goes on from their end.
                    let n = args.len();
                    if let (Some(x), Some(y)) = (n.checked_sub(2).and_then(num), n.checked_sub(1).and_then(num)) {
                        self.current = Some(state.ctm.apply(x, y));
                    }
                }
                "h" => {
                    if let (Some(from), Some(to)) = (self.current, self.path_start) {
                        self.segment(from, to);
                        self.current = Some(to);
                    }
                }
                "re" => {
                    if let (Some(x), Some(y), Some(w), Some(h)) = (num(0), num(1), num(2), num(3)) {
                        let corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)];
                        let p: Vec<(f64, f64)> = corners.iter().map(|(x, y)| state.ctm.apply(*x, *y)).collect();
                        for i in 0..4 {
                            self.segment(p[i], p[(i + 1) % 4]);
                        }
                        self.path_start = Some(p[0]);
                        self.current = Some(p[0]);
                    }
                }
                "G" | "RG" | "K" | "SC" | "SCN" => state.stroke_white = white(args),
                "g" | "rg" | "k" | "sc" | "scn" => state.fill_white = white(args),
                "CS" => state.stroke_white = false,
                "cs" => state.fill_white = false,
                "S" | "s" => self.paint(state.stroke_white),
                "f" | "F" | "f*" => self.paint(state.fill_white),
                "B" | "B*" | "b" | "b*" => self.paint(state.stroke_white && state.fill_white),
                "n" => self.clear_path(),
                _ => {}
            }
        }
        Ok(())
    }

    fn segment(&mut self, a: (f64, f64), b: (f64, f64)) {
        if self.path.len() < self.budget.limits.rules {
            self.path.push((a.0, a.1, b.0, b.1));
        }
    }

    fn clear_path(&mut self) {
        self.path.clear();
        self.path_start = None;
        self.current = None;
    }

    /// A painted path: its horizontal and vertical segments are rules, and a
    /// thin filled rectangle is one rule along its length.
    fn paint(&mut self, invisible: bool) {
        let segments = std::mem::take(&mut self.path);
        self.clear_path();
        if invisible {
            return;
        }
        if segments.len() == 4 {
            // A rectangle thinner than 2pt: one rule along its middle.
            let xs = segments.iter().flat_map(|s| [s.0, s.2]);
            let ys = segments.iter().flat_map(|s| [s.1, s.3]);
            let (x0, x1) = xs.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
            let (y0, y1) = ys.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
            if y1 - y0 < 2.0 && x1 - x0 >= 2.0 {
                let y = (y0 + y1) / 2.0;
                self.rule(x0, y, x1, y);
                return;
            }
            if x1 - x0 < 2.0 && y1 - y0 >= 2.0 {
                let x = (x0 + x1) / 2.0;
                self.rule(x, y0, x, y1);
                return;
            }
        }
        for (ax, ay, bx, by) in segments {
            if (ay - by).abs() < 0.5 && (ax - bx).abs() >= 2.0 {
                self.rule(ax.min(bx), ay, ax.max(bx), ay);
            } else if (ax - bx).abs() < 0.5 && (ay - by).abs() >= 2.0 {
                self.rule(ax, ay.min(by), ax, ay.max(by));
            }
        }
    }

    fn rule(&mut self, x0: f64, y0: f64, x1: f64, y1: f64) {
        let (w, h) = (f64::from(self.page.width), f64::from(self.page.height));
        // Page-sized frames and off-page lines are not table rules.
        if x1 - x0 > w * 0.98 || y1 - y0 > h * 0.98 || x1 < 0.0 || y1 < 0.0 || x0 > w || y0 > h {
            return;
        }
        if self.budget.rules < self.budget.limits.rules {
            self.budget.rules += 1;
            self.page.rules.push(Rule {
                x0: x0 as f32,
                y0: y0 as f32,
                x1: x1 as f32,
                y1: y1 as f32,
            });
        }
    }

    fn form(
        &mut self,
        resources: Option<&Dictionary>,
        name: &[u8],
        state: &State,
        depth: usize,
    ) -> Result<(), PdfError> {
        if depth >= self.budget.limits.form_depth {
            return Ok(());
        }
        let doc = self.doc;
        let Some(stream) = resources
            .and_then(|r| dict_of(doc, r, b"XObject"))
            .and_then(|x| x.get(name).ok())
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_stream().ok())
        else {
            return Ok(());
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form") {
            return Ok(());
        }
        let content = match stream.decompressed_content_with_limit(self.budget.limits.stream_bytes) {
            Ok(c) => c,
            Err(lopdf::Error::Decompress(e)) => {
                return Err(PdfError::TooLarge {
                    reason: format!("a form's content: {e}"),
                });
            }
            Err(_) if stream.dict.get(b"Filter").is_err() => stream.content.clone(),
            Err(_) => return Ok(()),
        };
        self.budget.content(content.len())?;
        let matrix = array_of(doc, &stream.dict, b"Matrix")
            .and_then(|a| Matrix::of(a))
            .unwrap_or(Matrix::IDENTITY);
        let own = dict_of(doc, &stream.dict, b"Resources").cloned();
        let resources = own.as_ref().or(resources);
        // The form draws with the state it is invoked in, its matrix first.
        let saved = std::mem::take(&mut self.path);
        self.run(&content, resources, matrix.then(&state.ctm), depth + 1)?;
        self.path = saved;
        Ok(())
    }

    fn show(&mut self, state: &State, tm: &mut Matrix, s: &[u8]) -> Result<(), PdfError> {
        let t = &state.text;
        let Some(font) = t.font.clone() else {
            return Ok(());
        };
        let params = Matrix([t.size * t.hscale, 0.0, 0.0, t.size, 0.0, t.rise]);
        for (code, bytes) in font.split(s) {
            let w0 = font.width(code, bytes.len());
            let trm = params.then(tm).then(&state.ctm);
            let (x0, y0) = trm.apply(0.0, 0.0);
            let (x1, _) = trm.apply(w0.max(0.0), 0.0);
            let [_, _, c, d, _, _] = trm.0;
            let size = (c * c + d * d).sqrt();
            match font.text(code, bytes) {
                Some(text) => {
                    self.budget.glyph()?;
                    let (lo, hi) = if x0 <= x1 { (x0, x1) } else { (x1, x0) };
                    if text.chars().any(|c| !c.is_whitespace()) && size > 0.0 && size.is_finite() {
                        self.page.glyphs.push(Glyph {
                            text,
                            x0: lo as f32,
                            x1: hi as f32,
                            y: y0 as f32,
                            size: size as f32,
                        });
                    }
                }
                None => self.page.unmapped += 1,
            }
            let space = if bytes.len() == 1 && code == 32 {
                t.word_spacing
            } else {
                0.0
            };
            let tx = (w0 * t.size + t.char_spacing + space) * t.hscale;
            *tm = Matrix::translate(tx, 0.0).then(tm);
        }
        Ok(())
    }
}
