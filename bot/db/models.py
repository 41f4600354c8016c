"""SQLAlchemy 2 models: the whole persistent state of the bot.

Instants are stored as timezone-aware UTC (``AwareDateTime``) so SQLite and PostgreSQL agree.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class AwareDateTime(TypeDecorator[datetime]):
    """Aware datetimes in and out; SQLite otherwise hands back naive values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use the injected clock")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar = {datetime: AwareDateTime(), dict[str, Any]: JSON}


class Role(enum.StrEnum):
    HEAD = "head"
    MEMBER = "member"
    OFFICE = "office"
    COUNCIL = "council"


class SubmissionStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class BroadcastStatus(enum.StrEnum):
    SENDING = "sending"
    DONE = "done"


def _enum(kind: type[enum.StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


# --- units and people ------------------------------------------------------------------------


class Unit(Base):
    """A node of the unit tree: the Sở, a district office, a school or centre."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    # Accent-free lower-case name, for search typed without diacritics.
    search_name: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    block: Mapped[str | None] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id")


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]

    identities: Mapped[list[ChannelIdentity]] = relationship(back_populates="person")
    roles: Mapped[list[RoleGrant]] = relationship(back_populates="person")


class ChannelIdentity(Base):
    """One account of a person on one platform; a person may have Telegram and Zalo."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    linked_at: Mapped[datetime]
    # Set when the platform says the person blocked the bot; deliveries stop until they return.
    unreachable_since: Mapped[datetime | None]

    person: Mapped[Person] = relationship(back_populates="identities")


class RoleGrant(Base):
    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("person_id", "role", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    granted_at: Mapped[datetime]
    granted_by: Mapped[str] = mapped_column(String(128))

    person: Mapped[Person] = relationship(back_populates="roles")
    unit: Mapped[Unit] = relationship()


class InviteCode(Base):
    """A one-time code issued by the office; only its hash is stored."""

    __tablename__ = "invite_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Nothing else derived from the code is kept: even a part would shrink an offline search.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(_enum(Role))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    revoked_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship()


class InviteFailure(Base):
    """A wrong code typed in a chat; five within ten minutes start a cooldown."""

    __tablename__ = "invite_failures"
    __table_args__ = (Index("ix_invite_failures_chat", "channel", "chat_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


# --- the plan --------------------------------------------------------------------------------


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    start_year: Mapped[int]
    end_year: Mapped[int]
    # The plan file as loaded, so what the bot runs on can always be shown and compared.
    # Deferred: about 20 KB of JSON that no conversation step needs.
    source: Mapped[dict[str, Any]] = mapped_column(deferred=True)
    loaded_at: Mapped[datetime]


class AwardType(Base):
    __tablename__ = "award_types"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))


class PilotModel(Base):
    __tablename__ = "pilot_models"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    steering: Mapped[str] = mapped_column(String(255))
    steering_en: Mapped[str] = mapped_column(String(255))


class ModelAssignment(Base):
    __tablename__ = "model_assignments"
    __table_args__ = (UniqueConstraint("model_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("pilot_models.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)


class Target(Base):
    """A sector quota, e.g. 72 provincial flags; ``split`` holds the per-block shares."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("plan_id", "award_type_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    award_type_id: Mapped[int] = mapped_column(ForeignKey("award_types.id"))
    target: Mapped[int | None]
    strive: Mapped[bool] = mapped_column(Boolean, default=False)
    split: Mapped[dict[str, Any]]


class Deadline(Base):
    __tablename__ = "deadlines"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    form_code: Mapped[str] = mapped_column(String(64))
    school_year: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(index=True)
    fixed_by_plan: Mapped[bool] = mapped_column(Boolean)
    # "all" units but the root, or "models": the units of the pilot models listed.
    audience: Mapped[str] = mapped_column(String(16))
    audience_models: Mapped[list[int]] = mapped_column(JSON)
    reminder_policy: Mapped[dict[str, Any]]

    plan: Mapped[Plan] = relationship()

    def title_in(self, locale: str) -> str:
        """The title with its school year: yearly deadlines share a title."""
        title = self.title if locale == "vi" else self.title_en
        return f"{title} ({self.school_year})"


# --- forms and submissions -------------------------------------------------------------------


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
    status: Mapped[SubmissionStatus] = mapped_column(_enum(SubmissionStatus))
    version: Mapped[int]
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    first_submitted_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    review_note: Mapped[str | None] = mapped_column(Text)


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


class Award(Base):
    """An award recorded from a decision: what quota progress counts as verified."""

    __tablename__ = "awards"
    __table_args__ = (UniqueConstraint("decision_number", "recipient_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_type_id: Mapped[int] = mapped_column(ForeignKey("award_types.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    recipient_name: Mapped[str] = mapped_column(String(255))
    collective: Mapped[bool] = mapped_column(Boolean)
    decision_number: Mapped[str] = mapped_column(String(64))
    decision_date: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime]


# --- delivery and audit ----------------------------------------------------------------------


class OutboxMessage(Base):
    """A message waiting to be delivered; ``dedupe_key`` makes a resend after a crash a no-op."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("channel_identities.id"))
    payload: Mapped[dict[str, Any]]
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # Set while a worker sends it: after a crash, the rows still marked were in flight.
    claimed_at: Mapped[datetime | None]
    # Of a text split in parts, how many went out: a retry goes on from the next one.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"), index=True)

    identity: Mapped[ChannelIdentity] = relationship()


class Broadcast(Base):
    """One announcement of the office to an audience; its messages are outbox rows."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    # Where the progress is shown and the report sent: the account the office wrote from.
    author_identity_id: Mapped[int] = mapped_column(ForeignKey("channel_identities.id"))
    audience: Mapped[dict[str, Any]]
    payload: Mapped[dict[str, Any]]
    recipients: Mapped[int]
    status: Mapped[BroadcastStatus] = mapped_column(_enum(BroadcastStatus))
    # The platform's id of the progress message, edited in place while sending.
    progress_ref: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]

    author: Mapped[Person] = relationship()
    author_identity: Mapped[ChannelIdentity] = relationship()


class ProcessedUpdate(Base):
    """A platform update already handled: one delivered twice is handled once."""

    __tablename__ = "processed_updates"
    __table_args__ = (UniqueConstraint("channel", "update_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    update_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(index=True)


class ChatOptions(Base):
    """The numbered options last shown in a chat of a channel without buttons (Zalo): what "2"
    stands for must survive a restart between the question and the answer."""

    __tablename__ = "chat_options"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    payloads: Mapped[list[str]] = mapped_column(JSON)
    shown_at: Mapped[datetime]


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(128))
    details: Mapped[dict[str, Any]]
