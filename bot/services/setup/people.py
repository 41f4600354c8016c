"""Who is who: the people bound to the bot, their apps (channel identities) and their roles.

Every update reads the person's :class:`Account` (plain values, one row query); the handlers
that show or change the person load the ORM objects (:func:`identity`). People are only ever
bound through invite codes (:mod:`bot.services.setup.invites`); roles are granted by those
codes or by the operator (``thidua roles``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ChannelIdentity, Person, Role, RoleGrant, Unit
from bot.db.repositories import PeopleRepository
from bot.db.repositories.people import Account


async def account(session: AsyncSession, channel: str, user_id: str) -> Account | None:
    return await PeopleRepository(session).account(channel, user_id)


async def identity(session: AsyncSession, channel: str, user_id: str) -> ChannelIdentity | None:
    """The app's identity with its person, roles and units loaded."""
    return await PeopleRepository(session).identity(channel, user_id)


async def locale_of(session: AsyncSession, channel: str, user_id: str) -> str | None:
    """The language a bound person chose; None for someone not bound."""
    found = await account(session, channel, user_id)
    return found.locale if found else None


async def set_locale(session: AsyncSession, person_id: int, locale: str) -> None:
    person = await PeopleRepository(session).person(person_id)
    person.locale = locale


async def person(session: AsyncSession, person_id: int) -> Person | None:
    return await PeopleRepository(session).person(person_id)


async def everyone(session: AsyncSession) -> list[Person]:
    """Everyone bound, with their identities and roles, by id."""
    return await PeopleRepository(session).everyone()


async def grant(
    session: AsyncSession, person: Person, role: Role, unit: Unit, *, now: datetime, by: str
) -> bool:
    """Give ``person`` the role at ``unit``; False when they already had it."""
    return await PeopleRepository(session).grant(person, role, unit, now=now, granted_by=by)


async def revoke(session: AsyncSession, person: Person, role: Role) -> int:
    """Take the role away wherever the person held it; how many grants were removed."""
    return await PeopleRepository(session).revoke(person, role)


async def members_of(session: AsyncSession, unit_id: int) -> list[tuple[str, Role]]:
    """Who is bound to the unit, by name, with the role they hold there."""
    rows = await session.execute(
        select(Person.full_name, RoleGrant.role)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(RoleGrant.unit_id == unit_id)
        .order_by(Person.full_name)
    )
    return [(name, role) for name, role in rows]
