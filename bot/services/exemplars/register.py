"""The register as a person may see it: the whole sector (office, council), a district
office's own schools, a steering department's model units, or a unit's own records; counts, a
searched page, one record's story."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db import audit
from bot.db.models import (
    Deadline,
    Exemplar,
    ExemplarEvent,
    ExemplarMatch,
    Person,
    PilotModel,
    Role,
    Submission,
    Unit,
)
from bot.services.selection.steering import steered_unit_ids
from bot.services.setup.units import DISTRICT_OFFICE
from bot.text import fold

PAGE_SIZE = 8
SECTOR_WIDE = frozenset({Role.OFFICE, Role.COUNCIL})
SO_DIRECT = "so_direct"  # how counts by district name the units under the Sở itself


@dataclass(frozen=True)
class Scope:
    """Which units' records a person sees: ``None`` the whole sector."""

    unit_ids: frozenset[int] | None

    def admits(self, record: Exemplar) -> bool:
        return self.unit_ids is None or record.unit_id in self.unit_ids


async def scope_of(
    session: AsyncSession, roles: set[Role], unit: Unit | None, department_id: int | None = None
) -> Scope | None:
    """The person's scope; None when they see no register at all. ``department_id``: a
    steering person's department (``ctx.department_id``), whose model units they follow."""
    if roles & SECTOR_WIDE:
        return Scope(None)
    seen: set[int] | None = None
    if unit is not None and roles & {Role.HEAD, Role.MEMBER}:
        seen = await _own_units(session, roles, unit)
    if Role.STEERING in roles and department_id is not None:
        seen = (seen or set()) | await steered_unit_ids(session, department_id)
    return Scope(frozenset(seen)) if seen is not None else None


async def _own_units(session: AsyncSession, roles: set[Role], unit: Unit) -> set[int]:
    """A unit's own records; a district office's head sees its schools' too."""
    if unit.kind != DISTRICT_OFFICE or Role.HEAD not in roles:
        return {unit.id}
    schools = await session.scalars(select(Unit.id).where(Unit.parent_id == unit.id))
    return {unit.id, *schools}


@dataclass(frozen=True)
class Powers:
    """What a person may do to one record they see."""

    edit: bool  # rename, merge, retire, answer its questions: the record's own unit
    check: bool  # change its stage: the office
    note: bool  # add a note to it: the office, and a steering department for its model units


def powers_over(record: Exemplar, roles: set[Role], unit: Unit | None) -> Powers:
    """For a record the person's scope admits (``scope_of``): a steering department's note
    needs nothing more, as its scope is its model units."""
    own = unit is not None and record.unit_id == unit.id and bool(roles & {Role.HEAD, Role.MEMBER})
    office = Role.OFFICE in roles
    return Powers(edit=own, check=office, note=office or Role.STEERING in roles)


@dataclass(frozen=True)
class Counts:
    total: int
    by_stage: Counter
    by_model: Counter  # model number (0: in no model)
    by_district: Counter  # district office name, or SO_DIRECT


@dataclass(frozen=True)
class Entry:
    record: Exemplar
    unit: Unit


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    number: int
    pages: int
    total: int


def _in_scope(query: Select, scope: Scope) -> Select:
    query = query.where(Exemplar.merged_into_id.is_(None))
    if scope.unit_ids is not None:
        query = query.where(Exemplar.unit_id.in_(scope.unit_ids))
    return query


async def counts(session: AsyncSession, scope: Scope) -> Counts:
    """Records still exemplars, by stage, pilot model and district."""
    parent = aliased(Unit)
    rows = await session.execute(
        _in_scope(
            select(Exemplar.stage, PilotModel.number)
            .add_columns(Unit.kind, Unit.name, parent.kind, parent.name)
            .join(Unit, Unit.id == Exemplar.unit_id)
            .outerjoin(parent, parent.id == Unit.parent_id)
            .outerjoin(PilotModel, PilotModel.id == Exemplar.model_id)
            .where(Exemplar.retired_at.is_(None)),
            scope,
        )
    )
    by_stage, by_model, by_district = Counter(), Counter(), Counter()
    total = 0
    for stage, model, *unit_and_parent in rows:
        total += 1
        by_stage[stage] += 1
        by_model[model or 0] += 1
        by_district[_district(*unit_and_parent)] += 1
    return Counts(total, by_stage, by_model, by_district)


def _district(kind: str, name: str, parent_kind: str | None, parent_name: str | None) -> str:
    """The district a record counts in: its district office's (the office's own records
    included), else the Sở-direct block."""
    if kind == DISTRICT_OFFICE:
        return name
    return parent_name if parent_kind == DISTRICT_OFFICE else SO_DIRECT


async def page(session: AsyncSession, scope: Scope, number: int, search: str = "") -> Page:
    """One page of records by unit and name, those still exemplars first; each word of
    ``search`` is in the record's or the unit's name, typed with or without accents."""
    rows = await entries(session, scope, search)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    number = min(max(number, 0), pages - 1)
    shown = rows[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
    return Page(shown, number, pages, len(rows))


async def entries(session: AsyncSession, scope: Scope, search: str = "") -> list[Entry]:
    """Every record the scope sees, in the order of :func:`page` (the command line lists them
    all)."""
    query = _in_scope(select(Exemplar, Unit).join(Unit, Unit.id == Exemplar.unit_id), scope)
    for word in fold(search).split():
        pattern = f"%{word}%"
        query = query.where(or_(Exemplar.search_name.like(pattern), Unit.search_name.like(pattern)))
    rows = await session.execute(
        query.order_by(Exemplar.retired_at.is_not(None), Unit.name, Exemplar.search_name)
    )
    return [Entry(record, unit) for record, unit in rows]


@dataclass(frozen=True)
class Story:
    """A record as its page shows it."""

    record: Exemplar
    unit: Unit
    model: PilotModel | None
    first_report: Deadline | None
    events: list[ExemplarEvent]
    # Reports by deadline code, for the history's "reported in" lines.
    deadlines: dict[str, Deadline]
    # Who made each change, by the actor the history names (people by their name).
    actors: dict[str, str]


async def record_in(session: AsyncSession, scope: Scope, record_id: int) -> Exemplar | None:
    """The record, followed through merges, only if the scope sees it."""
    record = await session.get(Exemplar, record_id)
    while record is not None and record.merged_into_id is not None:
        record = await session.get(Exemplar, record.merged_into_id)
    return record if record is not None and scope.admits(record) else None


async def story(session: AsyncSession, record: Exemplar) -> Story:
    events = list(
        await session.scalars(
            select(ExemplarEvent)
            .where(ExemplarEvent.exemplar_id == record.id)
            .order_by(ExemplarEvent.at, ExemplarEvent.id)
        )
    )
    first = None
    if record.first_submission_id is not None:
        first = await session.scalar(
            select(Deadline)
            .join(Submission, Submission.deadline_id == Deadline.id)
            .where(Submission.id == record.first_submission_id)
        )
    codes = {e.details.get("deadline") for e in events} - {None}
    deadlines = await session.scalars(select(Deadline).where(Deadline.code.in_(codes)))
    model = await session.get(PilotModel, record.model_id) if record.model_id else None
    unit = await session.get(Unit, record.unit_id)
    by_code = {d.code: d for d in deadlines}
    return Story(record, unit, model, first, events, by_code, await _actors(session, events))


async def _actors(session: AsyncSession, events: list[ExemplarEvent]) -> dict[str, str]:
    ids = {audit.person_id(e.actor) for e in events} - {None}
    people = await session.execute(select(Person.id, Person.full_name).where(Person.id.in_(ids)))
    return {audit.person_actor(person_id): name for person_id, name in people}


async def siblings(session: AsyncSession, record: Exemplar) -> list[Exemplar]:
    """The unit's other records still exemplars: what this one can be merged into."""
    found = await session.scalars(
        select(Exemplar)
        .where(
            Exemplar.unit_id == record.unit_id,
            Exemplar.id != record.id,
            Exemplar.merged_into_id.is_(None),
            Exemplar.retired_at.is_(None),
        )
        .order_by(Exemplar.search_name)
    )
    return list(found)


@dataclass(frozen=True)
class Question:
    """ "Is ``record`` the same exemplar as ``candidate``?", asked to the record's unit."""

    match: ExemplarMatch
    record: Exemplar
    candidate: Exemplar


async def question(session: AsyncSession, match_id: int) -> Question | None:
    match = await session.get(ExemplarMatch, match_id)
    return None if match is None else await _question(session, match)


async def _question(session: AsyncSession, match: ExemplarMatch) -> Question:
    record = await session.get(Exemplar, match.exemplar_id)
    return Question(match, record, await session.get(Exemplar, match.candidate_id))


async def questions(session: AsyncSession, matches: Iterable[ExemplarMatch]) -> list[Question]:
    return [await _question(session, match) for match in matches]


async def open_questions(session: AsyncSession, record: Exemplar) -> list[Question]:
    """The questions about the record still waiting for the unit's answer."""
    waiting = await session.scalars(
        select(ExemplarMatch)
        .where(ExemplarMatch.exemplar_id == record.id, ExemplarMatch.answered_at.is_(None))
        .order_by(ExemplarMatch.id)
    )
    return await questions(session, waiting)
