"""Check that the README's repository map describes the tree as it is.

The map is the first fenced block under "## Repository map". A line whose first word ends in
"/" or ".py" names an entry; its indentation (two spaces a level) places it under the last
entry one level up. Two rules:

- every named entry exists (no map of a tree that was moved away);
- every Python package and every module of at least ``BIG_MODULE_LINES`` lines (outside
  tests/ and migrations/) is named, as an entry or inside a description, so a newcomer
  finds each one from the map. The app skeleton's names (models.py, views.py, services/ …)
  are described once above the map, so they need not be named app by app.

Run by ``make lint`` and by tests/test_readme_map.py.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIG_MODULE_LINES = 250
ENTRY = re.compile(r"^(?P<indent> {0,18})(?P<name>[\w.-]+(?:/[\w.-]+)*(?:/|\.py))(?=\s|$)")
SKIP_DIRS = {".venv", ".git", "var", "tests", "migrations", "node_modules", "build", "dist"}
# Named once in the README's skeleton paragraph, for every app.
SKELETON = {
    "models.py",
    "choices.py",
    "errors.py",
    "notices.py",
    "services.py",
    "selectors.py",
    "views.py",
    "serializers.py",
    "urls.py",
    "admin.py",
    "forms.py",
    "tasks.py",
    "streams.py",
    "apps.py",
    "management",
    "commands",
    "templatetags",
}
WORD = re.compile(r"\b[a-z_][a-z0-9_]*\b")
MENTION = re.compile(r"[\w.-]+(?:/[\w.-]+)*(?:/|\.py)")


def map_block(readme: str) -> list[str]:
    """The lines of the fenced block under the "Repository map" heading."""
    after = readme.split("## Repository map", 1)[1]
    block = after.split("```", 2)[1]
    return block.splitlines()[1:]


def entries_and_mentions(lines: list[str]) -> tuple[list[str], set[str]]:
    """Full paths of the map's entries, and every path-like word (resolved and bare)."""
    stack: list[str] = []
    entries: list[str] = []
    mentions: set[str] = set()
    for line in lines:
        match = ENTRY.match(line)
        if match:
            level = len(match["indent"]) // 2
            del stack[level:]
            parent = "".join(stack)
            name = match["name"]
            entries.append(parent + name)
            mentions.add((parent + name).rstrip("/"))
            if name.endswith("/"):
                stack.append(name)
        parent = "".join(stack)  # the folder this line describes
        for word in MENTION.findall(line):
            mentions.add(word.rstrip("/"))
            mentions.add((parent + word).rstrip("/"))
        for word in WORD.findall(line):  # a module named by its bare name under its folder
            mentions.add(f"{parent}{word}.py")
    return entries, mentions


def tracked_python(root: Path) -> list[Path]:
    """Python files of the tree, outside tests, migrations and tool folders."""
    return [
        path.relative_to(root)
        for path in root.rglob("*.py")
        if not SKIP_DIRS & set(path.relative_to(root).parts[:-1])
    ]


def must_be_named(root: Path, files: list[Path]) -> set[str]:
    """Packages (folders with __init__.py) and big modules, as paths from the root."""
    wanted = set()
    for path in files:
        if path.name == "__init__.py" and path.parent != Path("."):
            if path.parent.name not in SKELETON:
                wanted.add(path.parent.as_posix())
        elif path.name in SKELETON:
            continue
        elif len((root / path).read_text(encoding="utf-8").splitlines()) >= BIG_MODULE_LINES:
            wanted.add(path.as_posix())
    return wanted


def problems(root: Path, readme: str, files: list[Path]) -> list[str]:
    """What the map gets wrong: missing paths it names, packages and big modules it omits."""
    entries, mentions = entries_and_mentions(map_block(readme))
    found = [
        f"map names {e} but the tree has no such path" for e in entries if not (root / e).exists()
    ]
    for path in sorted(must_be_named(root, files)):
        name = path.rsplit("/", 1)[-1]
        if path not in mentions and not _named_under_parent(path, name, mentions):
            found.append(f"map omits {path}")
    return found


def _named_under_parent(path: str, name: str, mentions: set[str]) -> bool:
    """A bare name in a description counts when its folder is itself in the map."""
    parent = path.rsplit("/", 1)[0] if "/" in path else ""
    return name in mentions and (parent == "" or parent in mentions)


def main() -> int:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = problems(ROOT, readme, tracked_python(ROOT))
    for line in found:
        print(f"README.md repository map: {line}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
