//! Build-time SVG charts: well-formed markup, text alternative, geometry,
//! comparison bars, escaping, no inline styles, determinism.

use std::str::FromStr;

use gongkai_portal::charts::{Bar, BarChart, bar_chart};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn bar(label: &str, value: &str) -> Bar {
    Bar {
        label: label.to_string(),
        value: d(value),
        compare: None,
        href: None,
    }
}

fn functional() -> BarChart {
    BarChart {
        id: "chart-func".to_string(),
        title: "支出按功能分类（类）".to_string(),
        unit: "万元".to_string(),
        legend: None,
        bars: vec![
            bar("一般公共服务支出", "1604.63"),
            bar("社会保障和就业支出", "293.67"),
            bar("卫生健康支出", "0"),
            bar("住房保障支出", "201.02"),
        ],
    }
}

fn comparison() -> BarChart {
    let mut chart = functional();
    chart.id = "chart-cmp".to_string();
    chart.legend = Some(("2022年".to_string(), "2021年".to_string()));
    chart.bars[0].compare = Some(d("1500"));
    chart.bars[1].compare = Some(d("56.10"));
    chart.bars[2].compare = Some(d("0"));
    chart.bars[3].compare = Some(d("1800.5"));
    chart.bars[0].href = Some("#t1-r3".to_string());
    chart
}

/// An element of the parsed markup.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
    /// Text directly inside, entities resolved.
    text: String,
}

impl Node {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_whitespace().any(|x| x == class))
    }

    /// Every descendant (and self), in document order.
    fn all(&self) -> Vec<&Node> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.all());
        }
        out
    }

    fn find(&self, name: &str) -> Vec<&Node> {
        self.all().into_iter().filter(|n| n.name == name).collect()
    }

    fn by_class(&self, class: &str) -> Vec<&Node> {
        self.all().into_iter().filter(|n| n.has_class(class)).collect()
    }

    fn by_id(&self, id: &str) -> &Node {
        let found: Vec<&Node> = self.all().into_iter().filter(|n| n.attr("id") == Some(id)).collect();
        assert_eq!(found.len(), 1, "exactly one element with id {id}");
        found[0]
    }

    /// All text inside, in document order.
    fn deep_text(&self) -> String {
        let mut s = self.text.clone();
        for c in &self.children {
            s.push_str(&c.deep_text());
        }
        s
    }

    fn num(&self, key: &str) -> f64 {
        self.attr(key)
            .unwrap_or_else(|| panic!("{} has no {key}", self.name))
            .parse()
            .expect("a number")
    }
}

fn allowed(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

fn element(e: &BytesStart<'_>) -> Node {
    let name = String::from_utf8(e.name().as_ref().to_vec()).expect("utf-8 name");
    let mut attrs: Vec<(String, String)> = Vec::new();
    for a in e.attributes() {
        let a = a.expect("well-formed attribute (no duplicates, quoted)");
        let key = String::from_utf8(a.key.as_ref().to_vec()).expect("utf-8 key");
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .expect("attribute escapes")
            .into_owned();
        attrs.push((key, value));
    }
    Node {
        name,
        attrs,
        ..Node::default()
    }
}

/// Parses the markup as XML, checking it is well-formed: one root, balanced
/// and matching tags, only predefined or character references, XML 1.0
/// characters only.
fn parse(xml: &str) -> Node {
    assert!(xml.chars().all(allowed), "a character XML 1.0 forbids");
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(element(&e)),
            Event::Empty(e) => {
                let node = element(&e);
                stack.last_mut().expect("parent").children.push(node);
            }
            Event::End(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).expect("utf-8");
                let node = stack.pop().expect("open element");
                assert_eq!(node.name, name);
                stack.last_mut().expect("parent").children.push(node);
            }
            Event::Text(t) => {
                let text = t.decode().expect("utf-8 text");
                assert!(!text.contains('<') && !text.contains('&'));
                let top = stack.last_mut().expect("node");
                if top.name.is_empty() {
                    assert!(text.trim().is_empty(), "text outside the root: {text:?}");
                }
                top.text.push_str(&text);
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().expect("valid char ref") {
                    Some(c) => {
                        assert!(allowed(c), "char ref to a forbidden character");
                        c.to_string()
                    }
                    None => match r.decode().expect("utf-8 ref").as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("undefined entity &{other};"),
                    }
                    .to_string(),
                };
                stack.last_mut().expect("node").text.push_str(&resolved);
            }
            Event::CData(_) | Event::DocType(_) | Event::Decl(_) | Event::PI(_) => {
                panic!("unexpected CDATA, DOCTYPE, declaration or PI")
            }
            Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    let mut doc = stack.pop().expect("document");
    assert!(stack.is_empty(), "unclosed elements");
    assert_eq!(doc.children.len(), 1, "exactly one root element");
    doc.children.pop().expect("root")
}

/// Checks common to every chart: the figure, the aria wiring, no script, no
/// inline style, no event handler attributes.
fn check_common(html: &str, chart: &BarChart) -> Node {
    let root = parse(html);
    assert_eq!(root.name, "figure");
    assert_eq!(root.attr("class"), Some("chart"));
    assert_eq!(root.attr("id"), Some(chart.id.as_str()));
    for n in root.all() {
        assert_ne!(n.name.to_ascii_lowercase(), "script", "a script element");
        assert_ne!(n.name.to_ascii_lowercase(), "style", "a style element");
        assert_ne!(n.name.to_ascii_lowercase(), "foreignobject");
        for (k, _) in &n.attrs {
            let k = k.to_ascii_lowercase();
            assert_ne!(k, "style", "inline style on {}", n.name);
            assert!(!k.starts_with("on"), "event handler {k} on {}", n.name);
        }
        if let Some(href) = n.attr("href") {
            assert!(!href.trim().to_ascii_lowercase().starts_with("javascript:"));
        }
    }
    // Raw markup too: no style attribute or script tag hidden anywhere.
    assert!(!html.contains("style="));
    assert!(!html.to_ascii_lowercase().contains("<script"));
    let captions = root.find("figcaption");
    assert_eq!(captions.len(), 1);
    assert_eq!(captions[0].deep_text(), chart.title);
    root
}

/// The svg of a non-empty chart, with its aria references checked.
fn svg<'a>(root: &'a Node, chart: &BarChart) -> &'a Node {
    let svgs = root.find("svg");
    assert_eq!(svgs.len(), 1);
    let svg = svgs[0];
    let id = &chart.id;
    assert_eq!(svg.attr("role"), Some("img"));
    assert_eq!(
        svg.attr("aria-labelledby"),
        Some(format!("{id}-title {id}-desc").as_str())
    );
    assert_eq!(svg.attr("width"), Some("100%"));
    let view_box: Vec<f64> = svg
        .attr("viewBox")
        .expect("viewBox")
        .split_whitespace()
        .map(|x| x.parse().expect("number"))
        .collect();
    assert_eq!(view_box.len(), 4);
    assert_eq!(view_box[2], 640.0);
    // The referenced title and desc are children of the svg.
    let title = root.by_id(&format!("{id}-title"));
    assert_eq!(title.name, "title");
    assert!(svg.children.iter().any(|c| std::ptr::eq(c, title)));
    let desc = root.by_id(&format!("{id}-desc"));
    assert_eq!(desc.name, "desc");
    svg
}

fn height(svg: &Node) -> f64 {
    svg.attr("viewBox")
        .expect("viewBox")
        .split_whitespace()
        .nth(3)
        .expect("height")
        .parse()
        .expect("number")
}

#[test]
fn title_desc_and_caption() {
    let chart = functional();
    let html = bar_chart(&chart);
    let root = check_common(&html, &chart);
    svg(&root, &chart);
    assert_eq!(root.by_id("chart-func-title").deep_text(), "支出按功能分类（类）");
    assert_eq!(
        root.by_id("chart-func-desc").deep_text(),
        "一般公共服务支出 1604.63万元；社会保障和就业支出 293.67万元；\
         卫生健康支出 0.00万元；住房保障支出 201.02万元。"
    );
}

#[test]
fn one_bar_per_nonzero_value_proportional() {
    let chart = functional();
    let html = bar_chart(&chart);
    let root = check_common(&html, &chart);
    let svg = svg(&root, &chart);

    let rects: Vec<&Node> = svg
        .find("rect")
        .into_iter()
        .filter(|r| r.has_class("chart-bar"))
        .collect();
    assert_eq!(rects.len(), 3, "the zero value draws no bar");
    let widths: Vec<f64> = rects.iter().map(|r| r.num("width")).collect();
    let full = widths[0];
    assert!(full > 300.0, "the largest bar spans the full scale: {full}");
    for (w, v) in widths.iter().zip([1604.63, 293.67, 201.02]) {
        let expected = full * v / 1604.63;
        assert!((w - expected).abs() < 0.02, "width {w} for {v}, expected {expected}");
    }
    // All bars start at the same axis and stay inside the viewBox.
    let x0 = rects[0].num("x");
    for r in &rects {
        assert_eq!(r.num("x"), x0);
        assert!(r.num("x") + r.num("width") <= 640.0);
        assert!(r.num("y") + r.num("height") <= height(svg));
    }

    // Every value is printed, zero included, with two decimals.
    let values: Vec<String> = svg.by_class("chart-value").iter().map(|t| t.deep_text()).collect();
    assert_eq!(values, ["1604.63", "293.67", "0.00", "201.02"]);
    // The labels, and the full label as hover title of each row.
    let labels: Vec<String> = svg.by_class("chart-label").iter().map(|t| t.deep_text()).collect();
    assert_eq!(
        labels,
        ["一般公共服务支出", "社会保障和就业支出", "卫生健康支出", "住房保障支出"]
    );
    for (row, b) in svg.by_class("chart-row").iter().zip(&chart.bars) {
        assert_eq!(row.children[0].name, "title", "title is the row's first child");
        assert_eq!(row.children[0].deep_text(), b.label);
    }
    for label in svg.by_class("chart-label") {
        assert_eq!(label.attr("text-anchor"), Some("end"));
        assert_eq!(label.attr("fill"), Some("#1f2933"));
    }
    // No compare bars or legend in a single-series chart.
    assert!(svg.by_class("chart-bar-compare").is_empty());
    assert!(svg.by_class("chart-legend").is_empty());
}

#[test]
fn height_grows_with_bars() {
    let mut chart = functional();
    let mut heights = Vec::new();
    for extra in ["节能环保支出", "城乡社区支出"] {
        heights.push(height(svg(&parse(&bar_chart(&chart)), &chart)));
        chart.bars.push(bar(extra, "12.5"));
    }
    heights.push(height(svg(&parse(&bar_chart(&chart)), &chart)));
    let step = heights[1] - heights[0];
    assert!(step >= 20.0, "at least 20 units a bar: {step}");
    assert_eq!(heights[2] - heights[1], step, "height is linear in bars");
}

#[test]
fn comparison_bars_and_legend() {
    let chart = comparison();
    let html = bar_chart(&chart);
    let root = check_common(&html, &chart);
    let svg = svg(&root, &chart);

    // Bars inside rows (the legend has swatches with the same classes).
    let rows = svg.by_class("chart-row");
    let this: Vec<&Node> = rows.iter().flat_map(|r| r.by_class("chart-bar")).collect();
    let last: Vec<&Node> = rows.iter().flat_map(|r| r.by_class("chart-bar-compare")).collect();
    assert_eq!(this.len(), 3);
    assert_eq!(last.len(), 3, "zero comparison draws no bar");

    // The scale is shared: the largest of either series (1800.5) is full.
    let full = last[2].num("width");
    for (r, v) in this.iter().zip([1604.63, 293.67, 201.02]) {
        assert!((r.num("width") - full * v / 1800.5).abs() < 0.02);
    }
    for (r, v) in last.iter().zip([1500.0, 56.10, 1800.5]) {
        assert!((r.num("width") - full * v / 1800.5).abs() < 0.02);
    }
    // Thinner than a single-series bar, distinct fills.
    let single = functional();
    let single_html = bar_chart(&single);
    let single_root = parse(&single_html);
    let single_h = single_root.by_class("chart-bar")[0].num("height");
    assert!(this[0].num("height") < single_h);
    assert!(last[0].num("height") < single_h);
    assert_ne!(this[0].attr("fill"), last[0].attr("fill"));
    assert_eq!(last[0].attr("fill"), Some("url(#chart-cmp-hatch)"));
    assert_eq!(root.by_id("chart-cmp-hatch").name, "pattern");

    // Legend from `legend`, with a swatch for each series.
    let legend = svg.by_class("chart-legend");
    assert_eq!(legend.len(), 2);
    assert_eq!(legend[0].deep_text(), "2022年");
    assert_eq!(legend[1].deep_text(), "2021年");
    assert!(!legend[0].by_class("chart-bar").is_empty());
    assert!(!legend[1].by_class("chart-bar-compare").is_empty());

    // Both values printed; the desc carries the comparison.
    let values: Vec<String> = svg.by_class("chart-value").iter().map(|t| t.deep_text()).collect();
    assert_eq!(
        values,
        [
            "1604.63", "1500.00", "293.67", "56.10", "0.00", "0.00", "201.02", "1800.50"
        ]
    );
    let desc = root.by_id("chart-cmp-desc").deep_text();
    assert!(
        desc.contains("社会保障和就业支出 293.67万元（2021年 56.10万元）"),
        "{desc}"
    );
    assert!(desc.contains("一般公共服务支出 1604.63万元（2021年 1500.00万元）"));

    // The linked bar is wrapped in an <a>, the others are not.
    let links = svg.find("a");
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].attr("href"), Some("#t1-r3"));
    assert_eq!(links[0].by_class("chart-row").len(), 1);
    assert_eq!(
        links[0].by_class("chart-row")[0].children[0].deep_text(),
        "一般公共服务支出"
    );
}

#[test]
fn comparison_without_legend_says_last_year() {
    let mut chart = comparison();
    chart.legend = None;
    let root = parse(&bar_chart(&chart));
    let desc = root.by_id("chart-cmp-desc").deep_text();
    assert!(
        desc.contains("社会保障和就业支出 293.67万元（上年 56.10万元）"),
        "{desc}"
    );
    assert_eq!(root.by_class("chart-legend").len(), 2);
}

#[test]
fn hostile_text_is_escaped() {
    let chart = BarChart {
        id: "c\"1".to_string(),
        title: "<b>标题</b> & 'x'".to_string(),
        unit: "万元<i>".to_string(),
        legend: Some(("<script>".to_string(), "a&b".to_string())),
        bars: vec![
            Bar {
                label: "<script>alert(1)</script>".to_string(),
                value: d("10"),
                compare: Some(d("5")),
                href: Some("#a\"><script>alert(2)</script>".to_string()),
            },
            Bar {
                label: "R&D \"研发\" 'x'\u{0}\u{1}".to_string(),
                value: d("5"),
                compare: None,
                href: Some("javascript:alert(3)".to_string()),
            },
        ],
    };
    let html = bar_chart(&chart);
    let root = check_common(&html, &chart);
    svg(&root, &chart);
    assert!(!html.contains("<script"));
    assert!(!html.contains("<b>") && !html.contains("<i>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("R&amp;D"));

    // The text survives escaping (control characters dropped).
    let rows = root.by_class("chart-row");
    assert_eq!(rows[0].children[0].deep_text(), "<script>alert(1)</script>");
    assert_eq!(rows[1].children[0].deep_text(), "R&D \"研发\" 'x'");
    let desc = root.by_id("c\"1-desc").deep_text();
    assert!(desc.starts_with("<script>alert(1)</script> 10.00万元<i>（a&b 5.00万元<i>）"));

    // Only the harmless link is kept, escaped as a whole attribute.
    let links = root.find("a");
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].attr("href"), Some("#a\"><script>alert(2)</script>"));
}

#[test]
fn long_labels_are_cut_but_kept_whole_in_title() {
    let long = "一般公共服务支出其他一般公共服务支出项目";
    let mut chart = functional();
    chart.bars[0].label = long.to_string();
    let root = parse(&bar_chart(&chart));
    let label = root.by_class("chart-label")[0].deep_text();
    assert!(label.ends_with('…'), "{label}");
    assert!(label.chars().count() <= 12);
    assert!(long.starts_with(label.trim_end_matches('…')));
    assert_eq!(root.by_class("chart-row")[0].children[0].deep_text(), long);
    assert!(root.by_id("chart-func-desc").deep_text().contains(long));
}

#[test]
fn empty_chart_says_no_data() {
    let chart = BarChart {
        id: "chart-empty".to_string(),
        title: "政府性基金预算支出".to_string(),
        unit: "万元".to_string(),
        legend: None,
        bars: Vec::new(),
    };
    let html = bar_chart(&chart);
    let root = check_common(&html, &chart);
    assert!(root.deep_text().contains("无数据"));
    assert!(root.find("rect").is_empty());
}

#[test]
fn all_zero_values_draw_no_bars() {
    let mut chart = functional();
    for b in &mut chart.bars {
        b.value = Decimal::ZERO;
    }
    let html = bar_chart(&chart);
    let root = check_common(&html, &chart);
    let svg = svg(&root, &chart);
    assert!(svg.by_class("chart-bar").is_empty());
    assert_eq!(svg.by_class("chart-value").len(), 4);
    assert!(svg.by_class("chart-value").iter().all(|v| v.deep_text() == "0.00"));
}

#[test]
fn deterministic() {
    for chart in [functional(), comparison()] {
        let a = bar_chart(&chart);
        let b = bar_chart(&chart.clone());
        assert_eq!(a, b);
    }
}
