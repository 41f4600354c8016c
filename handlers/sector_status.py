"""/status: per deadline, who submitted and who has not, paged, with filters.

Buttons carry ``st:<deadline>:<page>:<filter>`` (filter: ``bd``/``bs`` a block, ``d<id>`` a
district office, ``m<n>`` a pilot model, empty for all) and ``stf:<deadline>:<d|m>`` to choose a
district or a model. What a person may see comes from their role, never from the payload: a
district office is always held to its own schools.
"""

from __future__ import annotations

from bot.context import Context
from bot.db.models import Deadline, Role, Unit
from bot.events import Button, Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import Router, button_argument
from bot.services.obligations.deadlines import find_deadline, plan_deadlines
from bot.services.obligations.status import DeadlineStatus, Scope, deadline_status
from bot.services.setup import units
from bot.services.setup.plan_store import pilot_models
from bot.services.setup.units import DISTRICT_OFFICE
from handlers.common import menu_row, refused

UNITS_PER_PAGE = 10
ALLOWED = frozenset({Role.OFFICE, Role.COUNCIL, Role.HEAD})
BLOCK_FILTERS = {"bd": "district", "bs": "so_direct"}
BLOCK_LABELS = {"bd": N_("District block"), "bs": N_("Sở-direct units")}


def register(router: Router) -> None:
    description = N_("Who has submitted each deadline, and who has not")
    router.command("status", choose, allowed=ALLOWED, description=description)
    router.button("st", show, allowed=ALLOWED)
    router.button("stf", choose_filter, allowed=ALLOWED)


def _within(ctx: Context) -> int | bool | None:
    """None: the whole sector; a unit id: a district office's schools; False: not allowed."""
    if ctx.has_any(frozenset({Role.OFFICE, Role.COUNCIL})):
        return None
    unit = ctx.unit
    return unit.id if unit is not None and unit.kind == DISTRICT_OFFICE else False


async def choose(event: Incoming, ctx: Context) -> Outcome:
    if _within(ctx) is False:
        return await refused(event, ctx)
    deadlines = await plan_deadlines(ctx.session)
    wanted = [d for d in deadlines if d.code == event.argument.strip().lower()]
    if wanted:
        return await _page(wanted[0], 0, "", Scope(within=_within(ctx)), ctx)
    buttons = tuple(
        (Button(f"{d.title_in(ctx.t.locale)} · {ctx.t.cutoff(d.due_at)}", f"st:{d.id}:0:"),)
        for d in deadlines
    )
    return Outcome([Reply(ctx.t(N_("Which deadline?")), buttons=buttons)])


async def show(event: Incoming, ctx: Context) -> Outcome:
    parts = button_argument(event.payload).split(":")
    deadline = await _deadline(parts[0] if parts else "", ctx)
    within = _within(ctx)
    valid = within is not False and deadline is not None and len(parts) == 3
    scope = _scope(parts[2], within) if valid and parts[1].isdigit() else None
    if scope is None:
        return await refused(event, ctx)
    return await _page(deadline, int(parts[1]), parts[2], scope, ctx)


async def choose_filter(event: Incoming, ctx: Context) -> Outcome:
    parts = button_argument(event.payload).split(":")
    deadline = await _deadline(parts[0] if parts else "", ctx)
    if _within(ctx) is not None or deadline is None or len(parts) != 2:
        return await refused(event, ctx)
    if parts[1] == "d":
        offices = await units.district_offices(ctx.session)
        options = [(unit.name, f"d{unit.id}") for unit in offices]
    else:
        models = await pilot_models(ctx.session, deadline.plan_id)
        options = [
            (f"{m.number}. {m.name if ctx.t.locale == 'vi' else m.name_en}", f"m{m.number}")
            for m in models
        ]
    buttons = tuple((Button(label, f"st:{deadline.id}:0:{code}"),) for label, code in options)
    return Outcome([Reply(ctx.t(N_("Show which units?")), buttons=buttons)])


async def _deadline(argument: str, ctx: Context) -> Deadline | None:
    return await find_deadline(ctx.session, int(argument)) if argument.isdigit() else None


async def _page(deadline: Deadline, page: int, code: str, scope: Scope, ctx: Context) -> Outcome:
    status = await deadline_status(ctx.session, deadline, scope)
    pages = max(1, -(-len(status.missing) // UNITS_PER_PAGE))
    page = min(page, pages - 1)
    shown = status.missing[page * UNITS_PER_PAGE : (page + 1) * UNITS_PER_PAGE]
    text = _summary(status, ctx) + "".join(_missing(unit, status, ctx) for unit in shown)
    if status.missing:
        text += "\n" + ctx.t(N_("Page {page}/{pages}"), page=page + 1, pages=pages)
    buttons = _navigation(deadline, page, pages, code, ctx) + _filters(deadline, ctx)
    buttons.append(menu_row(ctx))
    return Outcome([Reply(text, buttons=tuple(buttons))])


def _scope(code: str, within: int | None) -> Scope | None:
    if code == "":
        return Scope(within=within)
    if code in BLOCK_FILTERS:
        return Scope(within=within, block=BLOCK_FILTERS[code])
    if code[:1] in ("d", "m") and code[1:].isdigit() and within is None:
        number = int(code[1:])
        return Scope(district=number) if code[0] == "d" else Scope(model=number)
    return None


def _missing(unit: Unit, status: DeadlineStatus, ctx: Context) -> str:
    owed = status.models_owed.get(unit.id)
    if not owed:
        return f"\n • {unit.name}"
    models = ", ".join(str(number) for number in owed)
    return f"\n • {unit.name} " + ctx.t(
        N_("(still owed for pilot model(s) {models})"), models=models
    )


def _summary(status: DeadlineStatus, ctx: Context) -> str:
    _ = ctx.t
    deadline = status.deadline
    return _(
        "{title}, last day {due}\nSubmitted {submitted} · late {late} · returned {returned} · "
        "missing {missing} (of {total})\nNot submitted yet:",
        title=deadline.title_in(_.locale),
        due=_.cutoff(deadline.due_at),
        submitted=status.submitted,
        late=status.late,
        returned=status.returned,
        missing=len(status.missing),
        total=status.total,
    )


def _navigation(deadline: Deadline, page: int, pages: int, code: str, ctx: Context) -> list:
    row = []
    if page > 0:
        row.append(Button(ctx.t(N_("◀️ Previous")), f"st:{deadline.id}:{page - 1}:{code}"))
    if page + 1 < pages:
        row.append(Button(ctx.t(N_("Next ▶️")), f"st:{deadline.id}:{page + 1}:{code}"))
    return [tuple(row)] if row else []


def _filters(deadline: Deadline, ctx: Context) -> list:
    _ = ctx.t
    rows = [
        tuple(
            Button(_(label), f"st:{deadline.id}:0:{code}") for code, label in BLOCK_LABELS.items()
        )
    ]
    rows.append((Button(_("All units"), f"st:{deadline.id}:0:"),))
    if _within(ctx) is None:
        rows.append(
            (
                Button(_("By district"), f"stf:{deadline.id}:d"),
                Button(_("By pilot model"), f"stf:{deadline.id}:m"),
            )
        )
    return rows
