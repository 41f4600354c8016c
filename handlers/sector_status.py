"""/status: per deadline, who submitted and who has not, paged, with filters.

Buttons carry ``st:<deadline>:<page>:<filter>`` (filter: ``bd``/``bs`` a block, ``d<id>`` a
district office, ``m<n>`` a pilot model, empty for all) and ``stf:<deadline>:<d|m>`` to choose a
district or a model. What a person may see comes from their role, never from the payload: a
district office is always held to its own schools, a steering department to the units of the
models it steers and to those models' deadlines.
"""

from __future__ import annotations

from dataclasses import replace

from bot.context import Context
from bot.db.models import Deadline, Role, Unit
from bot.events import Button, Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import SECTOR_ROLES, Router, button_argument
from bot.services.obligations.deadlines import find_deadline, plan_deadlines
from bot.services.obligations.models import steered_numbers
from bot.services.obligations.status import DeadlineStatus, Scope, deadline_status
from bot.services.setup import units
from bot.services.setup.plan_store import pilot_models
from bot.services.setup.units import DISTRICT_OFFICE
from handlers.common import menu_row, refused

UNITS_PER_PAGE = 10
ALLOWED = frozenset({Role.OFFICE, Role.COUNCIL, Role.HEAD, Role.STEERING})
BLOCK_FILTERS = {"bd": "district", "bs": "so_direct"}
BLOCK_LABELS = {"bd": N_("District block"), "bs": N_("Sở-direct units")}
SECTOR = Scope()


def register(router: Router) -> None:
    description = N_("Who has submitted each deadline, and who has not")
    router.command("status", choose, allowed=ALLOWED, description=description)
    router.button("st", show, allowed=ALLOWED)
    router.button("stf", choose_filter, allowed=ALLOWED)


async def _limit(ctx: Context) -> Scope | None:
    """The units the person may see, as the scope every filter narrows: the sector, a district
    office's schools, a steering department's models; None: not allowed."""
    if ctx.has_any(SECTOR_ROLES):
        return SECTOR
    unit = ctx.unit
    if unit is not None and unit.kind == DISTRICT_OFFICE:
        return Scope(within=unit.id)
    steered = await steered_numbers(ctx.session, ctx.department_id)
    return Scope(steered=steered) if steered else None


def _shows(deadline: Deadline, limit: Scope) -> bool:
    """A steering department follows its models' deadlines only."""
    if limit.steered is None:
        return True
    covered = set(deadline.audience_models or ()) or limit.steered
    return deadline.for_models and bool(covered & limit.steered)


async def choose(event: Incoming, ctx: Context) -> Outcome:
    limit = await _limit(ctx)
    if limit is None:
        return await refused(event, ctx)
    deadlines = [d for d in await plan_deadlines(ctx.session) if _shows(d, limit)]
    wanted = [d for d in deadlines if d.code == event.argument.strip().lower()]
    if wanted:
        return await _page(wanted[0], 0, "", limit, ctx)
    buttons = tuple(
        (Button(f"{d.title_in(ctx.t.locale)} · {ctx.t.cutoff(d.due_at)}", f"st:{d.id}:0:"),)
        for d in deadlines
    )
    return Outcome([Reply(ctx.t(N_("Which deadline?")), buttons=buttons)])


async def show(event: Incoming, ctx: Context) -> Outcome:
    parts = button_argument(event.payload).split(":")
    deadline, limit = await _deadline(parts[0] if parts else "", ctx)
    valid = deadline is not None and len(parts) == 3 and parts[1].isdigit()
    scope = _scope(parts[2], limit) if valid else None
    if scope is None:
        return await refused(event, ctx)
    return await _page(deadline, int(parts[1]), parts[2], scope, ctx)


async def choose_filter(event: Incoming, ctx: Context) -> Outcome:
    parts = button_argument(event.payload).split(":")
    deadline, limit = await _deadline(parts[0] if parts else "", ctx)
    if deadline is None or len(parts) != 2 or parts[1] not in _filter_kinds(limit):
        return await refused(event, ctx)
    if parts[1] == "d":
        offices = await units.district_offices(ctx.session)
        options = [(unit.name, f"d{unit.id}") for unit in offices]
    else:
        models = await pilot_models(ctx.session, deadline.plan_id)
        options = [
            (f"{m.number}. {m.name if ctx.t.locale == 'vi' else m.name_en}", f"m{m.number}")
            for m in models
            if limit.steered is None or m.number in limit.steered
        ]
    buttons = tuple((Button(label, f"st:{deadline.id}:0:{code}"),) for label, code in options)
    return Outcome([Reply(ctx.t(N_("Show which units?")), buttons=buttons)])


def _filter_kinds(limit: Scope | None) -> str:
    """Which filters the person may choose from: by district and model for the sector, by
    its models for a steering department, none for a district office."""
    if limit == SECTOR:
        return "dm"
    return "m" if limit is not None and limit.steered is not None else ""


async def _deadline(argument: str, ctx: Context) -> tuple[Deadline | None, Scope | None]:
    """The deadline a button names, if the person may see it, and what they may see of it."""
    limit = await _limit(ctx)
    if limit is None or not argument.isdigit():
        return None, limit
    deadline = await find_deadline(ctx.session, int(argument))
    return (deadline if deadline is not None and _shows(deadline, limit) else None), limit


async def _page(deadline: Deadline, page: int, code: str, scope: Scope, ctx: Context) -> Outcome:
    status = await deadline_status(ctx.session, deadline, scope)
    pages = max(1, -(-len(status.missing) // UNITS_PER_PAGE))
    page = min(page, pages - 1)
    shown = status.missing[page * UNITS_PER_PAGE : (page + 1) * UNITS_PER_PAGE]
    text = _summary(status, ctx) + "".join(_missing(unit, status, ctx) for unit in shown)
    if status.missing:
        text += "\n" + ctx.t(N_("Page {page}/{pages}"), page=page + 1, pages=pages)
    buttons = _navigation(deadline, page, pages, code, ctx) + _filters(deadline, scope, ctx)
    buttons.append(menu_row(ctx))
    return Outcome([Reply(text, buttons=tuple(buttons))])


def _scope(code: str, limit: Scope | None) -> Scope | None:
    """The view a filter code asks for, within the person's limit; None if beyond it."""
    if limit is None:
        return None
    if code == "":
        return limit
    if code in BLOCK_FILTERS:
        return replace(limit, block=BLOCK_FILTERS[code])
    if code[:1] not in ("d", "m") or not code[1:].isdigit() or code[0] not in _filter_kinds(limit):
        return None
    number = int(code[1:])
    if code[0] == "d":
        return Scope(district=number)
    if limit.steered is not None and number not in limit.steered:
        return None
    return replace(limit, model=number)


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


def _filters(deadline: Deadline, scope: Scope, ctx: Context) -> list:
    _ = ctx.t
    rows = [
        tuple(
            Button(_(label), f"st:{deadline.id}:0:{code}") for code, label in BLOCK_LABELS.items()
        )
    ]
    rows.append((Button(_("All units"), f"st:{deadline.id}:0:"),))
    kinds = _filter_kinds(Scope(within=scope.within, steered=scope.steered))
    labels = {"d": _("By district"), "m": _("By pilot model")}
    if kinds:
        rows.append(tuple(Button(labels[kind], f"stf:{deadline.id}:{kind}") for kind in kinds))
    return rows
