from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Unit
from bot.text import fold


class UnitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_code(self, code: str) -> Unit | None:
        return await self.session.scalar(select(Unit).where(Unit.code == code))

    async def root(self) -> Unit | None:
        query = select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id).limit(1)
        return await self.session.scalar(query)

    async def all(self) -> list[Unit]:
        return list(await self.session.scalars(select(Unit).order_by(Unit.code)))

    async def upsert(
        self, *, code: str, name: str, kind: str, block: str | None, parent: Unit | None
    ) -> Unit:
        """Create the unit, or update it in place: importing twice never duplicates."""
        unit = await self.by_code(code)
        if unit is None:
            unit = Unit(code=code)
            self.session.add(unit)
        unit.name = name
        unit.search_name = fold(name)
        unit.kind = kind
        unit.block = block
        unit.parent = parent
        unit.active = True
        await self.session.flush()
        return unit
