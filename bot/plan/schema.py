"""The plan as data: units, pilot models, targets, award types and the calendar.

Every model is frozen and rejects unknown keys, so a typo in the plan file is reported instead of
being silently ignored. Each entry is first checked on its own (types, codes, dates); checks that
need the whole plan (references between sections, the unit tree, the plan's years) run once every
entry is valid and raise `PlanError` with one `Problem` per fault, each located by its key path.

Code never names a unit: everything about units lives in the plan file.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from functools import cached_property
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

Block = Literal["district", "so_direct"]  # khối thuộc UBND huyện/thành/thị ; khối trực thuộc Sở
UnitKind = Literal["department", "district_office", "school", "centre"]
AwardKind = Literal["collective", "individual", "both"]
Audience = Literal["all", "models"]
Loc = tuple[str | int, ...]
_Entry = TypeVar("_Entry")


# ---------------------------------------------------------------------------------------------
# Problems and the error that carries them


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


# ---------------------------------------------------------------------------------------------
# Field types


def _code_type(pattern: str, what: str, hint: str) -> Any:
    """A string type for codes; the message tells a clerk how to write one."""
    regex = re.compile(pattern)

    def check(value: str) -> str:
        if not regex.fullmatch(value):
            raise ValueError(f'"{value}" is not a valid {what}: {hint}')
        return value

    return Annotated[str, AfterValidator(check)]


UnitCode = _code_type(
    r"[A-Z0-9]+(-[A-Z0-9]+)*",
    "unit code",
    'use capital letters without accents, digits and dashes, e.g. "PGD-VIET-TRI"',
)
AwardCode = _code_type(
    r"[a-z0-9_]+",
    "award type code",
    'use small letters without accents, digits and "_", e.g. "lao_dong_tien_tien"',
)
DeadlineCode = _code_type(
    r"[a-z0-9]+(-[a-z0-9]+)*",
    "deadline code",
    'use small letters without accents, digits and dashes, e.g. "annual-report"',
)
FormCode = _code_type(
    r"[a-z0-9_]+",
    "form code",
    'use small letters without accents, digits and "_", e.g. "annual_report"',
)
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _check_school_year(value: str) -> str:
    match = re.fullmatch(r"(\d{4})-(\d{4})", value)
    if match is None or int(match[2]) != int(match[1]) + 1:
        raise ValueError(f'"{value}" is not a school year: write it like "2016-2017"')
    return value


SchoolYear = Annotated[str, AfterValidator(_check_school_year)]


def _shift_school_year(school_year: str, years: int) -> str:
    first = int(school_year[:4]) + years
    return f"{first}-{first + 1}"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------------------------
# Sections of the plan


class AwardType(_Frozen):
    """An emulation title or a commendation, as used in forms and targets."""

    code: AwardCode
    name: Text
    name_en: Text
    kind: AwardKind


class UnitSpec(_Frozen):
    """A unit in the tree: the Sở at the root, then district offices and Sở-direct units.

    `block` is an optional override. Read a unit's block with `Plan.block_of`, which derives it
    from the tree when the file leaves it out (the rule is documented there)."""

    code: UnitCode
    name: Text
    kind: UnitKind
    parent: str | None = None
    block: Block | None = None


class PilotModel(_Frozen):
    """A pilot model (mô hình điểm): the Sở department steering it and the units building it."""

    number: PositiveInt
    name: Text
    name_en: Text
    steering: Text
    steering_en: Text
    units: tuple[str, ...] = Field(min_length=1)


class Target(_Frozen):
    """A sector target for the plan's years: at least `target` awards, or `strive` to have some."""

    award: str
    target: NonNegativeInt | None = None
    strive: bool = False
    split: dict[Block, NonNegativeInt] = {}
    note: str = ""

    @field_validator("split")
    @classmethod
    def _split_adds_up(cls, split: dict[Block, int], info: ValidationInfo) -> dict[Block, int]:
        if not split or "target" not in info.data:  # no split, or the target itself is invalid
            return split
        target, total = info.data["target"], sum(split.values())
        if target is None:
            raise ValueError(f"the split adds up to {total}, but the target has no number")
        if total != target:
            raise ValueError(f"the split adds up to {total}, but the target is {target}")
        return split

    @model_validator(mode="after")
    def _has_number_or_strive(self) -> Target:
        if self.target is None and not self.strive:
            raise ValueError('a target needs a number ("target = 15") or "strive = true"')
        return self


class ReminderPolicy(_Frozen):
    """When reminders for one deadline go out (plan time zone)."""

    days_before: tuple[NonNegativeInt, ...] = (14, 7, 3, 1, 0)
    at: time = time(8, 0)
    overdue_every_days: PositiveInt = 3
    overdue_for_days: NonNegativeInt = 14
    quiet_from: time = time(21, 0)
    quiet_until: time = time(7, 0)

    def is_quiet(self, moment: time) -> bool:
        """Whether `moment` falls in the quiet hours, which may span midnight (21:00-07:00)."""
        if self.quiet_from <= self.quiet_until:
            return self.quiet_from <= moment < self.quiet_until
        return moment >= self.quiet_from or moment < self.quiet_until

    @model_validator(mode="after")
    def _sends_outside_quiet_hours(self) -> ReminderPolicy:
        if self.is_quiet(self.at):
            raise ValueError(
                f"reminders at {self.at:%H:%M} would fall in the quiet hours "
                f"{self.quiet_from:%H:%M}-{self.quiet_until:%H:%M}"
            )
        return self


class Deadline(_Frozen):
    """Something units must hand in by a date. A yearly deadline (`repeat_yearly_until`) is
    expanded by `Plan.deadlines` into one deadline per year."""

    code: DeadlineCode
    title: Text
    title_en: Text
    form: FormCode
    due: date
    cutoff: time = time(23, 59, 59)
    fixed: bool  # True: the plan fixes the date; False: our default for a period the plan names
    audience: Audience = "all"
    models: tuple[PositiveInt, ...] = ()  # with audience "models"; empty means every model
    school_year: SchoolYear
    repeat_yearly_until: int | None = None
    source: Text
    reminders: ReminderPolicy = ReminderPolicy()

    @field_validator("models")
    @classmethod
    def _models_need_model_audience(
        cls, models: tuple[int, ...], info: ValidationInfo
    ) -> tuple[int, ...]:
        if models and info.data.get("audience", "models") != "models":
            raise ValueError('list models only with audience = "models"')
        return models

    @field_validator("repeat_yearly_until")
    @classmethod
    def _repeat_is_possible(cls, until: int | None, info: ValidationInfo) -> int | None:
        due = info.data.get("due")
        if until is None or due is None:
            return until
        if until < due.year:
            raise ValueError(f"{until} is before the first due date, {due}")
        if (due.month, due.day) == (2, 29):
            raise ValueError("a yearly deadline cannot fall on 29 February")
        return until

    def due_at(self, tz: tzinfo) -> datetime:
        """The cut-off instant: the due day at `cutoff`, in `tz` (the plan's time zone)."""
        return datetime.combine(self.due, self.cutoff, tzinfo=tz)

    def audience_unit_codes(self, plan: Plan) -> set[str]:
        """Codes of the units that owe this deadline."""
        if self.audience == "all":
            root_code = plan.root.code
            return {unit.code for unit in plan.units if unit.code != root_code}
        numbers = self.models or tuple(model.number for model in plan.models)
        return {code for model in plan.models if model.number in numbers for code in model.units}

    def yearly(self) -> tuple[Deadline, ...]:
        """This deadline, or one per year up to `repeat_yearly_until` with the year in the code."""
        if self.repeat_yearly_until is None:
            return (self,)
        years = range(self.due.year, self.repeat_yearly_until + 1)
        return tuple(self._in_year(year) for year in years)

    def _in_year(self, year: int) -> Deadline:
        return self.model_copy(
            update={
                "code": f"{self.code}-{year}",
                "due": self.due.replace(year=year),
                "school_year": _shift_school_year(self.school_year, year - self.due.year),
                "repeat_yearly_until": None,
            }
        )


# ---------------------------------------------------------------------------------------------
# The plan


class Plan(_Frozen):
    """A whole plan.

    The file's `deadlines` are kept as declared in `declared_deadlines`; `deadlines` is the
    calendar with yearly deadlines expanded, so `model_dump(by_alias=True)` gives back the
    file's shape. Entry-level faults raise pydantic's ValidationError; faults across the plan
    raise `PlanError` (`load_plan` turns both into a `PlanError` naming the file)."""

    code: Text
    title: Text
    title_en: Text
    issued_on: date
    start_year: int
    end_year: int
    timezone: str = "Asia/Ho_Chi_Minh"
    award_types: tuple[AwardType, ...] = ()
    units: tuple[UnitSpec, ...]
    models: tuple[PilotModel, ...] = ()
    targets: tuple[Target, ...] = ()
    declared_deadlines: tuple[Deadline, ...] = Field(default=(), alias="deadlines")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f'unknown time zone "{name}", e.g. "Asia/Ho_Chi_Minh"') from None
        return name

    @field_validator("end_year")
    @classmethod
    def _end_after_start(cls, end_year: int, info: ValidationInfo) -> int:
        start_year = info.data.get("start_year")
        if start_year is not None and end_year < start_year:
            raise ValueError(f"the plan ends ({end_year}) before it starts ({start_year})")
        return end_year

    @model_validator(mode="after")
    def _check_whole_plan(self) -> Plan:
        problems = [check for checks in _WHOLE_PLAN_CHECKS for check in checks(self)]
        if problems:
            raise PlanError(problems)
        return self

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def deadlines(self) -> tuple[Deadline, ...]:
        """Every deadline, yearly ones expanded, by due date (file order on the same day)."""
        expanded = (one for declared in self.declared_deadlines for one in declared.yearly())
        return tuple(sorted(expanded, key=lambda deadline: deadline.due_at(self.tz)))

    @property
    def root(self) -> UnitSpec:
        """The unit without a parent: the Sở."""
        return next(unit for unit in self.units if unit.parent is None)

    def unit(self, code: str) -> UnitSpec:
        return _lookup(self._units_by_code, code, "unit")

    def award_type(self, code: str) -> AwardType:
        return _lookup(self._award_types_by_code, code, "award type")

    def deadline(self, code: str) -> Deadline:
        """A deadline of the expanded calendar, e.g. "annual-report-2018"."""
        return _lookup(self._deadlines_by_code, code, "deadline")

    def children(self, unit_code: str) -> tuple[UnitSpec, ...]:
        """The units directly under `unit_code`, in file order."""
        self.unit(unit_code)  # unknown codes raise rather than look childless
        return self._children_by_parent.get(unit_code, ())

    def block_of(self, unit_code: str) -> Block | None:
        """The unit's quota block: the `block` the file gives, else derived from the tree.

        The root belongs to no block; a district office is "district"; a unit directly under the
        root is "so_direct"; any other unit is in its parent's block (so a school or centre under
        a district office is "district")."""
        unit = self.unit(unit_code)
        if unit.block is not None:
            return unit.block
        if unit.parent is None:
            return None
        if unit.kind == "district_office":
            return "district"
        parent = self.unit(unit.parent)
        if parent.parent is None:
            return "so_direct"
        return self.block_of(parent.code)

    @cached_property
    def _units_by_code(self) -> dict[str, UnitSpec]:
        return {unit.code: unit for unit in self.units}

    @cached_property
    def _award_types_by_code(self) -> dict[str, AwardType]:
        return {award.code: award for award in self.award_types}

    @cached_property
    def _deadlines_by_code(self) -> dict[str, Deadline]:
        return {deadline.code: deadline for deadline in self.deadlines}

    @cached_property
    def _children_by_parent(self) -> dict[str, tuple[UnitSpec, ...]]:
        children: dict[str, list[UnitSpec]] = {}
        for unit in self.units:
            if unit.parent is not None:
                children.setdefault(unit.parent, []).append(unit)
        return {parent: tuple(units) for parent, units in children.items()}


def _lookup(index: dict[str, _Entry], code: str, what: str) -> _Entry:
    try:
        return index[code]
    except KeyError:
        raise KeyError(f'unknown {what} "{code}"') from None


# ---------------------------------------------------------------------------------------------
# Whole-plan checks: each yields the problems it finds, located by key path in the file


def _repeats(values: Iterable[Hashable]) -> Iterator[tuple[int, int]]:
    """(index, index of its first occurrence) for every value seen before."""
    first: dict[Hashable, int] = {}
    for index, value in enumerate(values):
        if value in first:
            yield index, first[value]
        else:
            first[value] = index


def _duplicate_problems(plan: Plan) -> Iterator[Problem]:
    for section in ("award_types", "units"):
        entries = getattr(plan, section)
        for index, first in _repeats(entry.code for entry in entries):
            message = f'duplicate code "{entries[index].code}" (first at {section}[{first}])'
            yield Problem(message, (section, index, "code"))
    for index, first in _repeats(model.number for model in plan.models):
        message = f"duplicate model number {plan.models[index].number} (first at models[{first}])"
        yield Problem(message, ("models", index, "number"))
    for index, first in _repeats(target.award for target in plan.targets):
        message = f'a target for "{plan.targets[index].award}" is already set at targets[{first}]'
        yield Problem(message, ("targets", index, "award"))
    yield from _duplicate_deadline_problems(plan.declared_deadlines)


def _duplicate_deadline_problems(declared: tuple[Deadline, ...]) -> Iterator[Problem]:
    # Codes must be unique in the expanded calendar: "report" repeated yearly makes "report-2017",
    # which may clash with a deadline the file declares under that very code.
    made_by = [
        (index, one.code) for index, deadline in enumerate(declared) for one in deadline.yearly()
    ]
    for position, first in _repeats(code for _, code in made_by):
        (index, code), first_index = made_by[position], made_by[first][0]
        message = f'duplicate deadline code "{code}" (also made by deadlines[{first_index}])'
        yield Problem(message, ("deadlines", index, "code"))


def _unit_tree_problems(plan: Plan) -> Iterator[Problem]:
    for index, unit in enumerate(plan.units):
        if unit.parent is not None and unit.parent not in plan._units_by_code:
            yield Problem(f'unknown unit "{unit.parent}"', ("units", index, "parent"))
    yield from _root_problems(plan.units)
    yield from _cycle_problems(plan.units)


def _root_problems(units: tuple[UnitSpec, ...]) -> Iterator[Problem]:
    roots = [index for index, unit in enumerate(units) if unit.parent is None]
    if not roots:
        yield Problem("no root unit: exactly one unit (the Sở) must have no parent", ("units",))
        return
    first, *others = roots
    root = units[first]
    if root.kind != "department":
        message = 'the root unit (the one without a parent) must be of kind "department"'
        yield Problem(message, ("units", first, "kind"))
    if root.block is not None:
        message = "the root unit belongs to no block: remove this key"
        yield Problem(message, ("units", first, "block"))
    for index in others:
        message = f'missing: only the root unit "{root.code}" may have no parent'
        yield Problem(message, ("units", index, "parent"))


def _cycle_problems(units: tuple[UnitSpec, ...]) -> Iterator[Problem]:
    parent_of = {unit.code: unit.parent for unit in units}
    index_of: dict[str, int] = {}
    for index, unit in enumerate(units):
        index_of.setdefault(unit.code, index)
    reported: set[str] = set()
    for unit in units:
        trail, code = [unit.code], unit.parent
        while code in parent_of and code not in trail:
            trail.append(code)
            code = parent_of[code]
        if code in trail and code not in reported:  # the walk came back to `code`: a cycle
            cycle = trail[trail.index(code) :]
            reported.update(cycle)
            message = "the parents form a cycle: " + " -> ".join([*cycle, code])
            yield Problem(message, ("units", index_of[code], "parent"))


def _model_problems(plan: Plan) -> Iterator[Problem]:
    for index, model in enumerate(plan.models):
        for position, code in enumerate(model.units):
            if code not in plan._units_by_code:
                yield Problem(f'unknown unit "{code}"', ("models", index, "units", position))
        for position, first in _repeats(model.units):
            message = f'"{model.units[position]}" is already listed at units[{first}]'
            yield Problem(message, ("models", index, "units", position))


def _target_problems(plan: Plan) -> Iterator[Problem]:
    for index, target in enumerate(plan.targets):
        if target.award not in plan._award_types_by_code:
            yield Problem(f'unknown award type "{target.award}"', ("targets", index, "award"))


def _deadline_audience_problems(plan: Plan) -> Iterator[Problem]:
    numbers = {model.number for model in plan.models}
    for index, deadline in enumerate(plan.declared_deadlines):
        if deadline.audience != "models":
            continue
        if not numbers:
            message = 'audience "models", but the plan has no pilot models'
            yield Problem(message, ("deadlines", index, "audience"))
        for position, number in enumerate(deadline.models):
            if number not in numbers:
                yield Problem(f"unknown model {number}", ("deadlines", index, "models", position))


def _date_problems(plan: Plan) -> Iterator[Problem]:
    # Dates belong to the plan's years, one year either side; anything else is most likely a typo.
    first, last = plan.start_year - 1, plan.end_year + 1
    outside = f"is outside the plan's years {first}-{last}"
    if not first <= plan.issued_on.year <= last:
        yield Problem(f"{plan.issued_on} {outside}", ("issued_on",))
    for index, deadline in enumerate(plan.declared_deadlines):
        if not first <= deadline.due.year <= last:
            yield Problem(f"{deadline.due} {outside}", ("deadlines", index, "due"))
        until = deadline.repeat_yearly_until
        if until is not None and not first <= until <= last:
            yield Problem(f"{until} {outside}", ("deadlines", index, "repeat_yearly_until"))


_WHOLE_PLAN_CHECKS = (
    _duplicate_problems,
    _unit_tree_problems,
    _model_problems,
    _target_problems,
    _deadline_audience_problems,
    _date_problems,
)
