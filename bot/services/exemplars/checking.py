"""The changes to a record that its unit is told of in chat: the office's check (a stage, a
note) and its choice for pilot steering, a steering department's note; from /exemplars or
``thidua exemplars check|select``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Exemplar, ExemplarEvent, ExemplarStage, PilotModel, SteeringDepartment
from bot.events import Button, Reply
from bot.i18n import N_, Translator
from bot.services.exemplars import changes
from bot.services.exemplars.wording import checked_notice, selected_notice
from bot.services.messaging.notices import notify_unit


async def check_and_tell(
    session: AsyncSession,
    record: Exemplar,
    actor: str,
    now: datetime,
    zone: ZoneInfo,
    *,
    stage: ExemplarStage | None = None,
    note: str | None = None,
    by: SteeringDepartment | None = None,
) -> int:
    """:func:`changes.check` (ChangeRefused when there is nothing to change, or for honoured),
    then the notice queued for the unit's people; returns how many are told. ``by``: the
    steering department whose note it is."""
    note = " ".join((note or "").split()) or None
    before = record.stage
    check = await changes.check(session, record, actor, now, note=note, stage=stage)
    notice = partial(checked_notice, record, before, note, by=by)
    return await _tell_unit(session, record, check, notice, now, zone)


async def select_and_tell(
    session: AsyncSession,
    record: Exemplar,
    model: PilotModel,
    year: str,
    actor: str,
    now: datetime,
    zone: ZoneInfo,
) -> int:
    """:func:`changes.select_for_pilot`, then the unit told; returns how many are told."""
    chosen = await changes.select_for_pilot(session, record, model, year, actor, now)
    notice = partial(selected_notice, record, model, year)
    return await _tell_unit(session, record, chosen, notice, now, zone)


async def _tell_unit(
    session: AsyncSession,
    record: Exemplar,
    change: ExemplarEvent,
    notice: Callable[[Translator], str],
    now: datetime,
    zone: ZoneInfo,
) -> int:
    def compose(t: Translator) -> Reply:
        open_it = Button(t(N_("🌟 Open the record")), f"exr:{record.id}")
        return Reply(notice(t), buttons=((open_it,),))

    key = f"exemplar-change:{change.id}"  # a retried update tells the unit once
    return await notify_unit(session, record.unit_id, key, compose, now, zone)
