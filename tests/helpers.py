"""Test helpers: a person chatting with the core, and invite codes issued as the office would."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count
from typing import Protocol

from sqlalchemy import select

from bot.app import CoreApp
from bot.channel import Delivery, SendResult
from bot.clock import Clock
from bot.db.database import Database
from bot.db.models import (
    ChannelIdentity,
    Deadline,
    ModelAssignment,
    Role,
    RoleGrant,
    Submission,
    SubmissionModel,
    SubmissionStatus,
    Unit,
)
from bot.db.models import Person as BoundPerson
from bot.events import Button, FileRef, Identity, Incoming, Outcome, Reply
from bot.services.setup.invites import create_invite

TEST_TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz12"
_user_ids = count(1000)


@dataclass
class Person:
    """Someone typing and pressing buttons in one chat, with what the bot last showed them."""

    app: CoreApp
    identity: Identity
    last: Outcome = field(default_factory=Outcome)

    @classmethod
    def new(cls, app: CoreApp, *, language: str = "vi", channel: str = "telegram") -> Person:
        user_id = str(next(_user_ids))
        return cls(app, Identity(channel, user_id, user_id, f"User {user_id}", language))

    async def says(self, text: str) -> Outcome:
        return await self._exchange(Incoming(self.identity, text=text))

    async def sends_file(self, file: FileRef, update_id: str | None = None) -> Outcome:
        return await self._exchange(Incoming(self.identity, file=file, update_id=update_id))

    async def presses(self, payload: str) -> Outcome:
        return await self._exchange(Incoming(self.identity, payload=payload))

    async def _exchange(self, event: Incoming) -> Outcome:
        """What the person sees: the answer, then what slow work sends once it is done."""
        outcome = await self.app.handle(event)
        replies = list(outcome.replies)
        async for later in self.app.follow_ups(event, outcome):
            replies += later.replies
        self.last = Outcome(replies, notice=outcome.notice)
        return self.last

    async def taps(self, label_part: str) -> Outcome:
        """Press the button whose label contains ``label_part`` in the last reply shown."""
        return await self.presses(self.button(label_part).payload)

    def button(self, label_part: str) -> Button:
        buttons = [b for reply in self.last.replies for b in reply.all_buttons()]
        matching = [b for b in buttons if label_part in b.label]
        assert matching, f"no button with {label_part!r} among {[b.label for b in buttons]}"
        return matching[0]

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.last.replies)

    def verbs(self) -> dict[str, str]:
        return form_verbs(self)


async def issue_code(
    db: Database,
    clock: Clock,
    role: Role,
    unit_code: str | None = None,
    ttl: timedelta = timedelta(days=14),
    department: str | None = None,
) -> str:
    """A code as ``thidua invite create`` would print it."""
    async with db.unit_of_work() as session:
        issued = await create_invite(
            session,
            clock,
            role=role,
            unit_code=unit_code,
            department_code=department,
            created_by="test",
            ttl=ttl,
        )
    return issued.code


def a_pdf(name: str = "ke-hoach.pdf", size: int = 200_000) -> FileRef:
    """A file as a person would send it (on a platform, only name, type and size matter)."""
    return FileRef("telegram", f"file-{name}", name, "application/pdf", size)


def form_verbs(person: Person) -> dict[str, str]:
    """The form buttons on screen, by verb (``option0``, ``done``, ``submit``...) -> payload."""
    buttons = [b.payload for reply in person.last.replies for b in reply.all_buttons()]
    return verbs_of(buttons)


def verbs_of(payloads: list[str]) -> dict[str, str]:
    return {p.split(":")[3]: p for p in payloads if p.startswith("f:")}


class Chat(Protocol):
    """A person at a form, in the core or over a platform: what ``fill_in`` needs."""

    @property
    def text(self) -> str: ...
    def verbs(self) -> dict[str, str]: ...
    async def presses(self, payload: str) -> object: ...
    async def says(self, text: str) -> object: ...
    async def sends_file(self, file: FileRef) -> object: ...


async def fill_in(chat: Chat, *, typed: bool = False, max_steps: int = 80) -> None:
    """Answer every step of the open form plausibly until it is submitted.

    Choices take the first option; a table gets one row; free text, numbers, dates and files
    are recognised by what the question says it expects. ``typed`` answers with words and
    numbers instead of buttons, as on a channel without buttons.
    """
    rows_added: set[str] = set()
    for _ in range(max_steps):
        verbs = chat.verbs()
        if not verbs:
            return
        await _answer_step(chat, verbs, rows_added, typed)
    raise AssertionError(f"form not finished after {max_steps} steps: {chat.text}")


TYPED = {"yes": "co", "submit": "gui", "done": "xong", "add": "them", "option0": "1"}


async def _answer_step(chat: Chat, verbs: dict[str, str], rows_added: set[str], typed: bool):
    async def do(verb: str) -> None:
        await (chat.says(TYPED[verb]) if typed else chat.presses(verbs[verb]))

    for verb in ("yes", "submit"):
        if verb in verbs:
            return await do(verb)
    if "add" in verbs:
        table = chat.text.split("\n")[1]
        await do("done" if table in rows_added else "add")
        rows_added.add(table)
        return None
    if "option0" in verbs:
        await do("option0")
        if "done" in chat.verbs() and "add" not in chat.verbs():
            await (chat.says("xong") if typed else chat.presses(chat.verbs()["done"]))
        return None
    return await _type_answer(chat, chat.text)


async def _type_answer(chat: Chat, question: str) -> None:
    if "dd/mm/yyyy" in question:
        await chat.says("05/10/2016")
    elif "số nguyên" in question or "whole number" in question:
        await chat.says("3")
    elif "Gửi tệp" in question or "Send the file" in question:
        await chat.sends_file(a_pdf())
    else:
        await chat.says("Nội dung thử nghiệm đầy đủ")


async def open_deadline(app: CoreApp, person: Person, form_code: str) -> Deadline:
    """The person presses the button that opens the first deadline of a form."""
    async with app.db.unit_of_work() as session:
        deadline = await session.scalar(
            select(Deadline).where(Deadline.form_code == form_code).order_by(Deadline.due_at)
        )
    await person.presses(f"open:{deadline.id}")
    return deadline


async def record_submission(
    db: Database,
    clock: Clock,
    unit_code: str,
    form_code: str,
    status: SubmissionStatus = SubmissionStatus.SUBMITTED,
) -> None:
    """A unit's submission for the first deadline of a form, as if it had filled it in (a
    pilot models' report covering each of the unit's models)."""
    async with db.unit_of_work() as session:
        unit = await session.scalar(select(Unit).where(Unit.code == unit_code))
        deadline = await session.scalar(
            select(Deadline).where(Deadline.form_code == form_code).order_by(Deadline.due_at)
        )
        submission = Submission(
            reference=f"R-{unit.id}-{deadline.id}",
            unit_id=unit.id,
            deadline_id=deadline.id,
            status=status,
            version=1,
            first_submitted_at=clock.now(),
            updated_at=clock.now(),
        )
        session.add(submission)
        await session.flush()
        if deadline.for_models:
            models = await session.scalars(
                select(ModelAssignment.model_id).where(ModelAssignment.unit_id == unit.id)
            )
            session.add_all(
                SubmissionModel(submission_id=submission.id, model_id=m) for m in models
            )


class RecordingSender:
    """Stands in for the platform: keeps what would have been delivered, per chat."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, str]] = []
        self.answer = SendResult(Delivery.SENT)

    can_edit = False

    async def send(self, chat_id: str, reply: Reply, *, from_part: int = 0) -> SendResult:
        if self.answer.outcome is Delivery.SENT:
            self.delivered.append((chat_id, reply.text))
        return self.answer

    def reminders_to(self, person: Person, title: str) -> int:
        return sum(
            1
            for chat, text in self.delivered
            if chat == person.identity.chat_id and "Nhắc hạn" in text and title in text
        )


async def bind_directly(
    db: Database, now: datetime, role: Role, unit_code: str, user_ids: list[int]
) -> list[int]:
    """Telegram accounts bound to a unit as invites would bind them, written in bulk (a
    broadcast needs many); returns their identity ids."""
    async with db.unit_of_work() as session:
        unit_id = await session.scalar(select(Unit.id).where(Unit.code == unit_code))
        people = [
            BoundPerson(full_name=f"User {uid}", locale="vi", created_at=now) for uid in user_ids
        ]
        session.add_all(people)
        await session.flush()
        identities = [
            ChannelIdentity(
                person_id=person.id,
                channel="telegram",
                user_id=str(uid),
                chat_id=str(uid),
                linked_at=now,
            )
            for person, uid in zip(people, user_ids, strict=True)
        ]
        session.add_all(identities)
        session.add_all(
            RoleGrant(person_id=p.id, role=role, unit_id=unit_id, granted_at=now, granted_by="test")
            for p in people
        )
        await session.flush()
        return [identity.id for identity in identities]


# A bot given this long to stop: it allows itself 8 s to finish the updates in hand.
STOP_TIMEOUT_SECONDS = 15.0


@contextlib.asynccontextmanager
async def serving(
    serve: Callable[[asyncio.Event], Awaitable[None]],
) -> AsyncIterator[asyncio.Event]:
    """A bot serving in this event loop from entering the block until leaving it (or until
    the stop event it yields is set)."""
    stop = asyncio.Event()
    task = asyncio.create_task(serve(stop))
    try:
        yield stop
    finally:
        stop.set()
        await asyncio.wait_for(task, STOP_TIMEOUT_SECONDS)


async def submit_report(
    db: Database, clock: Clock, unit_code: str, deadline_code: str, answers: dict
) -> None:
    """A unit's report saved through the real service (so its exemplars go into the register),
    as if someone of the unit had filled it in: its first version, or the next one."""
    from bot.db.models import FormDraft
    from bot.services.reporting.submissions import submit

    async with db.unit_of_work() as session:
        unit = await session.scalar(select(Unit).where(Unit.code == unit_code))
        deadline = await session.scalar(select(Deadline).where(Deadline.code == deadline_code))
        existing = await session.scalar(
            select(Submission.version).where(
                Submission.unit_id == unit.id, Submission.deadline_id == deadline.id
            )
        )
        author = BoundPerson(full_name="Người báo cáo", locale="vi", created_at=clock.now())
        session.add(author)
        await session.flush()
        draft = FormDraft(
            unit_id=unit.id,
            deadline_id=deadline.id,
            person_id=author.id,
            form_code=deadline.form_code,
            form_version=1,
            answers=answers,
            cursor={},
            base_version=existing,
            active=True,
            updated_at=clock.now(),
        )
        session.add(draft)
        await session.flush()
        await submit(session, clock, draft, deadline, author)
