"""Routes an event to the handler for its command or button, after checking who may use it.

Every button press is authorised here, on the server: a client can send any callback data, so a
payload is only a request, never a permission.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.context import Context
from bot.db.models import Role
from bot.events import Incoming, Outcome

Handler = Callable[[Incoming, Context], Awaitable[Outcome]]

# Open to people with no binding yet: only what onboarding needs.
PUBLIC = None
ANY_ROLE = frozenset(Role)
UNIT_ROLES = frozenset({Role.HEAD, Role.MEMBER})
SECTOR_ROLES = frozenset({Role.OFFICE, Role.COUNCIL})
OFFICE_ONLY = frozenset({Role.OFFICE})
# A department steering pilot models: /models and /status for its own models, nothing else.
STEERING_ONLY = frozenset({Role.STEERING})
# Who fills in forms: heads and members for their unit, the office for the Sở (the council's
# standing body consolidates the units' reviews of the pilot models).
REPORTING_ROLES = UNIT_ROLES | OFFICE_ONLY


@dataclass(frozen=True)
class Route:
    handler: Handler
    allowed: frozenset[Role] | None
    # A lean handler works from the context's Account and loads the ORM objects itself if it
    # needs them (see bot.context): for the steps that run most, form buttons.
    lean: bool = False

    def admits(self, ctx: Context) -> bool:
        return self.allowed is PUBLIC or ctx.has_any(self.allowed)


@dataclass(frozen=True)
class Command:
    """A slash command and its menu description (an untranslated message id)."""

    name: str
    description: str
    allowed: frozenset[Role] | None


class Router:
    def __init__(self) -> None:
        self._commands: dict[str, Route] = {}
        self._buttons: dict[str, Route] = {}
        self.published: list[Command] = []
        self._text: Handler | None = None
        self._unknown_person: Handler | None = None
        self._refused: Handler | None = None

    def command(
        self, name: str, handler: Handler, *, allowed: frozenset[Role] | None, description: str = ""
    ) -> None:
        self._commands[name] = Route(handler, allowed)
        if description:
            self.published.append(Command(name, description, allowed))

    def button(
        self, prefix: str, handler: Handler, *, allowed: frozenset[Role], lean: bool = False
    ) -> None:
        self._buttons[prefix] = Route(handler, allowed, lean)

    def fallbacks(self, *, text: Handler, unknown_person: Handler, refused: Handler) -> None:
        """``text``: free text from a known person; ``unknown_person``: anything from someone
        not bound yet; ``refused``: a command or button the person may not use (or an old one)."""
        self._text, self._unknown_person, self._refused = text, unknown_person, refused

    async def dispatch(self, event: Incoming, ctx: Context) -> Outcome:
        """``text`` is lean (most of it is form answers); ``refused`` and ``unknown_person``
        need only the Account."""
        route = self._route_for(event)
        if route is not None and route.allowed is PUBLIC:
            await ctx.load()
            return await route.handler(event, ctx)
        if ctx.account is None:
            return await self._unknown_person(event, ctx)
        if route is None and event.payload is None and event.command is None:
            return await self._text(event, ctx)
        if route is None or not route.admits(ctx):
            return await self._refused(event, ctx)
        if not route.lean:
            await ctx.load()
        return await route.handler(event, ctx)

    def _route_for(self, event: Incoming) -> Route | None:
        if event.payload is not None:
            return self._buttons.get(button_prefix(event.payload))
        if event.command is not None:
            return self._commands.get(event.command)
        return None


def button_prefix(payload: str) -> str:
    return payload.split(":", 1)[0]


def button_argument(payload: str) -> str:
    return payload.split(":", 1)[1] if ":" in payload else ""
