"""Find (and with ``--fix`` rewrite) references to documents that are not in the repository.

Fleet was built from documents kept outside the repository (the wire-protocol notes, the
architecture page, the style page, the product specifications, the issue tracker). Code that
cites them ("PROTOCOLS.md §4.5", "spec §5", "FR-6", "../shared/…", "issue 5") sends a reader
nowhere. The repository's own copies are ``docs/protocols.md`` (same section numbers),
``docs/products.md`` (requirement ids prefixed by product, architecture in §A) and
``docs/style.md`` (same rule numbers).

    python scripts/doc_refs.py          # list every reference, exit 1 if any
    python scripts/doc_refs.py --fix    # rewrite the mechanical ones, list what is left

What counts (decided in docs/decisions.md, "Documentation references"):

- ``PROTOCOLS.md``, ``ARCHITECTURE.md``, ``STYLE.md``, ``../shared/…``, ``spec §n``, ``FR-n``,
  ``NFR-n``, ``SC-n``, ``US-n`` anywhere in code (.py, .toml, .yml, Makefile) and Markdown,
  except where the line already cites ``docs/products.md`` before the id.
- ``issue N`` in code only. In Markdown it may stay as history (``docs/decisions.md``) or as a
  citation of a public project's tracker ("ccxt issue 25150").
- ``/work/shared/…`` paths are test DATA read at run time, not document citations: listed under
  "data" for information, never rewritten, not counted as a failure.

The product of a ``spec §n`` citation comes from the file's path (copytrade → copy-trading,
alpha → alpha, futures → futures, orders / event → event-contracts); three-digit ids (FR-018,
SC-007) and user stories (US-4) are the Alpha bot's, one-digit FR ids the copy-trading
product's. A citation whose product cannot be told is left for a human. Citations of our own
docs that name a section or requirement they lack are reported as "dangling".
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE_SUFFIXES = {".py", ".toml", ".yml", ".yaml"}
CODE_NAMES = {"Makefile", "Dockerfile"}
DOC_SUFFIXES = {".md"}
SKIP_DIRS = {".git", ".venv", "node_modules", "var", "__pycache__", ".mypy_cache", ".ruff_cache"}
# The documents that define the labels, and this checker with its test, mention the patterns
# on purpose.
SKIP_FILES = {
    "docs/products.md",
    "docs/protocols.md",
    "docs/style.md",
    "scripts/doc_refs.py",
    "tests/test_doc_refs.py",
}

ARCH_SECTIONS = {
    "the four products": "§A.1",
    "processes": "§A.2",
    "orders are placed exactly once": "§A.3",
    "data and money": "§A.4",
    "secrets": "§A.5",
    "environments per exchange account": "§A.6",
    "configuration": "§A.6",
    "layout": "§A.7",
    "scale-out": "§A.8",
}
PRODUCT_BY_PATH = (
    ("copytrade", "copy-trading"),
    ("alpha", "alpha"),
    ("futures", "futures"),
    ("event_orders", "event-contracts"),
    ("orders/", "event-contracts"),
)

ID = r"(?:§\d+(?:\.\d+)*|N?FR-\d+|SC-\d+|US-\d+)"
SHARED_DOC = re.compile(r"(?:\.\./|/work/)?shared/(PROTOCOLS|ARCHITECTURE|STYLE)\.md")
SHARED_SPEC = re.compile(r"\.\./shared/specs/[\w./-]*")
SHARED_OTHER = re.compile(r"\.\./shared/[\w./-]*")
DATA = re.compile(r"/work/shared/[\w./-]*")
# "PROTOCOLS.md", or the bare name followed by a section ("PROTOCOLS §4.2").
PROTOCOLS = re.compile(r"(?<![\w/])PROTOCOLS(?:\.md|(?=\s+§))")
ARCHITECTURE = re.compile(r'(?<![\w/])ARCHITECTURE(?:\.md|(?=\s+[§"]))(?:\s+"([^"]+)")?')
STYLE = re.compile(r"(?<![\w/])STYLE(?:\.md|(?=\s+§))")
RULER = re.compile(r"^\s*#.*?(-{4,})\s*$")
SPEC = re.compile(rf"\b(?:the\s+)?spec\s+({ID}(?:\s*(?:/|,|and|-)\s*{ID})*)")
BARE_ID = re.compile(r"\b(N?FR-\d+|SC-\d+|US-\d)\b")
ISSUE = re.compile(r"\bissues?\s+\d+(?:\s*[-–,]\s*\d+)*", re.IGNORECASE)


@dataclass(frozen=True)
class Ref:
    """One reference to an outside document: where it is, what it says, and its kind."""

    path: str
    line: int
    kind: str  # "fixable", "human", "dangling" or "data"
    text: str


def iter_files(root: Path) -> Iterator[Path]:
    """Every code and Markdown file of the tree, skipping tool and virtualenv folders."""
    for path in sorted(root.rglob("*")):
        if any(part in SKIP_DIRS for part in path.relative_to(root).parts):
            continue
        if not path.is_file() or path.relative_to(root).as_posix() in SKIP_FILES:
            continue
        if path.suffix in CODE_SUFFIXES | DOC_SUFFIXES or path.name in CODE_NAMES:
            yield path


def is_code(path: Path) -> bool:
    """Code files, where even "issue N" is an outside reference."""
    return path.suffix in CODE_SUFFIXES or path.name in CODE_NAMES


def product_for(rel_path: str, ids: str) -> str | None:
    """The product a requirement id belongs to, from the id's shape or the file's path."""
    if re.search(r"(?:FR|SC)-\d{3}|US-\d", ids):
        return "alpha"
    if re.fullmatch(r"FR-\d", ids.split("/")[0].strip()):
        return "copy-trading"
    for needle, product in PRODUCT_BY_PATH:
        if needle in rel_path:
            return product
    return None


def fix_line(line: str, rel_path: str) -> str:
    """The line with every mechanical reference rewritten to the repository's own docs."""
    return _keep_ruler_width(line, _rewrite(line, rel_path))


def _rewrite(line: str, rel_path: str) -> str:
    line = SHARED_DOC.sub(lambda m: m.group(1) + ".md", line)
    line = SHARED_SPEC.sub("docs/products.md", line)
    line = PROTOCOLS.sub("docs/protocols.md", line)
    line = ARCHITECTURE.sub(_architecture, line)
    line = STYLE.sub("docs/style.md", line)
    line = SPEC.sub(lambda m: _spec(m, rel_path), line)
    return _bare_ids(line, rel_path)


def _keep_ruler_width(old: str, new: str) -> str:
    """A ``# --- title (…) ---`` comment keeps its width: the ruler gives up what the text took."""
    ruler = RULER.match(new)
    grown = len(new.rstrip("\n")) - len(old.rstrip("\n"))
    if not ruler or grown <= 0:
        return new
    cut = min(grown, len(ruler.group(1)) - 3)
    return new[: ruler.start(1)] + ruler.group(1)[cut:] + new[ruler.end(1) :]


def _architecture(match: re.Match[str]) -> str:
    title = (match.group(1) or "").strip().lower()
    section = ARCH_SECTIONS.get(title, "§A")
    return f"docs/products.md {section}"


def _spec(match: re.Match[str], rel_path: str) -> str:
    product = product_for(rel_path, match.group(1))
    if product is None:
        return match.group(0)
    return f"docs/products.md {product} {match.group(1)}"


def _bare_ids(line: str, rel_path: str) -> str:
    out, pos = [], 0
    for match in BARE_ID.finditer(line):
        if "products.md" in line[: match.start()]:
            continue
        product = product_for(rel_path, match.group(1))
        if product is None:
            continue
        out.append(line[pos : match.start()] + f"docs/products.md {product} {match.group(1)}")
        pos = match.end()
    return "".join(out) + line[pos:]


def outside_refs(line: str, path: Path) -> list[str]:
    """The outside-document citations a line still makes (empty when it is clean)."""
    found = [m.group(0) for m in SHARED_OTHER.finditer(line)]
    found += [m.group(0) for m in (*PROTOCOLS.finditer(line), *STYLE.finditer(line))]
    found += [m.group(0) for m in ARCHITECTURE.finditer(line)]
    found += [m.group(0) for m in SPEC.finditer(line) if "products.md" not in m.group(0)]
    found += [m.group(0) for m in BARE_ID.finditer(line) if "products.md" not in line[: m.start()]]
    if is_code(path):
        found += [m.group(0) for m in ISSUE.finditer(line)]
    return found


def scan(root: Path = ROOT, *, fix: bool = False) -> list[Ref]:
    """Every outside reference of the tree (after rewriting the mechanical ones if ``fix``)."""
    refs: list[Ref] = []
    for path in iter_files(root):
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        if fix:
            fixed = [fix_line(line, rel) for line in lines]
            if fixed != lines:
                path.write_text("".join(fixed), encoding="utf-8")
                lines = fixed
        for number, line in enumerate(lines, start=1):
            refs += _line_refs(rel, number, line, path)
    return refs


def _line_refs(rel: str, number: int, line: str, path: Path) -> list[Ref]:
    refs = [Ref(rel, number, "data", m.group(0)) for m in DATA.finditer(line)]
    for found in outside_refs(line, path):
        kind = "fixable" if fix_line(line, rel) != line else "human"
        refs.append(Ref(rel, number, kind, found))
    return refs


PROTOCOL_CITE = re.compile(r"docs/protocols\.md((?:(?!docs/).)*)")
PRODUCT_CITE = re.compile(
    r"docs/products\.md\s+(?:(§A(?:\.\d+)?)|(event-contracts|copy-trading|alpha|futures)\s+"
    rf"((?:{ID}|§F\.\d+)(?:\s*/\s*(?:{ID}))*))"
)
STYLE_CITE = re.compile(r"docs/style\.md\s+§(\d+)")


def dangling(root: Path = ROOT) -> list[Ref]:
    """Citations of our own docs that name a section or requirement those docs do not have."""
    protocols = (root / "docs/protocols.md").read_text(encoding="utf-8")
    products = (root / "docs/products.md").read_text(encoding="utf-8")
    style = (root / "docs/style.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^#+ (§[\d.]+) ", protocols, re.MULTILINE))
    refs: list[Ref] = []
    for path in iter_files(root):
        rel = path.relative_to(root).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            missing = _missing(line, sections, products, style)
            refs += [Ref(rel, number, "dangling", text) for text in missing]
    return refs


def _missing(line: str, sections: set[str], products: str, style: str) -> list[str]:
    missing = [
        f"docs/protocols.md {token}"
        for cite in PROTOCOL_CITE.finditer(line)
        for token in re.findall(r"§\d+(?:\.\d+)*", cite.group(1))
        if token not in sections
    ]
    for cite in PRODUCT_CITE.finditer(line):
        missing += _missing_product(cite, products)
    missing += [
        f"docs/style.md §{m.group(1)}"
        for m in STYLE_CITE.finditer(line)
        if not re.search(rf"^{m.group(1)}\. ", style, re.MULTILINE)
    ]
    return missing


def _missing_product(cite: re.Match[str], products: str) -> list[str]:
    if cite.group(1):
        heading = re.search(rf"^#+ {re.escape(cite.group(1))}\b", products, re.MULTILINE)
        return [] if heading else [cite.group(0)]
    chapter = _chapter(products, cite.group(2))
    return [
        f"docs/products.md {cite.group(2)} {token}"
        for token in re.split(r"\s*/\s*", cite.group(3))
        if not re.search(rf"(?<![\w.]){re.escape(token)}(?![\d.]*\d)", chapter)
    ]


def _chapter(products: str, label: str) -> str:
    """The part of docs/products.md about one product (its ``## … (`label`)`` chapter)."""
    match = re.search(rf"^## .*\(`{label}`\)$(.*?)(?=^## |\Z)", products, re.MULTILINE | re.DOTALL)
    return match.group(1) if match else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fix", action="store_true", help="rewrite the mechanical references")
    parser.add_argument("--data", action="store_true", help="also list /work/shared data paths")
    args = parser.parse_args(argv)
    refs = scan(ROOT, fix=args.fix) + dangling(ROOT)
    failing = [ref for ref in refs if ref.kind != "data"]
    for ref in refs:
        if ref.kind != "data" or args.data:
            print(f"{ref.path}:{ref.line}: [{ref.kind}] {ref.text}")
    kinds = ("fixable", "human", "dangling", "data")
    counts = {kind: sum(r.kind == kind for r in refs) for kind in kinds}
    print(
        f"{counts['fixable']} fixable, {counts['human']} for a human, "
        f"{counts['dangling']} citing a section our docs lack, "
        f"{counts['data']} data paths (not failures)",
        file=sys.stderr,
    )
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
