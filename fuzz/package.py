#!/usr/bin/env python3
"""Packages a structured import_docx / import_xlsx fuzz input as a real file.

    python3 fuzz/package.py docx INPUT OUT.docx   # INPUT is word/document.xml
    python3 fuzz/package.py xlsx INPUT OUT.xlsx   # INPUT is NUL-separated parts

The package is the one the fuzz target builds (src/lib.rs: the same fixed
parts, stored), so a regression can be handed to gongkai::import::*::read,
`gongkai import`, Word or Excel as a file. An INPUT that starts with `PK` is
already a package and is copied.
"""

import io
import re
import sys
import zipfile
from pathlib import Path

LIB = (Path(__file__).resolve().parent / "src/lib.rs").read_text()


def const(name: str) -> bytes:
    m = re.search(r'pub const %s: &str = r#"(.*?)"#;' % name, LIB, re.S)
    return m.group(1).encode()


def parts_array(name: str) -> list[str]:
    m = re.search(r"pub const %s: \[&str; \d+\] = \[(.*?)\];" % name, LIB, re.S)
    return re.findall(r'"([^"]+)"', m.group(1))


def stored(parts) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in parts:
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


def docx(data: bytes) -> bytes:
    return stored(
        [
            ("[Content_Types].xml", const("DOCX_CONTENT_TYPES")),
            ("_rels/.rels", const("DOCX_RELS")),
            ("word/document.xml", data),
        ]
    )


def xlsx(data: bytes) -> bytes:
    given = [(n, c) for n, c in zip(parts_array("XLSX_PARTS"), data.split(b"\0")) if c]
    parts = [
        ("[Content_Types].xml", const("XLSX_CONTENT_TYPES")),
        ("_rels/.rels", const("XLSX_RELS")),
        ("xl/_rels/workbook.xml.rels", const("XLSX_WORKBOOK_RELS")),
    ]
    if not any(n == "xl/workbook.xml" for n, _ in given):
        parts.append(("xl/workbook.xml", const("XLSX_WORKBOOK")))
    return stored(parts + given)


def main() -> None:
    kind, src, out = sys.argv[1:4]
    data = Path(src).read_bytes()
    if not data.startswith(b"PK"):
        data = {"docx": docx, "xlsx": xlsx}[kind](data)
    Path(out).write_bytes(data)


if __name__ == "__main__":
    main()
