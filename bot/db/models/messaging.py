"""What the bot sends on its own: the outbox, broadcasts, and the options shown in chats
without buttons."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.models.base import Base, BroadcastStatus, OutboxStatus, enum_column
from bot.db.models.people import ChannelIdentity, Person


class OutboxMessage(Base):
    """A message waiting to be delivered; ``dedupe_key`` makes a resend after a crash a no-op."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("channel_identities.id"))
    payload: Mapped[dict[str, Any]]
    status: Mapped[OutboxStatus] = mapped_column(enum_column(OutboxStatus))
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
    status: Mapped[BroadcastStatus] = mapped_column(enum_column(BroadcastStatus))
    # The platform's id of the progress message, edited in place while sending.
    progress_ref: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]

    author: Mapped[Person] = relationship()
    author_identity: Mapped[ChannelIdentity] = relationship()


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
