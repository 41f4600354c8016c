"""One-time invite codes: the only way a person is bound to a unit and a role.

Codes come from the office (``thidua invite create``); only a SHA-256 of each is stored, so a
leaked database does not leak usable codes. A code is single-use, expires and can be revoked.
"""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.clock import Clock
from bot.db import audit
from bot.db.models import (
    ChannelIdentity,
    InviteCode,
    InviteFailure,
    Person,
    Role,
    SteeringDepartment,
    Unit,
)
from bot.db.repositories import PeopleRepository, UnitRepository
from bot.events import Identity
from bot.i18n import N_, Explained

# No 0/O, 1/I/L: codes are read aloud over the phone and typed on small keyboards.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 31**12 ≈ 8e17: guessing is hopeless, even before the cooldown.
CODE_SHAPE = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=10)
UNIT_ROLES = (Role.HEAD, Role.MEMBER)
# A code to link one's other app is typed a minute later, on the same phone.
LINK_TTL = timedelta(minutes=30)


class RedeemStatus(enum.Enum):
    BOUND = "bound"
    ALREADY = "already"
    WRONG = "wrong"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"
    COOLDOWN = "cooldown"
    LINKED = "linked"  # a second app joined to an existing account
    OTHER_ACCOUNT = "other_account"  # a link code typed from an app already bound to someone


@dataclass(frozen=True)
class RedeemResult:
    status: RedeemStatus
    person: Person | None = None
    role: Role | None = None
    unit: Unit | None = None
    retry_at: datetime | None = None
    department: SteeringDepartment | None = None  # a steering code's


@dataclass(frozen=True)
class IssuedInvite:
    code: str
    invite: InviteCode

    @property
    def display_code(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, CODE_LENGTH, 4))


class InviteError(Explained):
    """A request the office made that cannot be carried out; ``explain`` says why."""


def normalise_code(text: str) -> str | None:
    """The code inside what a person typed ("abcd-efgh jkmn" works), or None."""
    candidate = re.sub(r"[\s-]", "", text).upper()
    return candidate if CODE_SHAPE.match(candidate) else None


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def create_invite(
    session: AsyncSession,
    clock: Clock,
    *,
    role: Role,
    unit_code: str | None,
    created_by: str,
    ttl: timedelta,
    department_code: str | None = None,
) -> IssuedInvite:
    unit = await _invite_unit(session, role, unit_code)
    department = await _invite_department(session, role, department_code)
    return await _issue(
        session,
        clock.now(),
        role=role,
        unit=unit,
        department=department,
        created_by=created_by,
        ttl=ttl,
    )


async def invite_unless_bound(
    session: AsyncSession,
    clock: Clock,
    *,
    channel: str,
    user_id: str,
    role: Role,
    unit_code: str | None,
    ttl: timedelta,
) -> IssuedInvite | None:
    """A code for an app not bound yet (the sandbox's personas); None when it is bound."""
    if await PeopleRepository(session).identity(channel, user_id) is not None:
        return None
    return await create_invite(
        session, clock, role=role, unit_code=unit_code, created_by=channel, ttl=ttl
    )


async def create_link_code(session: AsyncSession, clock: Clock, person: Person) -> IssuedInvite:
    """A code for the person's other app (Zalo, Telegram): typed there, it joins that account
    to this person. An invite the person made is one only they can be given."""
    grant = person.roles[0]
    return await _issue(
        session,
        clock.now(),
        role=grant.role,
        unit=grant.unit,
        department=grant.department,
        created_by=audit.person_actor(person.id),
        ttl=LINK_TTL,
    )


async def _issue(
    session: AsyncSession,
    now: datetime,
    *,
    role: Role,
    unit: Unit,
    department: SteeringDepartment | None,
    created_by: str,
    ttl: timedelta,
) -> IssuedInvite:
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    invite = InviteCode(
        code_hash=hash_code(code),
        role=role,
        unit_id=unit.id,
        unit=unit,
        department=department,
        created_at=now,
        created_by=created_by,
        expires_at=now + ttl,
    )
    session.add(invite)
    await session.flush()
    await audit.record(
        session,
        at=now,
        actor=created_by,
        action="invite.create",
        subject=f"invite:{invite.id}",
        role=role.value,
        unit=unit.code,
        department=department.code if department else None,
    )
    return IssuedInvite(code=code, invite=invite)


async def _invite_unit(session: AsyncSession, role: Role, unit_code: str | None) -> Unit:
    units = UnitRepository(session)
    if unit_code is None:
        if role in UNIT_ROLES:
            raise InviteError(N_("role {role} needs --unit"), role=role.value)
        # Office, council and steering departments act for the Sở: they belong to the root.
        unit = await units.root()
    elif role is Role.STEERING:
        raise InviteError(N_("role steering takes --department, not --unit"))
    else:
        unit = await units.by_code(unit_code)
    if unit is None:
        raise InviteError(
            N_("unknown unit {unit}: load the plan or import units"), unit=unit_code or "(root)"
        )
    return unit


async def _invite_department(
    session: AsyncSession, role: Role, code: str | None
) -> SteeringDepartment | None:
    if role is not Role.STEERING:
        if code is not None:
            raise InviteError(N_("only role steering takes --department"))
        return None
    if code is None:
        raise InviteError(N_("role steering needs --department"))
    found = await session.scalar(
        select(SteeringDepartment).where(SteeringDepartment.code == code.strip().upper())
    )
    if found is None:
        known = ", ".join(await session.scalars(select(SteeringDepartment.code)))
        raise InviteError(
            N_("unknown department {code}: the plan names {known}"), code=code, known=known or "-"
        )
    return found


async def revoke_invite(session: AsyncSession, clock: Clock, code_or_id: str, actor: str) -> int:
    """Revoke an unused code, given the code itself or its number in ``thidua invite list``."""
    code = normalise_code(code_or_id)
    if code is not None:
        match = InviteCode.code_hash == hash_code(code)
    elif code_or_id.lstrip("#").isdigit():
        match = InviteCode.id == int(code_or_id.lstrip("#"))
    else:
        return 0
    now = clock.now()
    result = await session.execute(
        update(InviteCode)
        .where(match, InviteCode.used_at.is_(None), InviteCode.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    if result.rowcount:
        await audit.record(
            session,
            at=now,
            actor=actor,
            action="invite.revoke",
            subject="invite",
            count=result.rowcount,
        )
    return result.rowcount


async def list_invites(session: AsyncSession) -> list[InviteCode]:
    query = (
        select(InviteCode)
        .options(selectinload(InviteCode.unit), selectinload(InviteCode.department))
        .order_by(InviteCode.id)
    )
    return list(await session.scalars(query))


async def redeem(
    session: AsyncSession, clock: Clock, identity: Identity, code: str, locale: str
) -> RedeemResult:
    now = clock.now()
    retry_at = await _cooldown_until(session, identity, now)
    if retry_at is not None:
        return RedeemResult(RedeemStatus.COOLDOWN, retry_at=retry_at)
    invite = await session.scalar(
        select(InviteCode)
        .where(InviteCode.code_hash == hash_code(code))
        .options(selectinload(InviteCode.unit), selectinload(InviteCode.department))
    )
    if invite is None:
        session.add(InviteFailure(channel=identity.channel, chat_id=identity.chat_id, at=now))
        await session.flush()
        return RedeemResult(RedeemStatus.WRONG)
    refusal = _refusal(invite, now)
    if refusal is not None:
        return RedeemResult(refusal)
    return await _bind(session, invite, identity, locale, now)


def _refusal(invite: InviteCode, now: datetime) -> RedeemStatus | None:
    if invite.revoked_at is not None:
        return RedeemStatus.REVOKED
    if invite.used_at is not None:
        return RedeemStatus.USED
    if invite.expires_at <= now:
        return RedeemStatus.EXPIRED
    return None


async def _bind(
    session: AsyncSession, invite: InviteCode, identity: Identity, locale: str, now: datetime
) -> RedeemResult:
    people = PeopleRepository(session)
    known = await people.identity(identity.channel, identity.user_id)
    owner_id = audit.person_id(invite.created_by)
    if owner_id is not None and known is not None and known.person_id != owner_id:
        return RedeemResult(RedeemStatus.OTHER_ACCOUNT)
    # Claim the code atomically: of two people redeeming it at once, exactly one wins.
    claimed = await session.execute(
        update(InviteCode)
        .where(InviteCode.id == invite.id, InviteCode.used_at.is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        return RedeemResult(RedeemStatus.USED)
    if owner_id is not None:
        return await _link(session, invite, identity, owner_id, known, now)
    if known is None:
        known = await people.add_person(
            full_name=identity.display_name or identity.user_id,
            locale=locale,
            channel=identity.channel,
            user_id=identity.user_id,
            chat_id=identity.chat_id,
            now=now,
        )
    person = known.person
    await session.execute(
        update(InviteCode).where(InviteCode.id == invite.id).values(used_by_person_id=person.id)
    )
    granted = await people.grant(
        person,
        invite.role,
        invite.unit,
        now=now,
        granted_by=f"invite:{invite.id}",
        department=invite.department,
    )
    await audit.record(
        session,
        at=now,
        actor=audit.person_actor(person.id),
        action="invite.redeem",
        subject=f"invite:{invite.id}",
        role=invite.role.value,
        unit=invite.unit.code,
        channel=identity.channel,
    )
    status = RedeemStatus.BOUND if granted else RedeemStatus.ALREADY
    return RedeemResult(
        status, person=person, role=invite.role, unit=invite.unit, department=invite.department
    )


async def _link(
    session: AsyncSession,
    invite: InviteCode,
    identity: Identity,
    owner_id: int,
    known: ChannelIdentity | None,
    now: datetime,
) -> RedeemResult:
    """The app joins the account of the person who made the code; their roles come along."""
    people = PeopleRepository(session)
    if known is None:
        await people.add_identity(
            owner_id, identity.channel, identity.user_id, identity.chat_id, now
        )
    await session.execute(
        update(InviteCode).where(InviteCode.id == invite.id).values(used_by_person_id=owner_id)
    )
    await audit.record(
        session,
        at=now,
        actor=audit.person_actor(owner_id),
        action="identity.link",
        subject=f"invite:{invite.id}",
        channel=identity.channel,
    )
    status = RedeemStatus.ALREADY if known is not None else RedeemStatus.LINKED
    return RedeemResult(
        status,
        person=await people.person(owner_id),
        role=invite.role,
        unit=invite.unit,
        department=invite.department,
    )


async def _cooldown_until(session: AsyncSession, identity: Identity, now: datetime):
    recent = await session.scalars(
        select(InviteFailure.at)
        .where(
            InviteFailure.channel == identity.channel,
            InviteFailure.chat_id == identity.chat_id,
            InviteFailure.at > now - FAILURE_WINDOW,
        )
        .order_by(InviteFailure.at.desc())
        .limit(MAX_FAILURES)
    )
    failures = list(recent)
    if len(failures) < MAX_FAILURES:
        return None
    # Blocked until the oldest of the last five wrong codes leaves the window.
    return failures[-1] + FAILURE_WINDOW
