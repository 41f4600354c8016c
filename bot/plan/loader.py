"""Read a plan file (TOML) into a validated `Plan`.

Whatever is wrong with the file comes out as one `PlanError` whose message the office can act on:
one line per problem, each starting with the file name, then either `line L, column C` (the file is
not valid TOML) or the key path of the faulty value, e.g.
`plan-941-2016.toml: units[12] (THPT-ABC).parent: unknown unit "PGD-X"`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.plan.problems import PlanError, Problem
from bot.plan.schema import Plan

DEFAULT_PLAN_FILE = "plan-941-2016.toml"

# tomllib ends every message with the position: "(at line 3, column 7)" or "(at end of document)".
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


def default_plan_path() -> Path:
    """The plan shipped with the bot: plan 941/KH-SGD&ĐT, 2016-2020."""
    return Path(__file__).with_name("data") / DEFAULT_PLAN_FILE


def load_plan(path: Path | None = None) -> Plan:
    """Load and validate a plan file (the shipped default when `path` is None).

    Raises `PlanError` listing every problem found; never lets another exception through for a
    bad file."""
    path = default_plan_path() if path is None else Path(path)
    data = _read_toml(path)
    try:
        return Plan.model_validate(data)
    except ValidationError as error:
        problems = [_problem_from_pydantic(details) for details in error.errors()]
        raise PlanError(problems, path.name, data) from None
    except PlanError as error:  # whole-plan checks: same locations, now with the file name
        raise error.in_file(path.name, data) from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        # utf-8-sig: Windows editors may start the file with a byte-order mark.
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        reason = error.strerror or str(error)
        raise PlanError([Problem(f"cannot read the file ({reason})")], path.name) from None
    except UnicodeDecodeError:
        problem = Problem("the file is not UTF-8 text: save it with the UTF-8 encoding")
        raise PlanError([problem], path.name) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PlanError([_syntax_problem(str(error), text)], path.name) from None


def _syntax_problem(message: str, text: str) -> Problem:
    position = _TOML_POSITION.search(message)
    if position is None:
        return Problem(message)
    description = message[: position.start()]
    if position[1] is None:  # "at end of document": point at the end of the last line
        lines = text.split("\n")
        return Problem(description, line=len(lines), column=len(lines[-1]) + 1)
    return Problem(description, line=int(position[1]), column=int(position[2]))


def _problem_from_pydantic(details: ErrorDetails) -> Problem:
    message = details["msg"]
    if details["type"] == "value_error":  # our validators' ValueError, without "Value error, "
        message = str(details.get("ctx", {}).get("error", message))
    return Problem(message, tuple(details["loc"]))
