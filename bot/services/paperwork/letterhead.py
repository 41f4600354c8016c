"""Who issues a unit's document and where: the parts of its header, number, date line and
signature that come from the plan file and the unit tree, never from code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot import plan as plan_schema
from bot.db.models import Unit
from bot.plan.paperwork import DEFAULT_HEADS, FormPaper


@dataclass(frozen=True)
class Letterhead:
    managing_body: str  # above the unit's name; empty for a unit with nothing above it
    unit_name: str
    number: str  # "Số: …/BC-THPTVT": the number itself is left for the clerk to write
    place: str
    head_position: str
    head_name: str | None
    recipients: tuple[str, ...]
    title: str
    addressee: str | None


def abbreviation(code: str) -> str:
    """THPT-VIET-TRI -> THPTVT: the first part whole, the initials of the rest."""
    first, *rest = code.split("-")
    return first + "".join(part[:1] for part in rest)


def date_line(place: str, at: datetime) -> str:
    """Nghị định 30/2020: days below 10 and the months 1 and 2 take a leading zero."""
    month = f"{at.month:02d}" if at.month <= 2 else str(at.month)
    day = f"ngày {at.day:02d} tháng {month} năm {at.year}"
    return f"{place}, {day}" if place else day


async def letterhead(
    session: AsyncSession,
    plan: plan_schema.Plan,
    unit: Unit,
    form_code: str,
    default_title: str,
) -> Letterhead:
    specs = {spec.code: spec for spec in plan.units}
    paperwork = plan.paperwork
    chain = await _ancestry(session, unit)
    own = specs.get(unit.code)
    parent = chain[1] if len(chain) > 1 else None
    if own is not None and own.managing_body:
        managing_body = own.managing_body
    elif parent is not None:
        managing_body = parent.name
    else:
        managing_body = paperwork.managing_body or ""
    place = next(
        (specs[u.code].place for u in chain if u.code in specs and specs[u.code].place),
        paperwork.place or "",
    )
    form = paperwork.forms.get(form_code) or FormPaper(title=default_title, kind="BC")
    short = own.abbreviation if own is not None and own.abbreviation else abbreviation(unit.code)
    heads = {**DEFAULT_HEADS, **paperwork.heads}
    return Letterhead(
        managing_body=managing_body,
        unit_name=unit.name,
        number=f"Số: …/{form.kind}-{short}",
        place=place,
        head_position=heads.get(unit.kind, heads["school"]),
        head_name=unit.head_name,
        recipients=form.recipients or paperwork.recipients,
        title=form.title,
        addressee=form.addressee,
    )


async def _ancestry(session: AsyncSession, unit: Unit) -> list[Unit]:
    """The unit, its parent, and so on up to the root."""
    chain = [unit]
    while chain[-1].parent_id is not None and len(chain) < 16:
        chain.append(await session.get(Unit, chain[-1].parent_id))
    return chain
