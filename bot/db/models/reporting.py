"""Forms and submissions: drafts (a unit's, the office's), submissions with their versions,
and the files attached to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.models.base import Base, SubmissionStatus, enum_column
from bot.db.models.plan import Deadline


class FormDraft(Base):
    """A half-filled form; lives here, not in memory, so a restart resumes at the same step.

    Each member has their own draft of a unit's report; the submission they save is shared, and
    ``base_version`` tells whether someone else saved it in the meantime.
    """

    __tablename__ = "form_drafts"
    __table_args__ = (UniqueConstraint("unit_id", "deadline_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    form_code: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[int]
    answers: Mapped[dict[str, Any]]
    # Where the conversation stands: the step, the table row being filled, a turn counter.
    cursor: Mapped[dict[str, Any]]
    # The submission version this edit started from; None for a first submission.
    base_version: Mapped[int | None]
    # The draft the person is filling now: free text goes to it.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime]

    deadline: Mapped[Deadline] = relationship()


class OfficeDraft(Base):
    """What an office member is in the middle of: an award being recorded (a form, kept like a
    unit's draft so a restart loses nothing) or the reason for returning a submission.

    One at a time per person: starting something else replaces it.
    """

    __tablename__ = "office_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    # The unit an award is for, or the submission being returned.
    subject_id: Mapped[int]
    # For a return: the version the office read, so a newer one is not returned unseen.
    subject_version: Mapped[int | None]
    form_version: Mapped[int]
    answers: Mapped[dict[str, Any]]
    cursor: Mapped[dict[str, Any]]
    # False once put aside (/cancel, "Later"): free text no longer goes to it.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime]


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("unit_id", "deadline_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"), index=True)
    status: Mapped[SubmissionStatus] = mapped_column(enum_column(SubmissionStatus))
    version: Mapped[int]
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    first_submitted_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    review_note: Mapped[str | None] = mapped_column(Text)


class SubmissionModel(Base):
    """A pilot model a unit's report covers (its "models" answer, as it stands): a unit in
    several models owes the models' reports for each of them."""

    __tablename__ = "submission_models"
    __table_args__ = (UniqueConstraint("submission_id", "model_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    model_id: Mapped[int] = mapped_column(ForeignKey("pilot_models.id"), index=True)


class SubmissionVersion(Base):
    __tablename__ = "submission_versions"
    __table_args__ = (UniqueConstraint("submission_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    number: Mapped[int]
    form_version: Mapped[int]
    answers: Mapped[dict[str, Any]]
    changed_fields: Mapped[dict[str, Any]]
    author_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]


class Attachment(Base):
    """A file a person sent; the platform keeps the bytes, we keep how to fetch them again."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("form_drafts.id", ondelete="SET NULL"))
    submission_version_id: Mapped[int | None] = mapped_column(ForeignKey("submission_versions.id"))
    channel: Mapped[str] = mapped_column(String(16))
    file_ref: Mapped[str] = mapped_column(String(255))
    file_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(128))
    size_bytes: Mapped[int]
    # Sent as a photo, not as a file: a platform passes it on only as a photo again.
    is_photo: Mapped[bool] = mapped_column(default=False, server_default=false())
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    uploaded_at: Mapped[datetime]
