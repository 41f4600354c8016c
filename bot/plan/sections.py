"""The sections of a plan file, each entry checked on its own: award types, units, pilot
models, targets, deadlines and their reminders.

Every model is frozen and rejects unknown keys, so a typo in the plan file is reported instead of
being silently ignored. Codes, dates and school years have types whose messages tell a clerk how
to write them.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Annotated, Any, Literal

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
Recipients = Literal["collective", "individual", "any"]
Audience = Literal["all", "models", "office"]  # "office": the Sở, through its office
# How the plan words a date: "trước ngày 20/10" (before: the last day is 19/10), or a date
# by whose end the report is due ("by").
DueRule = Literal["before", "by"]


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


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AwardType(Frozen):
    """An emulation title or a commendation, as used in forms and targets."""

    code: AwardCode
    name: Text
    name_en: Text
    kind: AwardKind
    has_classes: bool = False  # orders (huân chương): hạng Nhất, Nhì, Ba


class UnitSpec(Frozen):
    """A unit in the tree: the Sở at the root, then district offices and Sở-direct units.

    `block` is an optional override. Read a unit's block with `Plan.block_of`, which derives it
    from the tree when the file leaves it out (the rule is documented there)."""

    code: UnitCode
    name: Text
    kind: UnitKind
    parent: str | None = None
    block: Block | None = None
    # For its documents (bot/plan/paperwork.py): the body over it (default: its parent unit),
    # the place on the date line (default: its parent's, then the plan's), the short name in a
    # document's number (default: from its code, THPT-VIET-TRI -> THPTVT).
    managing_body: Text | None = None
    place: Text | None = None
    abbreviation: Text | None = None


class SteeringDepartment(Frozen):
    """A department of the Sở (or the trade union) that steers pilot models; its people see
    those models and their units."""

    code: UnitCode
    name: Text
    name_en: Text


class PilotModel(Frozen):
    """A pilot model (mô hình điểm): the Sở department steering it and the units building it.
    ``steering`` is the plan's own words; ``department`` the code of the one whose people follow
    it in the bot (none: only the office and council do)."""

    number: PositiveInt
    name: Text
    name_en: Text
    steering: Text
    steering_en: Text
    department: str | None = None
    units: tuple[str, ...] = Field(min_length=1)


class Target(Frozen):
    """A sector target for the plan's years: at least `target` awards, or `strive` to have some."""

    award: str
    target: NonNegativeInt | None = None
    strive: bool = False
    split: dict[Block, NonNegativeInt] = {}
    # Whose awards count, when the award type is given to both ("01 tập thể trở lên").
    recipients: Recipients = "any"
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


class ReminderPolicy(Frozen):
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


class Deadline(Frozen):
    """Something units must hand in by a date. A yearly deadline (`repeat_yearly_until`) is
    expanded by `Plan.deadlines` into one deadline per year."""

    code: DeadlineCode
    title: Text
    title_en: Text
    form: FormCode
    due: date
    due_rule: DueRule  # no default: each deadline says how its date is meant
    cutoff: time = time(23, 59, 59)
    fixed: bool  # True: the plan fixes the date; False: our default for a period the plan names
    audience: Audience = "all"
    models: tuple[PositiveInt, ...] = ()  # with audience "models"; empty means every model
    school_year: SchoolYear
    # The deadline whose submissions pre-fill this one's form (see the plan file's notes).
    consolidates: str | None = None
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

    @property
    def last_day(self) -> date:
        """The last day to hand in: the day before `due` when the plan says "before"."""
        return self.due - timedelta(days=1) if self.due_rule == "before" else self.due

    def due_at(self, tz: tzinfo) -> datetime:
        """The cut-off instant: the last day at `cutoff`, in `tz` (the plan's time zone)."""
        return datetime.combine(self.last_day, self.cutoff, tzinfo=tz)

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
