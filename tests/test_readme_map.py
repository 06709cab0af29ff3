"""The README's repository map describes the tree as it is (scripts/readme_map.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.script_loader import load_script

readme_map = load_script("readme_map")

ROOT = Path(__file__).resolve().parent.parent


def test_the_map_matches_the_tree():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_map.problems(ROOT, readme, readme_map.tracked_python(ROOT)) == []


def write(path: Path, lines: int = 1) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x = 1\n" * lines)


def readme(block: str) -> str:
    return f"# T\n\n## Repository map\n\n```\n{block}```\n\n## Next\n"


@pytest.fixture
def tree(tmp_path):
    write(tmp_path / "app" / "__init__.py")
    write(tmp_path / "app" / "big.py", readme_map.BIG_MODULE_LINES)
    write(tmp_path / "app" / "small.py")
    write(tmp_path / "app" / "models.py", readme_map.BIG_MODULE_LINES)
    write(tmp_path / "app" / "sub" / "__init__.py")
    return tmp_path


@pytest.mark.parametrize(
    ("block", "found"),
    [
        ("app/    the app\n  big.py  the big one\n  sub/    a part\n", []),
        # a bare name in a description counts under the folder it describes
        ("app/    the app: big, and sub/ for parts\n", []),
        ("app/    the app\n  sub/    a part\n", ["map omits app/big.py"]),
        ("app/    the app\n  big.py  big\n", ["map omits app/sub"]),
        (
            "app/    the app\n  big.py  big\n  sub/  parts\n  gone.py  moved away\n",
            ["map names app/gone.py but the tree has no such path"],
        ),
        # a description's continuation line is not an entry
        ("app/    the app, big.py and\n                    sub/ with gone.py\n", []),
    ],
)
def test_the_checker_finds_what_the_map_gets_wrong(tree, block, found):
    files = readme_map.tracked_python(tree)
    assert readme_map.problems(tree, readme(block), files) == found
