"""Every top-level package ships: the wheel's package list and both Dockerfile stages name it.

A package added to the tree but not to these lists works in a checkout and is missing from the
image (the Dockerfile lacked notifications/ until this test existed)."""

from __future__ import annotations

import re
import tomllib

from tests.source_tree import ROOT, top_level_packages


def missing_from_wheel(packages: set[str], pyproject: str) -> set[str]:
    include = tomllib.loads(pyproject)["tool"]["setuptools"]["packages"]["find"]["include"]
    return {p for p in packages if f"{p}*" not in include}


def missing_from_image(packages: set[str], dockerfile: str) -> set[str]:
    stages = dockerfile.split("\nFROM ")
    copied = [set(re.findall(r"^COPY (\w+) \./\1$", stage, re.M)) for stage in stages]
    shipping = [c for c in copied if c]
    return {p for p in packages for c in shipping if p not in c}


def test_every_package_is_in_the_wheel_and_both_image_stages():
    packages = top_level_packages(ROOT)
    assert {"kernel", "notifications", "devtools", "backoffice"} <= packages
    assert missing_from_wheel(packages, (ROOT / "pyproject.toml").read_text()) == set()
    assert missing_from_image(packages, (ROOT / "Dockerfile").read_text()) == set()


def test_the_checks_see_a_missing_package():
    pyproject = '[tool.setuptools.packages.find]\ninclude = ["a*"]\n'
    assert missing_from_wheel({"a", "b"}, pyproject) == {"b"}
    dockerfile = "FROM x AS build\nCOPY a ./a\nCOPY b ./b\nFROM y\nCOPY a ./a\n"
    assert missing_from_image({"a", "b"}, dockerfile) == {"b"}
