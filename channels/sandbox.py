"""The terminal sandbox: the real core on a SQLite file, no network, no token.

Buttons are shown as numbered choices; typing the number presses the button. Sandbox-only
commands switch persona (``/as``) and move the simulated clock (``/clock``). A persona not bound
yet is bound the real way, with an invite code, which the :class:`Office` it is given issues:
the sandbox itself, like every channel, talks only to the core.
"""

from __future__ import annotations

import asyncio
import mimetypes
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from bot.app import CoreApp
from bot.channel import Background, Delivery, SendResult
from bot.clock import ManualClock, parse_local
from bot.events import Document, FileRef, Identity, Incoming, Outcome, Reply
from bot.i18n import N_, Explained, Translator
from channels.numbered import number_options, pressed

# The same words as on Zalo, where the link stands in for the file.
FILE_LINK = N_("📄 Download it here (the link is valid for 24 hours): {link}")

CHANNEL = "sandbox"
HEAD, OFFICE, COUNCIL = "head", "office", "council"  # the roles a persona plays

# The names the sandbox's people go by, in the bot's greetings.
PERSONA_NAMES = {
    HEAD: N_("Principal of {unit}"),
    OFFICE: N_("Office clerk"),
    COUNCIL: N_("Council member"),
}


@dataclass(frozen=True)
class Persona:
    key: str
    role: str
    unit_code: str | None

    def identity(self, _: Translator) -> Identity:
        name = _(PERSONA_NAMES[self.role], unit=self.unit_code)
        return Identity(CHANNEL, self.key, self.key, display_name=name)


class Office(Protocol):
    """What the sandbox asks of the Department office, which the composition root provides."""

    async def first_school(self) -> str:
        """The code of the unit a newcomer plays by default."""
        ...

    async def invite(self, persona: Persona) -> str | None:
        """A code that binds the persona, or None when it is bound already; raises ValueError
        (its message for the user) when the persona's unit does not exist."""
        ...


class Sandbox:
    """The terminal as a channel (see bot.channel.Channel): it is its own sender too."""

    name = CHANNEL
    # The terminal shows what was printed for good: progress comes as one report at the end.
    can_edit = False

    def __init__(
        self,
        app: CoreApp,
        clock: ManualClock,
        persona: Persona,
        office: Office,
        *,
        read_line: Callable[[], str] = input,
        out: TextIO = sys.stdout,
    ) -> None:
        self.app = app
        self.clock = clock
        self.persona = persona
        self.office = office
        self.sender = self
        # What the scheduler would have done by now (reminders, digest): run after the clock moves.
        self.catch_up: Callable[[], Awaitable[object]] | None = None
        self._read_line = read_line
        self._out = out
        self._choices: list[str] = []
        self._ = Translator(app.settings.default_locale, app.settings.zone)
        app.attach(self)

    async def read_file(self, file: FileRef) -> bytes:
        return await asyncio.to_thread(Path(file.file_ref).read_bytes)

    async def serve(
        self, stop: asyncio.Event | None = None, alongside: Sequence[Background] = ()
    ) -> None:
        """Until the user types /quit (or the input ends). The sandbox runs what the schedule
        would have run itself, when its clock moves, so it has nothing to run alongside."""
        _ = self._
        self._say(
            _(
                "thidua-bot sandbox. Buttons are numbered: type the number to press one. "
                "Also: /as office, /as council, /as unit CODE, /clock DD/MM/YYYY, /file PATH, "
                "/quit."
            )
        )
        await self._become(self.persona)
        await self._run_scheduled()
        while (line := await self._next_line()) is not None:
            if line in ("/quit", "/exit"):
                break
            if line:
                await self._handle_line(line)

    async def _next_line(self) -> str | None:
        try:
            line = await asyncio.to_thread(self._read_line)
        except EOFError:
            return None
        return line.strip()

    async def _handle_line(self, line: str) -> None:
        head, _, rest = line.partition(" ")
        if head == "/as":
            await self._switch(rest.strip())
        elif head == "/clock":
            await self._move_clock(rest.strip())
        elif head == "/file":
            await self._send_file(rest.strip())
        elif payload := pressed(line, self._choices):
            await self._send(Incoming(self.persona.identity(self._), payload=payload))
        else:
            await self._send(Incoming(self.persona.identity(self._), text=line))

    async def _send_file(self, argument: str) -> None:
        """Send a file from this computer, as a person attaches one on their phone."""
        if not argument:
            self._say(self._("Use /file PATH, the path of a file on this computer."))
            return
        file = await asyncio.to_thread(_local_file, argument)
        if file is None:
            self._say(self._("No such file: {path}. Use /file PATH.", path=argument))
            return
        await self._send(Incoming(self.persona.identity(self._), file=file))

    async def _switch(self, argument: str) -> None:
        persona = persona_for(argument)
        if persona is None:
            self._say(self._("Use /as office, /as council or /as unit CODE."))
            return
        await self._become(persona)

    async def _become(self, persona: Persona) -> None:
        """Switch persona; a persona not bound yet is bound the real way, with an invite code."""
        self.persona = persona
        self._say(self._("— You are now: {who} —", who=persona.identity(self._).display_name))
        try:
            code = await self.office.invite(persona)
        except ValueError as error:
            self._say(error.explain(self._) if isinstance(error, Explained) else str(error))
            code = None
        line = f"/start {code}" if code else "/start"
        self._say(f"> {line}")
        await self._send(Incoming(persona.identity(self._), text=line))

    async def _move_clock(self, argument: str) -> None:
        try:
            self.clock.set(parse_local(argument, self.app.settings.zone))
        except ValueError:
            self._say(self._("Not a date: “{text}”. Use /clock DD/MM/YYYY [HH:MM].", text=argument))
            return
        self._say(self._("Clock: {time}", time=self._.datetime(self.clock.now())))
        await self._run_scheduled()

    async def _run_scheduled(self) -> None:
        if self.catch_up is not None:
            await self.catch_up()

    async def send(self, chat_id: str, reply: Reply, *, from_part: int = 0) -> SendResult:
        """The outbox's sender here: messages the bot sends on its own appear in the terminal."""
        persona = persona_of(chat_id)
        who = persona.identity(self._).display_name if persona is not None else chat_id
        self._say("\n" + self._("📨 Message for {who}:", who=who))
        if chat_id == self.persona.key:
            self.render(Outcome([reply]))
        else:
            self._say(reply.text)
        return SendResult(Delivery.SENT)

    async def _send(self, event: Incoming) -> None:
        outcome = await self.app.handle(event)
        self.render(outcome)
        async for later in self.app.follow_ups(event, outcome):
            self.render(later)

    def render(self, outcome: Outcome) -> None:
        if outcome.notice:
            self._say(f"({outcome.notice})")
        numbered = number_options(outcome.replies)
        if numbered.replaces_options:
            self._choices = numbered.payloads
        for reply, text in zip(outcome.replies, numbered.texts, strict=True):
            if reply.photo is not None:
                path = _save_file(reply.photo, "chart.png")
                self._say(self._("🖼 Picture saved to {path}", path=path))
            if reply.document is not None:
                self._say(self._("📎 File: {path}", path=_document_path(reply.document)))
                if reply.document.link:  # as a person on Zalo would get it
                    self._say(self._(FILE_LINK, link=reply.document.link))
            self._say(f"\n{text}")

    def _say(self, text: str) -> None:
        if text:
            print(text, file=self._out, flush=True)


def persona_for(argument: str) -> Persona | None:
    kind, _, unit_code = argument.partition(" ")
    if kind in (OFFICE, COUNCIL) and not unit_code:
        return Persona(kind, kind, None)
    if kind == "unit" and unit_code.strip():
        return head_of(unit_code.strip())
    return None


def persona_of(key: str) -> Persona | None:
    """The persona whose chat ``key`` is (``office``, ``head:THPT-X``), None for another chat."""
    if key in (OFFICE, COUNCIL):
        return Persona(key, key, None)
    role, _, unit_code = key.partition(":")
    return head_of(unit_code) if role == HEAD and unit_code else None


def head_of(unit_code: str) -> Persona:
    code = unit_code.upper()
    return Persona(f"head:{code}", HEAD, code)


def _local_file(argument: str) -> FileRef | None:
    path = Path(argument).expanduser()
    if not path.is_file():
        return None
    return FileRef(
        channel=CHANNEL,
        file_ref=str(path.resolve()),
        file_name=path.name,
        mime_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
        size=path.stat().st_size,
    )


def _document_path(document: Document) -> str:
    if document.content is None:  # a file a persona "sent" earlier: the sandbox kept its path
        return document.file_ref or document.file_name
    return _save_file(document.content, document.file_name)


def _save_file(content: bytes, file_name: str) -> str:
    """A terminal cannot show pictures or workbooks: the sandbox writes them where the user can
    open them."""
    suffix = Path(file_name).suffix
    with tempfile.NamedTemporaryFile(prefix="thidua-", suffix=suffix, delete=False) as file:
        file.write(content)
    return file.name
