"""The pre-commit hooks (.pre-commit-config.yaml) run exactly what `make lint` runs.

Both lists are read and each command is reduced to its environment assignments and its argument
list (Make variables expanded, the leading ``@`` and output redirections dropped, ``env`` of a
hook's entry dropped), so a command added to, changed in or removed from one side only fails here.
The checker is fed bad pairs too, so it is known to catch a drift.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

Command = tuple[frozenset[str], tuple[str, ...]]


def make_variables(makefile: str) -> dict[str, str]:
    """``NAME ?= value`` / ``NAME := value`` / ``NAME = value`` lines, expanded in order."""
    found: dict[str, str] = {}
    for line in makefile.splitlines():
        match = re.match(r"^([A-Z_]+)\s*(?:\?=|:=|=)\s*(.*)$", line)
        if match:
            found[match.group(1)] = expand(match.group(2).strip(), found)
    return found


def expand(text: str, variables: dict[str, str]) -> str:
    return re.sub(r"\$\(([A-Z_]+)\)", lambda m: variables.get(m.group(1), m.group(0)), text)


def lint_recipe(makefile: str) -> list[str]:
    """The command lines of the ``lint`` target (tab-indented lines after ``lint:``)."""
    lines = makefile.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"^lint\s*:", line))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def normalise(tokens: list[str]) -> Command:
    """Leading ``NAME=value`` assignments as a set, the rest without output redirections."""
    if tokens and tokens[0] == "env":
        tokens = tokens[1:]
    env = []
    while tokens and re.match(r"^[A-Z_][A-Z0-9_]*=", tokens[0]):
        env.append(tokens.pop(0))
    words = tuple(t for t in tokens if not re.match(r"^\d?>", t))
    return frozenset(env), words


def make_commands(makefile: str) -> list[Command]:
    variables = make_variables(makefile)
    return [
        normalise(shlex.split(expand(line.lstrip("@"), variables)))
        for line in lint_recipe(makefile)
    ]


def hooks(config: dict) -> list[dict]:
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def hook_commands(config: dict) -> list[Command]:
    return [normalise(shlex.split(h["entry"]) + list(h.get("args", []))) for h in hooks(config)]


def drift(makefile: str, config: dict) -> tuple[list[Command], list[Command]]:
    """(lint commands with no hook, hooks that are no lint command)."""
    made, hooked = make_commands(makefile), hook_commands(config)
    return [c for c in made if c not in hooked], [c for c in hooked if c not in made]


def _config() -> dict:
    return yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))


def test_every_lint_command_has_a_hook_and_every_hook_is_a_lint_command():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert make_commands(makefile), "the Makefile's lint recipe was not found"
    assert drift(makefile, _config()) == ([], [])


def test_the_hooks_run_over_the_whole_tree_with_the_project_tools():
    config = _config()
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    for hook in hooks(config):
        assert hook["language"] == "system", hook["id"]
        assert hook["pass_filenames"] is False, hook["id"]
        assert hook["always_run"] is True, hook["id"]
        program = normalise(shlex.split(hook["entry"]))[1][0]
        assert program.startswith(".venv/bin/"), hook["id"]
    ids = [hook["id"] for hook in hooks(config)]
    assert len(ids) == len(set(ids))


MAKEFILE = """\
VENV ?= .venv
PY := $(VENV)/bin/python

lint: $(STAMP)
\t@$(VENV)/bin/ruff check .
\t@DJANGO_SETTINGS_MODULE=a.b $(PY) manage.py makemigrations --check >/dev/null

fmt:
\t@$(VENV)/bin/ruff format .
"""
RUFF = {"id": "ruff", "entry": ".venv/bin/ruff check ."}
MIGRATIONS = {
    "id": "migrations",
    "entry": "env DJANGO_SETTINGS_MODULE=a.b .venv/bin/python manage.py makemigrations --check",
}


def _with(*hook_list: dict) -> dict:
    return {"repos": [{"repo": "local", "hooks": list(hook_list)}]}


@pytest.mark.parametrize(
    ("makefile", "config", "missing", "extra"),
    [
        # in step: $(PY) expanded, the redirection and ``env`` dropped, args appended
        (MAKEFILE, _with(RUFF, MIGRATIONS), 0, 0),
        (
            MAKEFILE,
            _with({"id": "r", "entry": ".venv/bin/ruff", "args": ["check", "."]}, MIGRATIONS),
            0,
            0,
        ),
        # a lint command with no hook
        (MAKEFILE, _with(RUFF), 1, 0),
        # a hook that `make lint` does not run
        (MAKEFILE, _with(RUFF, MIGRATIONS, {"id": "x", "entry": ".venv/bin/mypy"}), 0, 1),
        # the same program with another flag, another setting, without its setting
        (MAKEFILE, _with({"id": "r", "entry": ".venv/bin/ruff check --fix ."}, MIGRATIONS), 1, 1),
        (
            MAKEFILE,
            _with(RUFF, {"id": "m", "entry": MIGRATIONS["entry"].replace("a.b", "a.c")}),
            1,
            1,
        ),
        (MAKEFILE, _with(RUFF, {"id": "m", "entry": MIGRATIONS["entry"].split(" ", 2)[2]}), 1, 1),
        # fmt's commands are not lint's
        (MAKEFILE, _with(RUFF, MIGRATIONS, {"id": "f", "entry": ".venv/bin/ruff format ."}), 0, 1),
    ],
)
def test_drift_is_found(makefile, config, missing, extra):
    found_missing, found_extra = drift(makefile, config)
    assert (len(found_missing), len(found_extra)) == (missing, extra)
