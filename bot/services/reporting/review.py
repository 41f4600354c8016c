"""The office's review of submissions: the queue of what awaits it, accepting, returning.

A decision is taken on the version the office read. If the unit saved a newer version in the
meantime, or another clerk decided first, the decision is refused and nothing changes: the
office sees the submission as it now stands. The unit's people are told either way it goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db import audit
from bot.db.models import (
    Attachment,
    Deadline,
    OfficeDraft,
    Person,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    Unit,
)
from bot.events import Button, Reply
from bot.i18n import N_, Translator
from bot.services.messaging.notices import notify_unit
from bot.services.reporting import office_drafts

RETURN = "return"  # the office draft kind: a return whose reason is being typed


@dataclass(frozen=True)
class QueueItem:
    submission: Submission
    unit: Unit
    deadline: Deadline


class DecisionRefused(Exception):
    """The submission changed since the office read it; ``submission`` is how it stands."""

    def __init__(self, submission: Submission) -> None:
        super().__init__(f"submission {submission.id} is at version {submission.version}")
        self.submission = submission


async def waiting(session: AsyncSession, *, offset: int, limit: int) -> tuple[list[QueueItem], int]:
    """Submissions awaiting a decision, longest waiting first, and how many there are."""
    pending = Submission.status == SubmissionStatus.SUBMITTED
    total = await session.scalar(select(func.count()).select_from(Submission).where(pending))
    rows = await session.execute(
        select(Submission, Unit, Deadline)
        .join(Unit, Unit.id == Submission.unit_id)
        .join(Deadline, Deadline.id == Submission.deadline_id)
        .where(pending)
        .order_by(Submission.updated_at, Submission.id)
        .offset(offset)
        .limit(limit)
    )
    return [QueueItem(*row) for row in rows], total


async def item(session: AsyncSession, submission_id: int) -> QueueItem | None:
    row = (
        await session.execute(
            select(Submission, Unit, Deadline)
            .join(Unit, Unit.id == Submission.unit_id)
            .join(Deadline, Deadline.id == Submission.deadline_id)
            .where(Submission.id == submission_id)
        )
    ).first()
    return QueueItem(*row) if row else None


async def standing_version(
    session: AsyncSession, submission: Submission
) -> tuple[SubmissionVersion, list[Attachment]]:
    version = await session.scalar(
        select(SubmissionVersion).where(
            SubmissionVersion.submission_id == submission.id,
            SubmissionVersion.number == submission.version,
        )
    )
    files = await session.scalars(
        select(Attachment)
        .where(Attachment.submission_version_id == version.id)
        .order_by(Attachment.id)
    )
    return version, list(files)


async def attachment(session: AsyncSession, attachment_id: int) -> Attachment | None:
    """A file kept with a submission (never one still in someone's draft)."""
    found = await session.get(Attachment, attachment_id)
    return found if found is not None and found.submission_version_id is not None else None


async def start_return(
    session: AsyncSession, clock: Clock, person: Person, chosen: QueueItem, version: int
) -> None:
    """Returning needs a reason: the next thing the clerk types is it (an office draft)."""
    await office_drafts.start(
        session,
        person,
        kind=RETURN,
        subject_id=chosen.submission.id,
        subject_version=version,
        now=clock.now(),
    )


async def reason_for(session: AsyncSession, draft: OfficeDraft) -> tuple[QueueItem | None, int]:
    """The submission and version a typed reason returns; the draft is consumed."""
    await office_drafts.discard(session, draft)
    return await item(session, draft.subject_id), draft.subject_version


@dataclass(frozen=True)
class Decision:
    """Accept, or return with a reason, the version ``version`` the office read."""

    status: SubmissionStatus
    version: int
    reason: str | None = None


async def decide(
    session: AsyncSession,
    clock: Clock,
    zone: ZoneInfo,
    chosen: QueueItem,
    decision: Decision,
    person: Person,
) -> None:
    submission = chosen.submission
    # Compare-and-set: of two clerks deciding at once, or a unit saving meanwhile, one wins.
    decided = await session.execute(
        update(Submission)
        .where(
            Submission.id == submission.id,
            Submission.version == decision.version,
            Submission.status == SubmissionStatus.SUBMITTED,
        )
        .values(status=decision.status, review_note=decision.reason)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(submission)
    if decided.rowcount != 1:
        raise DecisionRefused(submission)
    now = clock.now()
    await audit.record(
        session,
        at=now,
        actor=audit.person_actor(person.id),
        action=f"submission.{decision.status.value}",
        subject=f"submission:{submission.id}",
        version=decision.version,
        reason=decision.reason,
    )
    key = f"review:{submission.id}:{decision.version}:{decision.status.value}"
    await notify_unit(session, chosen.unit.id, key, lambda t: _notice(chosen, t), now, zone)


def _notice(chosen: QueueItem, t: Translator) -> Reply:
    """What the unit's people read when the office decides."""
    submission, deadline = chosen.submission, chosen.deadline
    values = {
        "title": deadline.title_in(t.locale),
        "reference": submission.reference,
        "unit": chosen.unit.name,
    }
    if submission.status == SubmissionStatus.ACCEPTED:
        return Reply(
            t(N_("✅ The Department office accepted “{title}” ({reference}) of {unit}."), **values)
        )
    text = t(
        N_(
            "↩️ The Department office returned “{title}” ({reference}) of {unit} for revision.\n"
            "Reason: {reason}\nPlease revise it and submit it again."
        ),
        reason=submission.review_note,
        **values,
    )
    button = Button(t(N_("✏️ Revise now")), f"open:{deadline.id}")
    return Reply(text, buttons=((button,),))
