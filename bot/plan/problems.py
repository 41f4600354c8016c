"""Problems in a plan and the error that carries them: each located by its key path in the file
(or a line and column), so the office can find and fix it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One fault in a plan: where it is (a key path, or a line and column) and what is wrong."""

    message: str
    loc: Loc = ()  # key path into the plan data, e.g. ("units", 12, "parent")
    line: int | None = None  # line and column replace loc for TOML syntax errors
    column: int | None = None

    def render(self, data: object = None) -> str:
        """`where: what`; `data` (the parsed file) lets list entries be named by their code."""
        if self.line is not None:
            return f"line {self.line}, column {self.column}: {self.message}"
        if self.loc:
            return f"{key_path(self.loc, data)}: {self.message}"
        return self.message


class PlanError(Exception):
    """A plan that cannot be used. `str(error)` is ready to show: one problem per line, each
    prefixed with the file name when it is known."""

    def __init__(
        self, problems: Iterable[Problem], source: str | None = None, data: object = None
    ) -> None:
        self.problems = tuple(problems)
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__("\n".join(prefix + problem.render(data) for problem in self.problems))

    def in_file(self, source: str, data: object = None) -> PlanError:
        """The same problems, told as coming from the file `source` whose parsed text is `data`."""
        return PlanError(self.problems, source, data)


def key_path(loc: Loc, data: object = None) -> str:
    """`("units", 12, "parent")` -> `units[12] (THPT-ABC).parent`.

    A list entry is followed by its `code` when `data` has one, so the office can find the entry
    by searching the file instead of counting entries."""
    text, node = "", data
    for part in loc:
        node = _child(node, part)
        if isinstance(part, int):
            text += f"[{part}]"
            code = node.get("code") if isinstance(node, Mapping) else None
            if isinstance(code, str):
                text += f" ({code})"
        elif text and not part.startswith("["):  # pydantic writes dict-key errors as "[key]"
            text += f".{part}"
        else:
            text += part
    return text


def _child(node: object, part: str | int) -> object:
    if isinstance(part, int):
        return node[part] if isinstance(node, list) and 0 <= part < len(node) else None
    return node.get(part) if isinstance(node, Mapping) else None
