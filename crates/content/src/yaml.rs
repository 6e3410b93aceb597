//! The one YAML writer: every file gongkai writes (`new`, `rollover`,
//! `import`, `diff --write-corrections`) is written through it, so every
//! text is quoted by one policy.
//!
//! The policy, which no text can get around:
//!
//! - a [`Value`] is made only by the functions here: a label or a cell
//!   ([`Value::text`]) is written plain when that is unambiguous YAML in
//!   block and flow context alike, and double-quoted otherwise; prose
//!   ([`Value::quoted`]) is always double-quoted; a number
//!   ([`Value::number`]) is written as it is only when it is a plain
//!   decimal, and as text otherwise;
//! - a double-quoted string escapes every character YAML or the loader
//!   would read differently: `"` and `\`, line breaks, tabs, C0 and C1
//!   controls, U+2028, U+2029, U+FEFF, U+FFFE and U+FFFF;
//! - a comment is one line: line breaks and the characters YAML forbids
//!   become spaces;
//! - keys are the schema's own (`&'static str`), never text from a document.
//!
//! So no text, however hostile, can change a file's structure: whatever a
//! document or an author typed loads back as the same text.

use std::fmt::Write as _;

/// A YAML value ready to be written: made only by the constructors below,
/// which quote text by the policy of this module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value(String);

impl Value {
    /// `~`: none.
    pub fn null() -> Value {
        Value("~".into())
    }

    /// A label or a cell (a name, a code, an indicator value): plain when
    /// that is unambiguous YAML, else double-quoted.
    pub fn text(text: &str) -> Value {
        if plain_safe(text) {
            Value(text.to_string())
        } else {
            Value::quoted(text)
        }
    }

    /// [`Value::text`], or `~` when there is none or it is empty.
    pub fn opt_text(text: Option<&str>) -> Value {
        match text {
            Some(t) if !t.is_empty() => Value::text(t),
            _ => Value::null(),
        }
    }

    /// Prose, or text that must stay a string whatever it looks like (a
    /// department code with leading zeros): always double-quoted.
    pub fn quoted(text: &str) -> Value {
        Value(quote(text))
    }

    /// A number as it was printed (`1030.38`, `-3`, `12`): written as it
    /// is when it is a plain decimal, else as text (so a malformed figure
    /// still reaches the loader, which reports it).
    pub fn number(text: &str) -> Value {
        if is_plain_number(text) {
            Value(text.to_string())
        } else {
            Value::text(text)
        }
    }

    /// [`Value::number`], or `~` when there is none.
    pub fn opt_number(text: Option<&str>) -> Value {
        text.map_or_else(Value::null, Value::number)
    }

    /// A year or a count.
    pub fn int(n: impl Into<u64>) -> Value {
        Value(n.into().to_string())
    }

    /// A flow mapping `{ key: value, … }` (`{}` when empty).
    pub fn map(entries: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
        let parts: Vec<String> = entries.into_iter().map(|(k, v)| format!("{k}: {}", v.0)).collect();
        if parts.is_empty() {
            Value("{}".into())
        } else {
            Value(format!("{{ {} }}", parts.join(", ")))
        }
    }

    /// A flow sequence `[a, b, …]`.
    pub fn seq(items: impl IntoIterator<Item = Value>) -> Value {
        let parts: Vec<String> = items.into_iter().map(|v| v.0).collect();
        Value(format!("[{}]", parts.join(", ")))
    }

    /// The YAML text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A double-quoted YAML scalar with every character that needs it escaped.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}') => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `text` reads back as itself when written plain, in a block
/// mapping and inside `{ }` or `[ ]` alike: letters, digits and the
/// punctuation of Chinese documents, nothing YAML gives a meaning.
fn plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if "-?:,[]{}#&*!|>'\"%@`~ ".contains(first) || text.ends_with(' ') {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    if ["null", "true", "false", "yes", "no", "on", "off", "y", "n"].contains(&lower.as_str()) {
        return false;
    }
    text.chars().all(|c| {
        (c.is_alphanumeric() && !c.is_control())
            || " （）()、，。；：“”‘’《》〈〉【】〔〕·—–-%.．≥≤/／+＋×<>=_~～…".contains(c)
    })
}

/// `12`, `0.5`, `-3.00`: digits with an optional sign and decimal point.
fn is_plain_number(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    match unsigned.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(unsigned),
    }
}

/// A comment's text on one line: line breaks, controls and the characters
/// YAML forbids become spaces.
fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            let forbidden =
                c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}');
            if forbidden { ' ' } else { c }
        })
        .collect()
}

/// A YAML file being written, line by line. Indentation is given in
/// levels of two spaces.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
}

impl Writer {
    /// An empty file.
    pub fn new() -> Writer {
        Writer::default()
    }

    /// Two spaces per level.
    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str("  ");
        }
    }

    /// Ends a line, with its comment.
    fn end(&mut self, comment: Option<&str>) {
        if let Some(c) = comment {
            let _ = write!(self.out, "   # {}", comment_text(c));
        }
        self.out.push('\n');
    }

    /// A comment line (`# text`).
    pub fn comment(&mut self, level: usize, text: &str) -> &mut Self {
        self.indent(level);
        let _ = writeln!(self.out, "# {}", comment_text(text));
        self
    }

    /// An empty line.
    pub fn blank(&mut self) -> &mut Self {
        self.out.push('\n');
        self
    }

    /// `key: value`, with a comment after it.
    pub fn key(&mut self, level: usize, key: &'static str, value: Value, comment: Option<&str>) -> &mut Self {
        self.indent(level);
        let _ = write!(self.out, "{key}: {}", value.0);
        self.end(comment);
        self
    }

    /// `key:`, opening a block mapping or sequence on the lines below.
    pub fn open(&mut self, level: usize, key: &'static str) -> &mut Self {
        self.indent(level);
        let _ = writeln!(self.out, "{key}:");
        self
    }

    /// `key:` over a block sequence of `items`, or `key: []` when there are none.
    pub fn list(&mut self, level: usize, key: &'static str, items: impl IntoIterator<Item = Value>) -> &mut Self {
        let mut items = items.into_iter().peekable();
        if items.peek().is_none() {
            return self.key(level, key, Value("[]".into()), None);
        }
        self.open(level, key);
        for item in items {
            self.item(level + 1, item, None);
        }
        self
    }

    /// `- value`, an item of a block sequence (`level` is the dash's), with
    /// a comment after it.
    pub fn item(&mut self, level: usize, value: Value, comment: Option<&str>) -> &mut Self {
        self.indent(level);
        let _ = write!(self.out, "- {}", value.0);
        self.end(comment);
        self
    }

    /// `- key: value`, the first line of a block mapping that is an item of
    /// a block sequence; its other keys follow at `level + 1`.
    pub fn item_key(&mut self, level: usize, key: &'static str, value: Value, comment: Option<&str>) -> &mut Self {
        self.indent(level);
        let _ = write!(self.out, "- {key}: {}", value.0);
        self.end(comment);
        self
    }

    /// Whether anything but comments and blank lines was written.
    pub fn has_content(&self) -> bool {
        self.out
            .lines()
            .any(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
    }

    /// The file's text.
    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_strings_are_escaped_and_plain_only_when_safe() {
        assert_eq!(Value::quoted("a\"b\\c\nd").as_str(), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(Value::quoted("a: b # c").as_str(), "\"a: b # c\"");
        assert_eq!(
            Value::quoted("a\nb\u{7}\u{9c}\u{2028}").as_str(),
            "\"a\\nb\\u0007\\u009C\\u2028\""
        );
        assert_eq!(Value::text("商品和服务支出").as_str(), "商品和服务支出");
        assert_eq!(Value::text("维修(护)费").as_str(), "维修(护)费");
        assert_eq!(Value::text("a, b").as_str(), "\"a, b\"");
        assert_eq!(Value::text("*x").as_str(), "\"*x\"");
        assert_eq!(Value::text("≥2次").as_str(), "≥2次");
        assert_eq!(Value::text("yes").as_str(), "\"yes\"");
        assert_eq!(Value::text("key: value").as_str(), "\"key: value\"");
        assert_eq!(Value::text("").as_str(), "\"\"");
        assert_eq!(Value::opt_text(Some("")).as_str(), "~");
        assert_eq!(Value::text("“三公”\"x\"\\").as_str(), "\"“三公”\\\"x\\\"\\\\\"");
    }

    #[test]
    fn numbers_are_written_as_they_are_only_when_plain() {
        assert_eq!(Value::number("1030.38").as_str(), "1030.38");
        assert_eq!(Value::number("-3").as_str(), "-3");
        assert_eq!(Value::number("1,000").as_str(), "\"1,000\"");
        assert_eq!(Value::number("1e3").as_str(), "1e3");
    }

    #[test]
    fn comments_stay_on_their_line() {
        let mut w = Writer::new();
        w.comment(0, "小\u{c}计\n# x: y")
            .key(1, "a", Value::null(), Some("b\r\nc"));
        assert_eq!(w.finish(), "# 小 计 # x: y\n  a: ~   # b  c\n");
    }

    #[test]
    fn collections() {
        assert_eq!(Value::map([]).as_str(), "{}");
        assert_eq!(
            Value::map([("general", Value::number("2.50")), ("gov_fund", Value::null())]).as_str(),
            "{ general: 2.50, gov_fund: ~ }"
        );
        assert_eq!(Value::seq([Value::null(), Value::text("a b")]).as_str(), "[~, a b]");
        let mut w = Writer::new();
        w.list(0, "rows", []);
        w.list(0, "goals", [Value::quoted("x")]);
        assert_eq!(w.finish(), "rows: []\ngoals:\n  - \"x\"\n");
    }
}
