"""The unit tree: the Sở at the root, district offices, schools and centres.

Units come from the plan file and from the office's spreadsheets (``thidua units import``);
here they are found: by code, by id, by part of a name typed with or without accents.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Unit
from bot.db.repositories import UnitRepository
from bot.i18n import N_
from bot.text import fold

DEPARTMENT, DISTRICT_OFFICE, SCHOOL, CENTRE = "department", "district_office", "school", "centre"
# The two quota blocks (the Sở itself is in neither), as people name them.
BLOCK_NAMES = {"district": N_("district-managed block"), "so_direct": N_("Sở-direct block")}


async def unit(session: AsyncSession, unit_id: int) -> Unit | None:
    return await session.get(Unit, unit_id)


async def by_code(session: AsyncSession, code: str) -> Unit | None:
    return await UnitRepository(session).by_code(code)


async def root(session: AsyncSession) -> Unit | None:
    """The unit without a parent: the Sở, where the office and the council belong."""
    return await UnitRepository(session).root()


async def all_units(session: AsyncSession) -> list[Unit]:
    """Every unit, by code."""
    return await UnitRepository(session).all()


async def first_school(session: AsyncSession) -> str:
    """The code of the first school (else the first unit): who a newcomer plays."""
    units = await all_units(session)
    schools = [unit for unit in units if unit.kind == SCHOOL] or units
    return schools[0].code


async def district_offices(session: AsyncSession) -> list[Unit]:
    """The district offices (Phòng GD&ĐT), by name: what "a district" means to the office."""
    query = select(Unit).where(Unit.kind == DISTRICT_OFFICE).order_by(Unit.name)
    return list(await session.scalars(query))


async def search(session: AsyncSession, typed: str, limit: int) -> list[Unit]:
    """Units whose name contains ``typed``, accents and case aside, by name; at most ``limit``."""
    query = (
        select(Unit).where(Unit.search_name.contains(fold(typed))).order_by(Unit.name).limit(limit)
    )
    return list(await session.scalars(query))
