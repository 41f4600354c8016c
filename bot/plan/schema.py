"""The plan as data: units, pilot models, targets, award types and the calendar.

Each entry is first checked on its own (types, codes, dates: bot/plan/sections.py); the checks
here need the whole plan (references between sections, the unit tree, the plan's years). They
run once every entry is valid and raise `PlanError` with one `Problem` per fault, each located by
its key path.

Code never names a unit: everything about units lives in the plan file.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from datetime import date
from functools import cached_property
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationInfo, field_validator, model_validator

from bot.plan.paperwork import Paperwork
from bot.plan.problems import PlanError, Problem
from bot.plan.sections import (
    AwardType,
    Block,
    Deadline,
    Frozen,
    PilotModel,
    SteeringDepartment,
    Target,
    Text,
    UnitSpec,
)

_Entry = TypeVar("_Entry")


class Plan(Frozen):
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
    # The days whose award decisions count toward the targets; the plan's years by default.
    period_start: date | None = None
    period_end: date | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    award_types: tuple[AwardType, ...] = ()
    units: tuple[UnitSpec, ...]
    steering_departments: tuple[SteeringDepartment, ...] = ()
    models: tuple[PilotModel, ...] = ()
    targets: tuple[Target, ...] = ()
    declared_deadlines: tuple[Deadline, ...] = Field(default=(), alias="deadlines")
    paperwork: Paperwork = Paperwork()

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

    @property
    def period(self) -> tuple[date, date]:
        """The first and last day whose award decisions count toward the targets."""
        return (
            self.period_start or date(self.start_year, 1, 1),
            self.period_end or date(self.end_year, 12, 31),
        )

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

    def audience_unit_codes(self, deadline: Deadline) -> set[str]:
        """Codes of the units that owe ``deadline``."""
        if deadline.audience == "all":
            return {unit.code for unit in self.units if unit.code != self.root.code}
        if deadline.audience == "office":
            return {self.root.code}
        numbers = deadline.models or tuple(model.number for model in self.models)
        return {code for model in self.models if model.number in numbers for code in model.units}

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
    for section in ("award_types", "units", "steering_departments"):
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
    departments = {department.code for department in plan.steering_departments}
    for index, model in enumerate(plan.models):
        if model.department is not None and model.department not in departments:
            message = f'unknown steering department "{model.department}"'
            yield Problem(message, ("models", index, "department"))
        for position, code in enumerate(model.units):
            if code not in plan._units_by_code:
                yield Problem(f'unknown unit "{code}"', ("models", index, "units", position))
        for position, first in _repeats(model.units):
            message = f'"{model.units[position]}" is already listed at units[{first}]'
            yield Problem(message, ("models", index, "units", position))


def _target_problems(plan: Plan) -> Iterator[Problem]:
    for index, target in enumerate(plan.targets):
        award_type = plan._award_types_by_code.get(target.award)
        if award_type is None:
            yield Problem(f'unknown award type "{target.award}"', ("targets", index, "award"))
        elif target.recipients != "any" and award_type.kind not in ("both", target.recipients):
            message = f'"{target.award}" is not given to {target.recipients} recipients'
            yield Problem(message, ("targets", index, "recipients"))


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


def _consolidation_problems(plan: Plan) -> Iterator[Problem]:
    for index, deadline in enumerate(plan.declared_deadlines):
        if (
            deadline.consolidates is not None
            and deadline.consolidates not in plan._deadlines_by_code
        ):
            message = f'unknown deadline "{deadline.consolidates}"'
            yield Problem(message, ("deadlines", index, "consolidates"))


def _date_problems(plan: Plan) -> Iterator[Problem]:
    # Dates belong to the plan's years, one year either side; anything else is most likely a typo.
    first, last = plan.start_year - 1, plan.end_year + 1
    outside = f"is outside the plan's years {first}-{last}"
    if not first <= plan.issued_on.year <= last:
        yield Problem(f"{plan.issued_on} {outside}", ("issued_on",))
    period_start, period_end = plan.period
    if period_end < period_start:
        message = f"the period ends ({period_end}) before it starts ({period_start})"
        yield Problem(message, ("period_end",))
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
    _consolidation_problems,
    _date_problems,
)
