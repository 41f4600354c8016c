from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager, selectinload

from bot.db.models import ChannelIdentity, Person, Role, RoleGrant, SteeringDepartment, Unit


@dataclass(frozen=True)
class Grant:
    id: int
    role: Role
    unit_id: int
    department_id: int | None = None  # a steering grant's department


@dataclass(frozen=True)
class Account:
    """Who a person is, as plain values (see bot.context)."""

    person_id: int
    locale: str
    grants: tuple[Grant, ...]  # oldest first


class PeopleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def account(self, channel: str, user_id: str) -> Account | None:
        """Who the person is, as plain values: one row query, as it runs on every update."""
        rows = (
            await self.session.execute(_ACCOUNT, {"channel": channel, "user_id": user_id})
        ).all()
        if not rows:
            return None
        grants = tuple(
            Grant(row.grant_id, row.role, row.unit_id, row.department_id)
            for row in rows
            if row.grant_id
        )
        return Account(person_id=rows[0].person_id, locale=rows[0].locale, grants=grants)

    async def identity(self, channel: str, user_id: str) -> ChannelIdentity | None:
        """The account with its person, roles and units: one query, as it runs on every update."""
        found = await self.session.scalars(_IDENTITY, {"channel": channel, "user_id": user_id})
        return found.unique().one_or_none()

    async def person(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    async def add_person(
        self,
        *,
        full_name: str,
        locale: str,
        channel: str,
        user_id: str,
        chat_id: str,
        now: datetime,
    ) -> ChannelIdentity:
        person = Person(full_name=full_name, locale=locale, created_at=now, roles=[])
        identity = ChannelIdentity(
            person=person, channel=channel, user_id=user_id, chat_id=chat_id, linked_at=now
        )
        self.session.add_all([person, identity])
        await self.session.flush()
        return identity

    async def add_identity(
        self, person_id: int, channel: str, user_id: str, chat_id: str, now: datetime
    ) -> ChannelIdentity:
        """Another app of a person already bound."""
        identity = ChannelIdentity(
            person_id=person_id, channel=channel, user_id=user_id, chat_id=chat_id, linked_at=now
        )
        self.session.add(identity)
        await self.session.flush()
        return identity

    async def grant(
        self,
        person: Person,
        role: Role,
        unit: Unit,
        *,
        now: datetime,
        granted_by: str,
        department: SteeringDepartment | None = None,
    ) -> bool:
        """Give ``person`` the role at ``unit`` (and ``department``); False when they already
        had it. A person steers for one department at a time: a grant for another department
        moves them to it."""
        existing = await self.session.scalar(
            select(RoleGrant).where(
                RoleGrant.person_id == person.id,
                RoleGrant.role == role,
                RoleGrant.unit_id == unit.id,
            )
        )
        department_id = department.id if department is not None else None
        if existing is not None:
            if existing.department_id == department_id:
                return False
            existing.department_id, existing.granted_at = department_id, now
            existing.granted_by = granted_by
            await self.session.flush()
            await self.session.refresh(person, ["roles"])
            return True
        grant = RoleGrant(
            person_id=person.id,
            role=role,
            unit=unit,
            department=department,
            granted_at=now,
            granted_by=granted_by,
        )
        self.session.add(grant)
        await self.session.flush()
        await self.session.refresh(person, ["roles"])
        return True

    async def revoke(self, person: Person, role: Role) -> int:
        grants = [grant for grant in await self._grants(person) if grant.role == role]
        for grant in grants:
            await self.session.delete(grant)
        await self.session.flush()
        return len(grants)

    async def everyone(self) -> list[Person]:
        query = (
            select(Person)
            .order_by(Person.id)
            .options(
                selectinload(Person.identities),
                selectinload(Person.roles).selectinload(RoleGrant.unit),
                selectinload(Person.roles).selectinload(RoleGrant.department),
            )
        )
        return list(await self.session.scalars(query))

    async def _grants(self, person: Person) -> list[RoleGrant]:
        return list(
            await self.session.scalars(select(RoleGrant).where(RoleGrant.person_id == person.id))
        )


_identities, _people, _grants = (
    ChannelIdentity.__table__,
    Person.__table__,
    RoleGrant.__table__,
)
# On the tables, not the ORM classes: plain rows, without the ORM's loading machinery.
_ACCOUNT = (
    select(
        _identities.c.person_id,
        _people.c.locale,
        _grants.c.id.label("grant_id"),
        _grants.c.role,
        _grants.c.unit_id,
        _grants.c.department_id,
    )
    .join(_people, _people.c.id == _identities.c.person_id)
    .outerjoin(_grants, _grants.c.person_id == _people.c.id)
    .where(
        _identities.c.channel == bindparam("channel"),
        _identities.c.user_id == bindparam("user_id"),
    )
    .order_by(_grants.c.id)
)

# Built once: it runs for every update that needs the ORM objects. Explicit joins filled in by
# contains_eager cost a third less than the same graph through joinedload, which sets up its
# loaders on each execution.
_IDENTITY = (
    select(ChannelIdentity)
    .join(ChannelIdentity.person)
    .outerjoin(Person.roles)
    .outerjoin(RoleGrant.unit)
    .outerjoin(RoleGrant.department)
    .where(
        ChannelIdentity.channel == bindparam("channel"),
        ChannelIdentity.user_id == bindparam("user_id"),
    )
    .options(
        contains_eager(ChannelIdentity.person)
        .contains_eager(Person.roles)
        .contains_eager(RoleGrant.unit),
        contains_eager(ChannelIdentity.person)
        .contains_eager(Person.roles)
        .contains_eager(RoleGrant.department),
    )
)
