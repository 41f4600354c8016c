"""Awards recorded from decisions: what quota progress counts as *verified*.

An award is one (decision number, recipient): the same pair recorded again, from a short form
or a spreadsheet, is the award already there. Both are compared as people write them, not as
their bytes:

- Unicode NFC (keyboards compose Vietnamese accents differently) and any run of spaces as one;
- the decision number with no space at all and in capitals: "123 / qđ-ubnd" is "123/QĐ-UBND";
- the recipient whatever its case ("nguyễn văn an" is "Nguyễn Văn An") but with its accents:
  "Nguyễn Văn Ân" is someone else.

The decision number is stored in that canonical form; the recipient as first written. The
table's unique constraint is the backstop when two recordings of one award race, and it only
sees identical spellings: a race between two spellings of one name is the one case left open.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db import audit
from bot.db.models import Award, AwardType, Plan, Unit
from bot.db.repositories import PlanRepository
from bot.forms.office import AWARD_CLASSES
from bot.i18n import Translator
from bot.services.exemplars import changes as exemplar_changes

COLLECTIVE, INDIVIDUAL, BOTH = "collective", "individual", "both"  # AwardType.kind
MAX_RECIPIENT_LENGTH, MAX_DECISION_NUMBER_LENGTH = 255, 64  # the awards table's columns


class AwardError(ValueError):
    """An entry that cannot be recorded. Callers check entries first (the spreadsheet import
    does, with messages for people); this guards the data against a caller that did not."""


@dataclass(frozen=True)
class AwardEntry:
    award_code: str
    recipient_name: str
    collective: bool
    unit_id: int
    decision_number: str
    decision_date: date
    award_class: int | None = None  # 1, 2, 3: hạng Nhất, Nhì, Ba of an order


def clean(text: str) -> str:
    """``text`` as composed by any keyboard, with single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def canonical_decision_number(text: str) -> str:
    return clean(text).replace(" ", "").upper()


def award_key(decision_number: str, recipient_name: str) -> tuple[str, str]:
    """What makes two entries one award (see the module's docstring)."""
    return canonical_decision_number(decision_number), clean(recipient_name).casefold()


def kind_allows(kind: str, collective: bool) -> bool:
    """Whether an award type of ``kind`` is given to a collective (or to an individual)."""
    return kind in (BOTH, COLLECTIVE if collective else INDIVIDUAL)


def decision_date_problem(day: date, *, today: date, _: Translator) -> str | None:
    """Why ``day`` cannot be a decision date, or None. A day outside the plan's period is
    not a problem: the award is kept, and counted apart (see quotas)."""
    if day > today:
        return _("{date} is in the future", date=f"{day:%d/%m/%Y}")
    return None


def outside_period_note(plan: Plan, day: date, _: Translator) -> str | None:
    """What to tell whoever records an award decided outside the plan's period, or None."""
    if plan.period_start <= day <= plan.period_end:
        return None
    return _(
        "Decided outside the plan period ({start}–{end}): kept in the register, not counted "
        "toward the targets.",
        start=f"{plan.period_start:%d/%m/%Y}",
        end=f"{plan.period_end:%d/%m/%Y}",
    )


def class_problem(award_type: AwardType, award_class: int | None, _: Translator) -> str | None:
    """Why ``award_class`` does not suit ``award_type`` (an order needs one), or None."""
    name = award_type.name_en if _.locale == "en" else award_type.name
    if award_type.has_classes and award_class not in AWARD_CLASSES:
        return _("{award} needs its class (First, Second or Third)", award=name)
    if not award_type.has_classes and award_class is not None:
        return _("{award} has no classes", award=name)
    return None


async def record_award(
    session: AsyncSession, clock: Clock, entry: AwardEntry, *, actor: str
) -> tuple[Award, bool]:
    """The award of ``entry``, and whether it is new: an award already recorded is left as it
    is. ``actor`` is written as the audit log writes actors ("cli", audit.person_actor(id))."""
    award_type = await award_type_of(session, entry.award_code)
    number = canonical_decision_number(entry.decision_number)
    recipient = clean(entry.recipient_name)
    _check(entry, award_type, number, recipient)
    existing = await _recorded(session, number, recipient)
    if existing is not None:
        return existing, False
    award = Award(
        award_type_id=award_type.id,
        unit_id=entry.unit_id,
        recipient_name=recipient,
        collective=entry.collective,
        decision_number=number,
        decision_date=entry.decision_date,
        award_class=entry.award_class,
        recorded_by=audit.person_id(actor),
        recorded_at=clock.now(),
    )
    try:
        async with session.begin_nested():
            session.add(award)
    except IntegrityError:
        # Recorded meanwhile by another update or process: theirs stands. (Rolling back the
        # savepoint already took this row out of the session.) Anything else is not ours.
        existing = await _recorded(session, number, recipient)
        if existing is None:
            raise
        return existing, False
    await audit.record(
        session,
        at=award.recorded_at,
        actor=actor,
        action="award.record",
        subject=f"award:{award.id}",
        award_type=award_type.code,
        recipient=recipient,
        collective=entry.collective,
        unit_id=entry.unit_id,
        decision_number=number,
        decision_date=entry.decision_date.isoformat(),
        award_class=entry.award_class,
    )
    await exemplar_changes.honour(session, award, actor, award.recorded_at)
    return award, True


async def award_type_of(session: AsyncSession, code: str) -> AwardType:
    plan = await PlanRepository(session).active()
    award_type = None
    if plan is not None:
        award_type = await session.scalar(
            select(AwardType).where(AwardType.plan_id == plan.id, AwardType.code == code)
        )
    if award_type is None:
        raise AwardError(f"no award type {code!r} in the active plan")
    return award_type


def _check(entry: AwardEntry, award_type: AwardType, number: str, recipient: str) -> None:
    if not kind_allows(award_type.kind, entry.collective):
        whom = "collectives" if entry.collective else "individuals"
        raise AwardError(f"{award_type.code} is not given to {whom}")
    if award_type.has_classes != (entry.award_class in AWARD_CLASSES):
        raise AwardError(f"{award_type.code}: class {entry.award_class!r} does not fit")
    for what, text, limit in (
        ("decision number", number, MAX_DECISION_NUMBER_LENGTH),
        ("recipient", recipient, MAX_RECIPIENT_LENGTH),
    ):
        if not 0 < len(text) <= limit:
            raise AwardError(f"{what} {text!r}: from 1 to {limit} characters")


async def _recorded(session: AsyncSession, number: str, recipient: str) -> Award | None:
    # A decision lists at most a few hundred recipients: comparing them here is cheap, and
    # unlike SQL's lower() it folds Vietnamese capitals alike on SQLite and PostgreSQL.
    awards = await session.scalars(
        select(Award).where(Award.decision_number == number).order_by(Award.id)
    )
    wanted = award_key(number, recipient)
    return next(
        (a for a in awards if award_key(a.decision_number, a.recipient_name) == wanted), None
    )


async def list_awards(
    session: AsyncSession, unit_id: int | None = None
) -> list[tuple[Award, AwardType, Unit]]:
    """Recorded awards, oldest decision first; only ``unit_id``'s when given."""
    query = (
        select(Award, AwardType, Unit)
        .join(AwardType, AwardType.id == Award.award_type_id)
        .join(Unit, Unit.id == Award.unit_id)
        .order_by(Award.decision_date, Award.decision_number, Award.id)
    )
    if unit_id is not None:
        query = query.where(Award.unit_id == unit_id)
    return [(award, award_type, unit) for award, award_type, unit in await session.execute(query)]
