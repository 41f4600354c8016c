"""Announcements of the office: who an audience is, a broadcast and its outbox rows written in
one unit of work, and the figures its progress and final report show.

An audience is a kind and, for most kinds, the id of what it names: ``all`` units, a ``block``
(``district`` or ``so_direct``), a ``district`` (the district office's id: the office and its
schools), a pilot ``model``'s units, the units ``missing`` a deadline, or the ``council``.
A unit's audience is the heads and members of the unit, on every channel they use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from bot.clock import Clock
from bot.db.models import (
    Broadcast,
    BroadcastStatus,
    ChannelIdentity,
    Deadline,
    ModelAssignment,
    OfficeDraft,
    OutboxMessage,
    OutboxStatus,
    Person,
    PilotModel,
    Role,
    RoleGrant,
    Unit,
)
from bot.db.repositories.plan import in_selection
from bot.events import Reply
from bot.i18n import N_, Translator
from bot.services.messaging.outbox import enqueue
from bot.services.obligations.owing import owing_query
from bot.services.reporting import office_drafts
from bot.services.setup.units import DISTRICT_OFFICE

COMPOSITION = "broadcast"  # the office draft kind of an announcement being composed
KINDS = ("all", "block", "district", "model", "missing", "council")
BLOCKS = ("district", "so_direct")
UNREACHABLE_LISTED = 50


@dataclass(frozen=True)
class Audience:
    kind: str
    ref: str = ""

    @classmethod
    def parse(cls, text: str) -> Audience | None:
        """``<kind>`` or ``<kind>:<ref>`` as a button carries it; None when malformed."""
        kind, _, ref = text.partition(":")
        needs_ref = kind in ("block", "district", "model", "missing")
        if kind not in KINDS or needs_ref != bool(ref) or (needs_ref and not _ref_ok(kind, ref)):
            return None
        return cls(kind, ref)

    @property
    def code(self) -> str:
        return f"{self.kind}:{self.ref}" if self.ref else self.kind

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "ref": self.ref}


def _ref_ok(kind: str, ref: str) -> bool:
    return ref in BLOCKS if kind == "block" else ref.isdigit()


async def compose(
    session: AsyncSession, clock: Clock, person: Person, audience: Audience
) -> OfficeDraft:
    """An announcement being composed for ``audience``: an office draft, so a restart in the
    middle loses nothing."""
    draft = await office_drafts.start(
        session, person, kind=COMPOSITION, subject_id=0, now=clock.now()
    )
    draft.answers = {"audience": audience.as_dict()}
    return draft


async def composition(session: AsyncSession, draft_id: int, person_id: int) -> OfficeDraft | None:
    """The announcement a button names, only the person's own."""
    return await office_drafts.own(session, draft_id, person_id, COMPOSITION)


def set_message(draft: OfficeDraft, message: Reply, now: datetime) -> None:
    """The text typed, or the file to pass on; typing again replaces it."""
    draft.answers = {**draft.answers, "message": message.to_dict()}
    draft.updated_at = now


def composed(draft: OfficeDraft) -> tuple[Audience, Reply | None]:
    """The audience chosen and the message given so far (None until one is)."""
    message = draft.answers.get("message")
    audience = Audience(**draft.answers["audience"])
    return audience, Reply.from_dict(message) if message else None


async def send_composition(
    session: AsyncSession, clock: Clock, author: ChannelIdentity, draft: OfficeDraft
) -> Broadcast:
    """Send what was composed: the broadcast is created and the draft consumed, so a second
    press sends nothing."""
    audience, message = composed(draft)
    sent = await create(session, author, audience, message, clock.now())
    await office_drafts.discard(session, draft)
    return sent


async def subject(
    session: AsyncSession, audience: Audience
) -> Unit | PilotModel | Deadline | str | None:
    """What the audience names (a district office, a model, a deadline, a block's code), or ""
    for the kinds that name nothing; None when it names something that does not exist."""
    model = {"district": Unit, "model": PilotModel, "missing": Deadline}.get(audience.kind)
    if model is None:
        return audience.ref
    found = await session.get(model, int(audience.ref))
    if audience.kind == "district" and found is not None and found.kind != DISTRICT_OFFICE:
        return None
    return found


async def recipients(session: AsyncSession, audience: Audience) -> list[int]:
    """The channel identities the audience reaches, those known to be unreachable included:
    the report names them."""
    grants = select(RoleGrant.person_id)
    if audience.kind == "council":
        grants = grants.where(RoleGrant.role == Role.COUNCIL)
    else:
        units = await _units(session, audience)
        grants = grants.where(
            RoleGrant.role.in_((Role.HEAD, Role.MEMBER)), RoleGrant.unit_id.in_(units)
        )
    query = select(ChannelIdentity.id).where(ChannelIdentity.person_id.in_(grants))
    return list(await session.scalars(query.order_by(ChannelIdentity.id)))


async def _units(session: AsyncSession, audience: Audience) -> Select:
    units = select(Unit.id).where(Unit.parent_id.is_not(None), Unit.active.is_(True))
    if audience.kind == "block":
        return units.where(Unit.block == audience.ref)
    if audience.kind == "district":
        office = int(audience.ref)
        return units.where((Unit.parent_id == office) | (Unit.id == office))
    if audience.kind == "model":
        # The units as the office last selected them, for the coming year if already chosen.
        return select(ModelAssignment.unit_id).where(
            ModelAssignment.model_id == int(audience.ref), in_selection(None)
        )
    if audience.kind == "missing":
        return owing_query(await session.get(Deadline, int(audience.ref)))
    return units


async def create(
    session: AsyncSession, author: ChannelIdentity, audience: Audience, reply: Reply, now: datetime
) -> Broadcast:
    """The broadcast and one outbox message per recipient, in the caller's unit of work: both
    are written, or neither."""
    identity_ids = await recipients(session, audience)
    payload = reply.to_dict()
    broadcast = Broadcast(
        author_id=author.person_id,
        author_identity_id=author.id,
        audience=audience.as_dict(),
        payload=payload,
        recipients=len(identity_ids),
        status=BroadcastStatus.SENDING,
        created_at=now,
    )
    session.add(broadcast)
    await session.flush()
    messages = [(f"broadcast:{broadcast.id}:{i}", i, payload) for i in identity_ids]
    await enqueue(session, messages, now, broadcast_id=broadcast.id)
    return broadcast


@dataclass(frozen=True)
class Figures:
    total: int
    sent: int = 0
    failed: int = 0

    @property
    def finished(self) -> bool:
        return self.sent + self.failed >= self.total


async def figures(session: AsyncSession, broadcasts: list[Broadcast]) -> dict[int, Figures]:
    counts = await session.execute(
        select(OutboxMessage.broadcast_id, OutboxMessage.status, func.count())
        .where(OutboxMessage.broadcast_id.in_([b.id for b in broadcasts]))
        .group_by(OutboxMessage.broadcast_id, OutboxMessage.status)
    )
    by_status: dict[int, dict[str, int]] = {}
    for broadcast_id, status, count in counts:
        by_status.setdefault(broadcast_id, {})[status] = count
    return {
        b.id: Figures(
            b.recipients,
            sent=by_status.get(b.id, {}).get(OutboxStatus.SENT, 0),
            failed=by_status.get(b.id, {}).get(OutboxStatus.FAILED, 0),
        )
        for b in broadcasts
    }


async def past(session: AsyncSession, limit: int) -> list[Broadcast]:
    query = select(Broadcast).order_by(Broadcast.id.desc()).limit(limit)
    return list(await session.scalars(query.options(joinedload(Broadcast.author))))


@dataclass(frozen=True)
class Progress:
    """What the sender shows the author of a broadcast under way."""

    broadcast_id: int
    channel: str
    chat_id: str
    message_ref: str | None
    text: str
    finished: bool


async def progress(session: AsyncSession, zone: ZoneInfo) -> list[Progress]:
    sending = list(
        await session.scalars(
            select(Broadcast)
            .where(Broadcast.status == BroadcastStatus.SENDING)
            .options(joinedload(Broadcast.author), joinedload(Broadcast.author_identity))
        )
    )
    counted = await figures(session, sending)
    return [
        Progress(
            broadcast.id,
            broadcast.author_identity.channel,
            broadcast.author_identity.chat_id,
            broadcast.progress_ref,
            progress_line(Translator(broadcast.author.locale, zone), counted[broadcast.id]),
            counted[broadcast.id].finished,
        )
        for broadcast in sending
    ]


def progress_line(t: Translator, counted: Figures) -> str:
    return t(
        N_("📣 Sent {sent}/{total} · {failed} failed"),
        sent=t.number(counted.sent),
        total=t.number(counted.total),
        failed=t.number(counted.failed),
    )


async def remember_progress_message(session: AsyncSession, broadcast_id: int, ref: str) -> None:
    broadcast = await session.get(Broadcast, broadcast_id)
    broadcast.progress_ref = ref


async def finish(session: AsyncSession, broadcast_id: int, now: datetime, zone: ZoneInfo) -> None:
    """Done: the report goes to the author through the outbox, once (its key)."""
    broadcast = await session.get(Broadcast, broadcast_id, options=[joinedload(Broadcast.author)])
    if broadcast.status is BroadcastStatus.DONE:
        return
    broadcast.status, broadcast.finished_at = BroadcastStatus.DONE, now
    counted = (await figures(session, [broadcast]))[broadcast.id]
    t = Translator(broadcast.author.locale, zone)
    text = report(t, broadcast, counted, await unreachable(session, broadcast.id))
    key = f"broadcast:{broadcast.id}:report"
    await enqueue(session, [(key, broadcast.author_identity_id, Reply(text).to_dict())], now)


def report(t: Translator, broadcast: Broadcast, counted: Figures, names: list[str]) -> str:
    lines = [
        t(
            N_(
                "📣 Announcement #{number} finished: delivered to {sent} of {total}, "
                "{failed} failed."
            ),
            number=broadcast.id,
            sent=t.number(counted.sent),
            total=t.number(counted.total),
            failed=t.number(counted.failed),
        )
    ]
    if names:
        lines.append(t(N_("Could not be reached (blocked the bot or left):")))
        lines += [f" • {name}" for name in names[:UNREACHABLE_LISTED]]
        if len(names) > UNREACHABLE_LISTED:
            lines.append(t(N_(" … and {count} more"), count=len(names) - UNREACHABLE_LISTED))
    return "\n".join(lines)


async def unreachable(session: AsyncSession, broadcast_id: int) -> list[str]:
    """'Name (unit)' of the recipients the broadcast could not reach."""
    unit_name = (
        select(func.min(Unit.name))
        .join(RoleGrant, RoleGrant.unit_id == Unit.id)
        .where(RoleGrant.person_id == Person.id)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Person.full_name, unit_name)
        .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
        .join(OutboxMessage, OutboxMessage.identity_id == ChannelIdentity.id)
        .where(
            OutboxMessage.broadcast_id == broadcast_id,
            OutboxMessage.status == OutboxStatus.FAILED,
        )
        .order_by(Person.full_name)
    )
    return [f"{name} ({unit})" if unit else name for name, unit in rows]
