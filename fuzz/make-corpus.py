#!/usr/bin/env python3
"""Builds the working corpora fuzz/corpus/<target>/ from the repository.

    python3 fuzz/make-corpus.py            # every target
    python3 fuzz/make-corpus.py load       # one target

Each corpus gets the committed seeds (fuzz/seeds/<target>/) and everything
the repository has in the target's input layout:

- load: every department-year folder (content/<year>/<code>/ and the
  fixture sites tests/fixtures/check/*/content/<year>/<code>/), its files
  joined with NUL in the order of FILES below (an absent file is an empty
  chunk) - the layout fuzz_targets/load.rs splits again;
- load_fast: the same layout and folders, the `load` seeds, and 20
  department-years written by bench/gen_content.py (seed 1);
- import_text: tests/fixtures/reference/*.txt and tests/fixtures/import/*;
- import_docx: output/*/*/disclosure.docx as they are (written by
  `cargo run --release -- build`), their word/document.xml alone (the
  target packages a non-`PK` input itself), and
  tests/fixtures/import-formats/merged-document.xml;
- import_xlsx: output/*/*/tables.xlsx as it is, and each of its sheets in
  the structured layout (sheet, sharedStrings, styles; NUL-separated).

Files are named by content hash, as libFuzzer names them, so running the
script again adds nothing twice.
"""

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
SEP = b"\0"

# The YAML files gongkai_content::files::FILES declares, in its order (the
# order gongkai_fuzz::load_files() gives the fuzz targets): keep in step.
FILES = [
    "unit.yaml",
    "functions.yaml",
    "economic.yaml",
    "sangong.yaml",
    "projects.yaml",
    "procurement.yaml",
    "assets.yaml",
    "organisation.yaml",
    "prior.yaml",
    "narrative.yaml",
    "corrections.yaml",
]


def joined(dir_: Path) -> bytes:
    chunks = [(dir_ / n).read_bytes() if (dir_ / n).is_file() else b"" for n in FILES]
    return SEP.join(chunks).rstrip(SEP)


def department_years() -> list[Path]:
    dirs = sorted(ROOT.glob("content/*/*/unit.yaml"))
    dirs += sorted(ROOT.glob("tests/fixtures/check/*/content/*/*/unit.yaml"))
    return [d.parent for d in dirs]


def load_inputs():
    for d in department_years():
        yield joined(d)


def load_fast_inputs():
    yield from load_inputs()
    seeds = FUZZ / "seeds" / "load"
    if seeds.is_dir():
        yield from (p.read_bytes() for p in sorted(seeds.iterdir()) if p.is_file())
    with tempfile.TemporaryDirectory() as tmp:
        generator = ROOT / "bench" / "gen_content.py"
        subprocess.run(
            [sys.executable, str(generator), "--n", "20", "--seed", "1", "--out", tmp],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        for unit in sorted(Path(tmp).glob("*/*/unit.yaml")):
            yield joined(unit.parent)


def import_text_inputs():
    for p in sorted(ROOT.glob("tests/fixtures/reference/*.txt")):
        yield p.read_bytes()
    for p in sorted(ROOT.glob("tests/fixtures/import/*")):
        if p.is_file():
            yield p.read_bytes()


def built(name: str) -> list[Path]:
    found = sorted(ROOT.glob(f"output/*/*/{name}"))
    if not found:
        print(f"note: no output/*/*/{name}: run `cargo run --release -- build` first", file=sys.stderr)
    return found


def import_docx_inputs():
    for p in built("disclosure.docx"):
        yield p.read_bytes()
        with zipfile.ZipFile(p) as z:
            yield z.read("word/document.xml")
    merged = ROOT / "tests/fixtures/import-formats/merged-document.xml"
    if merged.is_file():
        yield merged.read_bytes()


def import_xlsx_inputs():
    for p in built("tables.xlsx"):
        yield p.read_bytes()
        with zipfile.ZipFile(p) as z:
            names = set(z.namelist())
            shared = z.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in names else b""
            styles = z.read("xl/styles.xml") if "xl/styles.xml" in names else b""
            for n in sorted(names):
                if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"):
                    # Keep in step with XLSX_PARTS in src/lib.rs.
                    yield SEP.join([z.read(n), shared, styles])


TARGETS = {
    "load": load_inputs,
    "load_fast": load_fast_inputs,
    "import_text": import_text_inputs,
    "import_docx": import_docx_inputs,
    "import_xlsx": import_xlsx_inputs,
}


def main() -> None:
    targets = sys.argv[1:] or list(TARGETS)
    for t in targets:
        out = FUZZ / "corpus" / t
        out.mkdir(parents=True, exist_ok=True)
        inputs = list(TARGETS[t]())
        seeds = FUZZ / "seeds" / t
        if seeds.is_dir():
            inputs += [p.read_bytes() for p in sorted(seeds.iterdir()) if p.is_file()]
        for data in inputs:
            (out / hashlib.sha1(data).hexdigest()).write_bytes(data)
        print(f"{t}: {len(inputs)} inputs -> {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
