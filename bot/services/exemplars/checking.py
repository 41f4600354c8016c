"""The office's check of a record, and the unit told of it in chat (from /exemplars or
``thidua exemplars check``)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Exemplar, ExemplarStage
from bot.events import Reply
from bot.i18n import Translator
from bot.services.exemplars import changes
from bot.services.exemplars.wording import checked_notice
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
) -> int:
    """:func:`changes.check` (ChangeRefused when there is nothing to change, or for honoured),
    then the notice queued for the unit's people; returns how many are told."""
    note = (note or "").strip() or None
    before = record.stage
    changes.check(session, record, actor, now, note=note, stage=stage)
    key = f"exemplar-check:{record.id}:{now.isoformat()}"

    def compose(t: Translator) -> Reply:
        return Reply(checked_notice(record, before, note, t))

    return await notify_unit(session, record.unit_id, key, compose, now, zone)
