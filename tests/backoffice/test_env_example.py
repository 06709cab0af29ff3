""".env.example documents every environment variable the code reads, each with a description that
states its default (or that it is required), and documents nothing that no code reads.

"Reads" is found in the syntax tree of every project Python file: django-environ calls in the
settings (``env.str("X")``, ``env.list("X")``…), ``os.environ.get("X")``, ``os.environ["X"]``,
``os.environ.setdefault("X", …)`` and ``os.getenv("X")``; plus every ``${X}`` that
docker-compose.yml interpolates. No database needed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.source_tree import top_level_packages

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / ".env.example"
SOURCE_DIRS = [*sorted(top_level_packages()), "tests"]

ENVIRON_CASTS = {"str", "bool", "int", "float", "list", "tuple", "dict", "json", "url", "path"}
ENVIRON_CASTS |= {"db", "db_url", "cache", "cache_url", "email", "email_url", "search_url"}
ENTRY = re.compile(r"^(?:# ?)?([A-Z][A-Z0-9_]*)=(.*)$")
# The operating system's own variables (passed through to subprocesses), not configuration.
SYSTEM = {"PATH", "HOME"}
# Files besides Python that may read a documented variable (shell, make, compose, CI).
OTHER_READERS = ["Makefile", "docker-compose.yml", "Dockerfile", ".ci/run", "scripts"]


def python_files() -> list[Path]:
    files = [ROOT / "manage.py"]
    for folder in SOURCE_DIRS:
        files += [p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]
    return files


def _const(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def names_read(tree: ast.AST) -> set[str]:
    """Environment variable names read in one module (see the module docstring)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            if isinstance(node.ctx, ast.Load) and (name := _const(node.slice)):
                found.add(name)
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func, first = node.func, _const(node.args[0])
        if first is None or not isinstance(func, ast.Attribute):
            continue
        if _is_os_environ(func.value) and func.attr in {"get", "setdefault"}:
            found.add(first)
        elif isinstance(func.value, ast.Name) and func.value.id == "os" and func.attr == "getenv":
            found.add(first)
        elif isinstance(func.value, ast.Name) and func.value.id == "env":
            if func.attr in ENVIRON_CASTS:
                found.add(first)
    return found


def code_reads() -> dict[str, set[str]]:
    """Variable name -> the files that read it."""
    readers: dict[str, set[str]] = {}
    for path in python_files():
        for name in names_read(ast.parse(path.read_text(), filename=str(path))):
            readers.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    compose = (ROOT / "docker-compose.yml").read_text()
    for name in re.findall(r"\$\{([A-Z][A-Z0-9_]*)", compose):
        readers.setdefault(name, set()).add("docker-compose.yml")
    return readers


def documented() -> dict[str, str]:
    """Variable name -> its description: the comment lines right above its entry (consecutive
    entries, like the MARIADB_* group, share the block above the first)."""
    docs: dict[str, str] = {}
    comment: list[str] = []
    after_entry = False
    for line in ENV_EXAMPLE.read_text().splitlines():
        entry = ENTRY.match(line)
        if entry:
            docs[entry.group(1)] = " ".join(comment)
        elif line.startswith("#") and not line.startswith("# ----"):
            comment = [] if after_entry else comment
            comment.append(line.lstrip("# ").strip())
        else:
            comment = []
        after_entry = bool(entry)
    return docs


def test_the_scanner_finds_the_known_reads():
    """Guards the scanner itself: if it stopped finding reads, the next test would pass vacuously."""
    reads = code_reads()
    for name in ("SECRET_KEY", "DATABASE_URL", "FIELD_ENCRYPTION_KEYS", "GUNICORN_WORKERS"):
        assert name in reads, name
    assert "backoffice/settings/production.py" in reads["ALLOWED_HOSTS"]
    assert "docker-compose.yml" in reads["MARIADB_PASSWORD"]
    sample = ast.parse('import os\nos.environ["A"]\nos.getenv("B")\nenv.bool("C")\nenv.x("D")')
    assert names_read(sample) == {"A", "B", "C"}


def test_every_variable_the_code_reads_is_documented():
    docs = documented()
    reads = code_reads().items()
    missing = {n: sorted(files) for n, files in reads if n not in docs and n not in SYSTEM}
    assert not missing, f"add these to .env.example: {missing}"


def test_every_documented_variable_is_read_somewhere():
    """No stale entries: each documented name is read by Python code, compose, make or a script."""
    reads = code_reads()
    others = []
    for entry in OTHER_READERS:
        path = ROOT / entry
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        others += [p.read_text() for p in files if p.is_file()]
    stale = [
        name
        for name in documented()
        if name not in reads and not any(re.search(rf"\b{name}\b", text) for text in others)
    ]
    assert not stale, f"documented in .env.example but read nowhere: {stale}"


def test_every_entry_has_a_description_with_its_default():
    for name, text in documented().items():
        assert len(text) > 20, f"{name}: describe it"
        assert re.search(r"default|required", text, re.I), f"{name}: say its default: {text!r}"


def test_set_lines_are_plain_and_only_secrets_are_placeholders():
    """`cp .env.example .env` gives a file the settings and compose can load; the CHANGE-ME
    placeholders are exactly the secrets production must refuse to start without."""
    values: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line and not line.startswith("#"):
            assert ENTRY.match(line), f"not NAME=value: {line!r}"
            name, value = line.split("=", 1)
            values[name] = value
    assert values["DJANGO_SETTINGS_MODULE"] == "backoffice.settings.production"
    placeholders = sorted(n for n, v in values.items() if v == "CHANGE-ME")
    assert placeholders == [
        "FIELD_ENCRYPTION_KEYS",
        "MARIADB_PASSWORD",
        "SECRET_KEY",
    ]
