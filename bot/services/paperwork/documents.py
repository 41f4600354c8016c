"""The document of one submission: its standing version or an earlier one, for whoever may
read it; and the name of the head who signs, kept for the unit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import plan as plan_schema
from bot.db.models import Submission, SubmissionVersion, Unit
from bot.forms.catalog import form_for
from bot.i18n import Translator
from bot.services.paperwork import templates
from bot.services.paperwork.content import sections, shown_answers
from bot.services.paperwork.letterhead import date_line, letterhead
from bot.services.paperwork.writer import Paper, write
from bot.services.reporting.drafts import form_env
from bot.services.reporting.review import QueueItem, item
from bot.services.setup.plan_store import active_plan_spec

# An official document is in Vietnamese whatever language its reader chats in.
DOCUMENT_LOCALE = "vi"
HEAD_NAME_LENGTH = (4, 100)


@dataclass(frozen=True)
class Built:
    file_name: str
    content: bytes
    chosen: QueueItem
    version: int


async def readable(
    session: AsyncSession, submission_id: int, *, unit_id: int | None
) -> QueueItem | None:
    """The submission, if the reader may have its document: a unit's people (``unit_id``)
    only their own unit's; the office and the council (None) any."""
    chosen = await item(session, submission_id)
    if chosen is None or (unit_id is not None and chosen.unit.id != unit_id):
        return None
    return chosen


async def build(
    session: AsyncSession,
    chosen: QueueItem,
    *,
    version: int | None = None,
    plan: plan_schema.Plan | None = None,
) -> Built | None:
    """The .docx of the submission's standing version, or of ``version`` (None if it has no
    such version). ``plan``: the active plan's spec, when the caller has it already."""
    submission, deadline, unit = chosen.submission, chosen.deadline, chosen.unit
    number = submission.version if version is None else version
    found = await _version(session, submission, number)
    form = form_for(deadline.form_code)
    if found is None or form is None:
        return None
    plan = plan or await active_plan_spec(session)
    t = Translator(DOCUMENT_LOCALE, plan.tz)
    env = await form_env(session, t, unit.id, deadline)
    head = await letterhead(session, plan, unit, deadline.form_code, t(form.title))
    paper = Paper(
        letterhead=head,
        date_line=date_line(head.place, found.created_at.astimezone(plan.tz)),
        sections=tuple(sections(form, found.answers, env)),
    )
    office_template = await templates.template_of(session, deadline.form_code)
    if office_template is None:
        content = write(paper)
    else:
        values = templates.context(paper, shown_answers(form, found.answers, env))
        content = templates.render(office_template, values)
    return Built(file_name(chosen, number), content, chosen, number)


def file_name(chosen: QueueItem, version: int) -> str:
    return f"{chosen.deadline.code}_{chosen.unit.code}_v{version}.docx"


async def _version(
    session: AsyncSession, submission: Submission, number: int
) -> SubmissionVersion | None:
    return await session.scalar(
        select(SubmissionVersion).where(
            SubmissionVersion.submission_id == submission.id,
            SubmissionVersion.number == number,
        )
    )


def head_known(unit: Unit) -> bool:
    return bool(unit.head_name)


def valid_head_name(typed: str) -> str | None:
    """A person's name as typed, spaces tidied; None if it cannot be one."""
    name = " ".join(typed.split())
    low, high = HEAD_NAME_LENGTH
    if not low <= len(name) <= high or any(c.isdigit() for c in name) or name.startswith("/"):
        return None
    return name


async def keep_head_name(session: AsyncSession, unit_id: int, name: str) -> None:
    unit = await session.get(Unit, unit_id)
    unit.head_name = name
    await session.flush()
