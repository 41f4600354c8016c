"""The layers of ARCHITECTURE.md, checked: the core and the handlers know no transport."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSPORTS = ("aiogram", "aiohttp", "httpx", "channels")
# The composition root is where channels meet the core; it alone may import them.
COMPOSITION_ROOT = ROOT / "bot" / "cli" / "running.py"


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_and_handlers_import_no_transport():
    offenders = {}
    for package in ("bot", "handlers"):
        for path in (ROOT / package).rglob("*.py"):
            if path == COMPOSITION_ROOT:
                continue
            bad = {m for m in imported_modules(path) if m.split(".")[0] in TRANSPORTS}
            if bad:
                offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_nothing_reads_the_wall_clock_but_the_clock():
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("bot", "handlers", "channels")
        for path in (ROOT / package).rglob("*.py")
        if path.name != "clock.py"
        and ("datetime.now(" in path.read_text() or "utcnow(" in path.read_text())
    ]
    assert offenders == []
