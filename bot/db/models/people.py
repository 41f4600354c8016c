"""Units and people: the unit tree, the people bound to the bot, their apps, roles and the
invite codes that bind them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.models.base import Base, Role, enum_column


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
    # Who signs the unit's documents (asked once in chat, then kept).
    head_name: Mapped[str | None] = mapped_column(String(255))

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id")


class SteeringDepartment(Base):
    """A department of the Sở (or the education trade union) steering pilot models, as the plan
    file names it. Its people are bound by invite and see only the models it steers."""

    __tablename__ = "steering_departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255))

    def name_in(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name


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
    role: Mapped[Role] = mapped_column(enum_column(Role))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    # A steering grant's department; its unit is the Sở, whose departments they are.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("steering_departments.id"))
    granted_at: Mapped[datetime]
    granted_by: Mapped[str] = mapped_column(String(128))

    person: Mapped[Person] = relationship(back_populates="roles")
    unit: Mapped[Unit] = relationship()
    department: Mapped[SteeringDepartment | None] = relationship()


class InviteCode(Base):
    """A one-time code issued by the office; only its hash is stored."""

    __tablename__ = "invite_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Nothing else derived from the code is kept: even a part would shrink an offline search.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("steering_departments.id"))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    revoked_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship()
    department: Mapped[SteeringDepartment | None] = relationship()


class InviteFailure(Base):
    """A wrong code typed in a chat; five within ten minutes start a cooldown."""

    __tablename__ = "invite_failures"
    __table_args__ = (Index("ix_invite_failures_chat", "channel", "chat_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
