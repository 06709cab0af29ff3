"""No code or doc of the repository cites a document outside it, and every citation of our own
docs names a section they have (docs/style.md §10).

THIS TEST FAILS while branches written before the sweep still cite the old outside documents
("PROTOCOLS.md §4.5", "spec §5", "FR-6", "../shared/…", "issue 5"). To fix, from the repository
root:

    python scripts/doc_refs.py --fix   # rewrites the mechanical ones
    python scripts/doc_refs.py         # lists the rest: reword them by hand

The rewriting rules themselves are tested below with tables of lines.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.script_loader import load_script

ROOT = Path(__file__).resolve().parent.parent


doc_refs = load_script("doc_refs")


def _listing(refs) -> str:
    return "\n".join(f"  {r.path}:{r.line}: [{r.kind}] {r.text}" for r in refs)


def test_no_reference_to_documents_outside_the_repository():
    refs = [r for r in doc_refs.scan(ROOT) if r.kind != "data"]
    assert not refs, (
        "references to documents outside the repository — run `python scripts/doc_refs.py "
        "--fix`, then reword what it lists:\n" + _listing(refs)
    )


def test_every_citation_of_our_docs_names_an_existing_section():
    refs = doc_refs.dangling(ROOT)
    assert not refs, "citations of sections our docs do not have:\n" + _listing(refs)


@pytest.mark.parametrize(
    ("path", "line", "fixed"),
    [
        ("trading/x.py", "wire facts (PROTOCOLS.md §4.5)", "wire facts (docs/protocols.md §4.5)"),
        ("docs/a.md", "in `../shared/PROTOCOLS.md`;", "in `docs/protocols.md`;"),
        ("trading/x.py", "header set (PROTOCOLS §4.2).", "header set (docs/protocols.md §4.2)."),
        (
            "trading/x.py",
            "# --- error codes (PROTOCOLS §1.5) ------------------\n",
            "# --- error codes (docs/protocols.md §1.5) ----------\n",
        ),
        ("docs/a.md", "see `../shared/ARCHITECTURE.md`", "see `docs/products.md §A`"),
        (
            "trading/copytrade/services/executor.py",
            'Rules (ARCHITECTURE.md "Orders are placed exactly once", PROTOCOLS.md §10):',
            "Rules (docs/products.md §A.3, docs/protocols.md §10):",
        ),
        (
            "trading/x.py",
            "once, at the edge (STYLE.md §11).",
            "once, at the edge (docs/style.md §11).",
        ),
        (
            "trading/copytrade/views.py",
            "The operator API (spec §5): followers",
            "The operator API (docs/products.md copy-trading §5): followers",
        ),
        (
            "client_desktop/ui/copytrade_tab.py",
            "# accounts (spec FR-6: add / edit)",
            "# accounts (docs/products.md copy-trading FR-6: add / edit)",
        ),
        (
            "trading/alpha/core/machine.py",
            "correct to ±1 (spec SC-007)",
            "correct to ±1 (docs/products.md alpha SC-007)",
        ),
        (
            "trading/alpha/services/events.py",
            "cancel both legs (FR-018) and sell",
            "cancel both legs (docs/products.md alpha FR-018) and sell",
        ),
        (
            "trading/alpha/core/machine.py",
            "both legs filled (spec US-5)",
            "both legs filled (docs/products.md alpha US-5)",
        ),
        ("trading/futures/risk.py", "by the spec §3 rule", "by docs/products.md futures §3 rule"),
        (
            "docs/decisions.md",
            "follow spec FR-6/§7",
            "follow docs/products.md copy-trading FR-6/§7",
        ),
    ],
)
def test_mechanical_rewrites(path, line, fixed):
    assert doc_refs.fix_line(line, path) == fixed
    assert doc_refs.fix_line(fixed, path) == fixed  # rewriting twice changes nothing


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("trading/x.py", "shapes of spec §5"),  # product unknown from the path
        ("client_desktop/core/autotrader.py", "Rules (issue 5, exactly once)"),
        ("tests/x.py", '"""Issue 5 "done when": 20 clients'),
    ],
)
def test_left_for_a_human(path, line):
    assert doc_refs.fix_line(line, path) == line
    assert doc_refs.outside_refs(line, Path(path))


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("docs/simulator.md", "as a ccxt maintainer explains in ccxt issue 25150"),
        ("docs/decisions.md", "decided in issue 12 (history)"),
        ("trading/x.py", "see docs/products.md alpha FR-018 and docs/protocols.md §4.5"),
    ],
)
def test_allowed(path, line):
    assert doc_refs.outside_refs(line, Path(path)) == []


def test_dangling_citations_are_found(tmp_path):
    (tmp_path / "docs").mkdir()
    for name in ("protocols.md", "products.md", "style.md"):
        shutil.copy(ROOT / "docs" / name, tmp_path / "docs" / name)
    (tmp_path / "a.py").write_text(
        '"""docs/protocols.md §4.5 and §4.9; docs/products.md alpha FR-018, alpha FR-099;\n'
        "docs/products.md copy-trading FR-6/§13; docs/products.md §A.3 and docs/products.md §A.9;\n"
        'docs/style.md §11 and docs/style.md §14."""\n',
        encoding="utf-8",
    )
    found = {r.text for r in doc_refs.dangling(tmp_path)}
    assert found == {
        "docs/products.md §A.9",
        "docs/products.md copy-trading §13",
        "docs/protocols.md §4.9",
        "docs/style.md §14",
    }
