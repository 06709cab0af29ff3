"""trading/exchanges is pure Python: no module there may import Django."""

import ast
from pathlib import Path

import trading.exchanges

ROOT = Path(trading.exchanges.__file__).parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_module_imports_django():
    files = sorted(ROOT.rglob("*.py"))
    assert len(files) > 5
    offenders = {
        str(f.relative_to(ROOT)): name
        for f in files
        for name in _imports(f)
        if name == "django" or name.startswith(("django.", "rest_framework"))
    }
    assert offenders == {}


def test_importing_every_module_loads_no_django():
    """Transitive imports too: a fresh interpreter imports the whole package, then checks."""
    import subprocess
    import sys

    code = (
        "import importlib, pkgutil, sys, trading.exchanges as p\n"
        "for m in pkgutil.walk_packages(p.__path__, 'trading.exchanges.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n == 'django' or n.startswith('django.'))\n"
        "print(len([n for n in sys.modules if n.startswith('trading.exchanges.')]), bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT.parent.parent)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert int(result.stdout.split()[0]) > 10
