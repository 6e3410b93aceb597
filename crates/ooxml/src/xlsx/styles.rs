//! The styles part of a workbook (`xl/styles.xml`): number formats, fonts,
//! borders and one cell format per [`Style`].

use std::fmt::Write as _;

use super::{Align, Style, XML_DECL};
use crate::escape_into;

/// `xl/styles.xml` for the styles in order (the first the default):
/// number formats numbered from 164 in order of first use, one font per
/// weight and size, two borders (none, thin).
pub(super) fn styles_xml(styles: &[Style]) -> String {
    let mut formats: Vec<&str> = Vec::new();
    let mut fonts: Vec<(bool, u8)> = vec![(false, 11)];
    for style in styles {
        if let Some(code) = style.number_format.as_deref()
            && code != "General"
            && !formats.contains(&code)
        {
            formats.push(code);
        }
        let font = (style.bold, style.size.unwrap_or(11));
        if !fonts.contains(&font) {
            fonts.push(font);
        }
    }
    let mut out = String::with_capacity(2048);
    out.push_str(XML_DECL);
    out.push_str("<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">");
    if !formats.is_empty() {
        let _ = write!(out, "<numFmts count=\"{}\">", formats.len());
        for (id, code) in (164..).zip(&formats) {
            let _ = write!(out, "<numFmt numFmtId=\"{id}\" formatCode=\"");
            escape_into(&mut out, code);
            out.push_str("\"/>");
        }
        out.push_str("</numFmts>");
    }
    let _ = write!(out, "<fonts count=\"{}\">", fonts.len());
    for (bold, size) in &fonts {
        out.push_str("<font>");
        if *bold {
            out.push_str("<b/>");
        }
        let _ = write!(
            out,
            "<sz val=\"{size}\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
        );
    }
    out.push_str(
        "</fonts><fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>\
         <fill><patternFill patternType=\"gray125\"/></fill></fills>\
         <borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>\
         <border><left style=\"thin\"><color auto=\"1\"/></left><right style=\"thin\"><color auto=\"1\"/></right>\
         <top style=\"thin\"><color auto=\"1\"/></top><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border></borders>\
         <cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>",
    );
    let _ = write!(out, "<cellXfs count=\"{}\">", styles.len());
    for style in styles {
        let format = style
            .number_format
            .as_deref()
            .and_then(|code| formats.iter().position(|f| *f == code))
            .map_or(0, |i| i + 164);
        let font = fonts
            .iter()
            .position(|f| *f == (style.bold, style.size.unwrap_or(11)))
            .unwrap_or(0);
        let border = usize::from(style.border);
        let _ = write!(
            out,
            "<xf numFmtId=\"{format}\" fontId=\"{font}\" fillId=\"0\" borderId=\"{border}\" xfId=\"0\""
        );
        if format != 0 {
            out.push_str(" applyNumberFormat=\"1\"");
        }
        if font != 0 {
            out.push_str(" applyFont=\"1\"");
        }
        if border != 0 {
            out.push_str(" applyBorder=\"1\"");
        }
        let horizontal = match (style.align, style.indent) {
            (Align::General, 0) => None,
            (Align::General | Align::Left, _) => Some("left"),
            (Align::Center, _) => Some("center"),
            (Align::Right, _) => Some("right"),
        };
        if horizontal.is_none() && !style.vertical_center && !style.wrap {
            out.push_str("/>");
            continue;
        }
        out.push_str(" applyAlignment=\"1\"><alignment");
        if let Some(h) = horizontal {
            let _ = write!(out, " horizontal=\"{h}\"");
        }
        if style.vertical_center {
            out.push_str(" vertical=\"center\"");
        }
        if style.wrap {
            out.push_str(" wrapText=\"1\"");
        }
        if style.indent > 0 {
            let _ = write!(out, " indent=\"{}\"", style.indent);
        }
        out.push_str("/></xf>");
    }
    out.push_str(
        "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>\
         <dxfs count=\"0\"/><tableStyles count=\"0\"/></styleSheet>",
    );
    out
}
