"""The layers of docs/architecture.md, checked on the real import graph.

Every import counts, wherever it stands in a module (the top, inside a function, under
TYPE_CHECKING): a cycle that only a late import breaks is still a cycle, and a layer reached
from inside a function is still reached.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("thidua", "channels", "handlers", "scheduler", "bot")
TRANSPORTS = ("aiogram", "aiohttp", "httpx")
# `python -m bot` and `python -m thidua`: entry points that only call the CLI; nothing
# imports them, so they belong to no layer.
ENTRY_POINTS = {"bot.__main__", "thidua.__main__"}
# What a channel may use of the core: the channel interface, the event model, the core app's
# entry points, and the leaf helpers (settings, clock, translations, text).
CORE_FOR_CHANNELS = {"bot.app", "bot.channel", "bot.events", "bot.config", "bot.clock"}
CORE_LEAVES_FOR_CHANNELS = {"bot.i18n", "bot.text"}
MAX_LINES = 400
# Modules allowed past MAX_LINES, and why.
LONG_MODULES = {
    "bot/db/migrations/versions/0001_initial_schema.py": "a migration: history is not edited",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def imported_names(path: Path) -> Iterator[str]:
    """Every module an import statement imports: ``from a import b`` imports the module ``a.b``
    when there is one, else the module ``a`` (b is a name in it). As for any import tool, a
    package's ``__init__`` is not counted as imported by importing its submodules."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                yield submodule if submodule in modules() else node.module


def resolve(name: str) -> str | None:
    """The project module ``name`` is, or is in (``bot.db.models.Role`` -> ``bot.db.models``)."""
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


@cache
def graph() -> dict[str, frozenset[str]]:
    """Module -> the project modules it imports; external imports are left out."""
    edges = {}
    for name, path in modules().items():
        targets = {resolve(imported) for imported in imported_names(path)}
        edges[name] = frozenset(t for t in targets if t is not None and t != name)
    return edges


def external_imports(name: str) -> set[str]:
    return {imported.split(".")[0] for imported in imported_names(modules()[name])}


def within(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def layer(*packages: str) -> list[str]:
    """The modules of ``packages``, entry points aside."""
    return sorted(m for m in modules() if m not in ENTRY_POINTS and within(m, *packages))


def offenders(importers: list[str], forbidden) -> dict[str, list[str]]:
    found = {m: sorted(t for t in graph()[m] if forbidden(t)) for m in importers}
    return {module: targets for module, targets in found.items() if targets}


def test_there_is_no_import_cycle():
    cycles = strongly_connected(graph())
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def strongly_connected(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that import each other, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                on_stack.discard(member)
                group.append(member)
            on_stack.discard(node)
            if group:
                groups.append(sorted([node, *group]))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def test_the_checker_finds_a_cycle():
    edges = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset()}
    assert strongly_connected(edges) == [["a", "b", "c"]]


@pytest.mark.parametrize(
    ("importers", "forbidden"),
    [
        # The core is the bottom: it knows no layer above it.
        (("bot",), ("thidua", "channels", "handlers", "scheduler")),
        # Services are channel-neutral and know nothing of conversations.
        (("bot.services",), ("bot.app", "bot.context", "bot.routing")),
        # The database layer: models, repositories, the unit of work; nothing above.
        (("bot.db",), ("bot.services", "bot.app", "bot.context", "bot.routing", "bot.forms")),
        (("bot.db",), ("bot.plan", "bot.i18n", "bot.events", "bot.channel")),
        # Handlers answer events through services: no channel, no scheduler, no database
        # access of their own (models are the types services hand them).
        (("handlers",), ("thidua", "channels", "scheduler")),
        (("handlers",), ("bot.db.database", "bot.db.repositories", "bot.db.audit")),
        (("handlers",), ("bot.db.updates", "bot.db.inline_sqlite", "bot.db.migrate")),
        # The scheduler decides when; services decide what and to whom.
        (("scheduler",), ("thidua", "channels", "handlers", "bot.app", "bot.routing")),
        (("channels",), ("thidua", "handlers", "scheduler")),
    ],
)
def test_layers_point_down(importers, forbidden):
    found = offenders(layer(*importers), lambda target: within(target, *forbidden))
    assert found == {}


def test_channels_use_only_the_channel_interface_and_the_cores_entry_points():
    allowed = CORE_FOR_CHANNELS | CORE_LEAVES_FOR_CHANNELS
    found = offenders(
        layer("channels"),
        lambda target: within(target, "bot") and target not in allowed,
    )
    assert found == {}


def test_only_services_and_the_database_layer_use_repositories():
    found = offenders(
        [m for m in modules() if not within(m, "bot.services", "bot.db")],
        lambda target: within(target, "bot.db.repositories"),
    )
    assert found == {}


def test_the_core_and_the_handlers_import_no_transport():
    found = {
        module: sorted(external_imports(module) & set(TRANSPORTS))
        for module in layer("bot", "handlers", "scheduler")
    }
    assert {module: names for module, names in found.items() if names} == {}


def test_handlers_pass_the_unit_of_work_on_and_never_use_it():
    """``ctx.session`` goes to a service as an argument; ``ctx.session.get(...)`` would be a
    handler doing a service's work."""
    used = [
        f"{name}:{node.lineno}"
        for name in layer("handlers")
        for node in ast.walk(ast.parse(modules()[name].read_text()))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "session"
    ]
    assert used == []


def test_channels_never_reach_the_database_through_the_core():
    """The core app holds the database (``app.db``) for its own units of work only."""
    reached = [
        f"{name}:{node.lineno}"
        for name in layer("channels")
        for node in ast.walk(ast.parse(modules()[name].read_text()))
        if isinstance(node, ast.Attribute) and node.attr == "db"
    ]
    assert reached == []


def test_nothing_reads_the_wall_clock_but_the_clock():
    found = [
        name
        for name, path in modules().items()
        if name != "bot.clock"
        and ("datetime.now(" in path.read_text() or "utcnow(" in path.read_text())
    ]
    assert found == []


def test_no_module_is_longer_than_a_reader_takes_in():
    long = {
        str(path.relative_to(ROOT)): lines
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert {path: lines for path, lines in long.items() if path not in LONG_MODULES} == {}
