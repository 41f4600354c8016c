"""Turning a confirmed draft into a submission: receipts, versions, late marks, stale edits.

A unit has at most one submission per deadline (a unique constraint, so even two replicas
cannot create two). Each save adds a version recording who changed what and when. A save made
from an older version than the current one is refused: nothing is overwritten.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db import audit
from bot.db.models import (
    Attachment,
    Deadline,
    ExemplarMatch,
    FormDraft,
    Person,
    PilotModel,
    Submission,
    SubmissionModel,
    SubmissionStatus,
    SubmissionVersion,
)
from bot.db.repositories import FormRepository
from bot.i18n import N_
from bot.services.exemplars import intake
from bot.services.obligations.owing import models_owed

MODELS_ANSWER = "models"  # the models' forms ask which models the report covers

REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# How a submission's status reads, in chat and in the export (msgids).
STATUS_NAMES = {
    SubmissionStatus.SUBMITTED: N_("submitted"),
    SubmissionStatus.RETURNED: N_("returned for revision"),
    SubmissionStatus.ACCEPTED: N_("accepted"),
}


class SubmitRefused(Exception):
    """The save cannot be made; ``submission`` is the one that stands (for ``deadline``),
    ``reason`` says why."""

    STALE = "stale"  # someone saved a newer version since this draft started
    CLOSED = "closed"  # the deadline has passed: the submission can no longer be changed

    def __init__(self, reason: str, submission: Submission, deadline: Deadline) -> None:
        super().__init__(reason)
        self.reason = reason
        self.submission = submission
        self.deadline = deadline


@dataclass(frozen=True)
class Receipt:
    submission: Submission
    version: SubmissionVersion
    at: datetime
    deadline: Deadline
    models_owed: tuple[int, ...] = ()  # pilot models the unit still owes this report for
    # Exemplars just reported that may be earlier ones: the unit is asked.
    questions: tuple[ExemplarMatch, ...] = ()


async def editable(
    session: AsyncSession, submission: Submission, deadline: Deadline, now: datetime
) -> bool:
    """Until the deadline; after it, a submission the office returned for revision, or a
    pilot models' report that does not yet cover each of the unit's models."""
    if now <= deadline.due_at or submission.status == SubmissionStatus.RETURNED:
        return True
    return bool(await models_owed(session, deadline, submission.unit_id))


async def submit_draft(
    session: AsyncSession, clock: Clock, draft_id: int, person: Person
) -> Receipt:
    """The person's confirmed draft as the unit's submission, or its next version. Refused
    (SubmitRefused), the draft is kept, put aside, and the refusal is in the audit log."""
    draft = await session.get(FormDraft, draft_id)
    deadline = await session.get(Deadline, draft.deadline_id)
    try:
        return await submit(session, clock, draft, deadline, person)
    except SubmitRefused as refusal:
        draft.active = False
        await audit.record(
            session,
            at=clock.now(),
            actor=audit.person_actor(person.id),
            action="submission.refused",
            subject=f"submission:{refusal.submission.id}",
            reason=refusal.reason,
            base_version=draft.base_version,
        )
        raise


async def submit(
    session: AsyncSession, clock: Clock, draft: FormDraft, deadline: Deadline, person: Person
) -> Receipt:
    now = clock.now()
    repo = FormRepository(session)
    existing = await repo.submission(draft.unit_id, draft.deadline_id)
    if existing is None:
        submission, previous = await _first(session, draft, deadline, now), {}
    else:
        previous = await _previous_answers(repo, existing)
        submission = await _next(session, existing, draft, deadline, now)
    version = SubmissionVersion(
        submission_id=submission.id,
        number=submission.version,
        form_version=draft.form_version,
        answers=draft.answers,
        changed_fields=_changes(previous, draft.answers),
        author_person_id=person.id,
        created_at=now,
    )
    session.add(version)
    await session.flush()
    await _cover_models(session, submission, deadline, draft.answers)
    actor = audit.person_actor(person.id)
    questions = await intake.take_in(session, submission, deadline, draft.answers, actor, now)
    _keep_attachments(session, draft, version, person, now)
    await session.delete(draft)
    await audit.record(
        session,
        at=now,
        actor=actor,
        action="submission.save",
        subject=f"submission:{submission.id}",
        version=submission.version,
        late=submission.late,
        changed=sorted(version.changed_fields),
    )
    owed = await models_owed(session, deadline, submission.unit_id)
    owed_models = tuple(owed.get(submission.unit_id, ()))
    return Receipt(submission, version, now, deadline, owed_models, tuple(questions))


async def _first(
    session: AsyncSession, draft: FormDraft, deadline: Deadline, now: datetime
) -> Submission:
    submission = Submission(
        reference=_reference(),
        unit_id=draft.unit_id,
        deadline_id=draft.deadline_id,
        status=SubmissionStatus.SUBMITTED,
        version=1,
        late=now > deadline.due_at,
        first_submitted_at=now,
        updated_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(submission)
    except IntegrityError:
        # Another member (or replica) submitted first: theirs stands, this one is stale.
        # (Rolling back the savepoint already took the failed row out of the session.)
        theirs = await FormRepository(session).submission(draft.unit_id, draft.deadline_id)
        raise SubmitRefused(SubmitRefused.STALE, theirs, deadline) from None
    return submission


async def _next(
    session: AsyncSession,
    existing: Submission,
    draft: FormDraft,
    deadline: Deadline,
    now: datetime,
) -> Submission:
    if draft.base_version != existing.version:
        raise SubmitRefused(SubmitRefused.STALE, existing, deadline)
    if not await editable(session, existing, deadline, now):
        raise SubmitRefused(SubmitRefused.CLOSED, existing, deadline)
    # Compare-and-set on the version: of two saves racing from the same version, one wins.
    saved = await session.execute(
        update(Submission)
        .where(Submission.id == existing.id, Submission.version == draft.base_version)
        .values(version=Submission.version + 1, status=SubmissionStatus.SUBMITTED, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if saved.rowcount != 1:
        raise SubmitRefused(SubmitRefused.STALE, existing, deadline)
    await session.refresh(existing)
    return existing


async def _cover_models(
    session: AsyncSession, submission: Submission, deadline: Deadline, answers: dict[str, Any]
) -> None:
    """Which pilot models the report covers now: what its "models" answer names."""
    if not deadline.for_models:
        return
    await session.execute(
        delete(SubmissionModel).where(SubmissionModel.submission_id == submission.id)
    )
    numbers = [int(number) for number in answers.get(MODELS_ANSWER, [])]
    model_ids = await session.scalars(
        select(PilotModel.id).where(
            PilotModel.plan_id == deadline.plan_id, PilotModel.number.in_(numbers)
        )
    )
    session.add_all(SubmissionModel(submission_id=submission.id, model_id=i) for i in model_ids)
    await session.flush()


async def _previous_answers(repo: FormRepository, submission: Submission) -> dict[str, Any]:
    latest = await repo.latest_version(submission)
    return latest.answers if latest else {}


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Per changed answer, what it was: the version history shows what each save changed."""
    keys = set(before) | set(after)
    return {key: before.get(key) for key in sorted(keys) if before.get(key) != after.get(key)}


def _keep_attachments(
    session: AsyncSession,
    draft: FormDraft,
    version: SubmissionVersion,
    person: Person,
    now: datetime,
) -> None:
    for value in draft.answers.values():
        if isinstance(value, dict) and "file_ref" in value:
            session.add(
                Attachment(
                    submission_version_id=version.id,
                    channel=value["channel"],
                    file_ref=value["file_ref"],
                    file_name=value["file_name"],
                    mime_type=value["mime_type"],
                    size_bytes=value["size"],
                    is_photo=value.get("is_photo", False),  # drafts from before it was kept
                    uploaded_by=person.id,
                    uploaded_at=now,
                )
            )


def _reference() -> str:
    return "TD-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
