"""/pilots: the office selects each model's pilot units (chỉ đạo điểm) for a school year.

Buttons: ``pil`` (the years), ``pil:<year>`` (the models), ``pil:<year>:<model>:<area>:<page>``
(the units, ✅ selected, ⬜ not), ``pila:<year>:<model>`` (choose the area: ``all``, ``so`` the
Sở-direct units, or a district office's id) and ``pilt:<year>:<model>:<area>:<page>:<unit>``
(select or take out). Every part is checked again here: a payload is a request.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.context import Context
from bot.db.models import PilotModel, Unit
from bot.events import Button, Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import OFFICE_ONLY, Router, button_argument
from bot.services.obligations.deadlines import school_year_of
from bot.services.selection import choosing
from bot.services.selection.choosing import ALL_AREAS, SO_DIRECT, SelectionError
from bot.services.selection.notices import change_summary, model_heading, model_label
from bot.services.setup import units
from bot.services.setup.plan_store import active_plan, pilot_models
from handlers.common import menu_row, refused

UNITS_PER_PAGE = 8


def register(router: Router) -> None:
    description = N_("Select each model's pilot units for a school year")
    router.command("pilots", choose_year, allowed=OFFICE_ONLY, description=description)
    router.button("pil", show, allowed=OFFICE_ONLY)
    router.button("pila", choose_area, allowed=OFFICE_ONLY)
    router.button("pilt", toggle, allowed=OFFICE_ONLY)


@dataclass(frozen=True)
class Listing:
    """Which list of units the office is looking at."""

    year: str
    model: PilotModel
    area: str
    page: int

    def payload(self, prefix: str = "pil", page: int | None = None) -> str:
        shown = self.page if page is None else page
        return f"{prefix}:{self.year}:{self.model.number}:{self.area}:{shown}"


async def choose_year(_event: Incoming, ctx: Context) -> Outcome:
    _ = ctx.t
    plan = await active_plan(ctx.session)
    this_year = school_year_of(ctx.clock.now().astimezone(_.zone).date())
    buttons = [
        (Button(_("{year} (this year)", year=y) if y == this_year else y, f"pil:{y}"),)
        for y in plan.school_years
    ]
    text = _("Pilot units (chỉ đạo điểm): which school year?")
    return Outcome([Reply(text, buttons=(*buttons, menu_row(ctx)))])


async def show(event: Incoming, ctx: Context) -> Outcome:
    parts = button_argument(event.payload).split(":") if ":" in event.payload else []
    if not parts:
        return await choose_year(event, ctx)
    if len(parts) == 1:
        if not await _plan_year(parts[0], ctx):
            return await refused(event, ctx)
        return await _models(parts[0], ctx)
    listing = await _listing(parts, ctx)
    if listing is None:
        return await refused(event, ctx)
    return Outcome([await _units_reply(listing, ctx)])


async def choose_area(event: Incoming, ctx: Context) -> Outcome:
    listing = await _listing([*button_argument(event.payload).split(":"), ALL_AREAS, "0"], ctx)
    if listing is None:
        return await refused(event, ctx)
    _ = ctx.t
    areas = [(ALL_AREAS, _("All units")), (SO_DIRECT, _("Sở-direct units"))]
    areas += [(str(office.id), office.name) for office in await units.district_offices(ctx.session)]
    buttons = tuple(
        (Button(label, f"pil:{listing.year}:{listing.model.number}:{area}:0"),)
        for area, label in areas
    )
    return Outcome([Reply(_("Show the units of:"), buttons=(*buttons, menu_row(ctx)))])


async def toggle(event: Incoming, ctx: Context) -> Outcome:
    *where, unit_id = button_argument(event.payload).split(":") or [""]
    listing = await _listing(where, ctx)
    unit = await _candidate(listing, unit_id, ctx) if listing is not None else None
    if unit is None:
        return await refused(event, ctx)
    selection = (listing.model, listing.year)
    try:
        change = await choosing.toggle(
            ctx.session, ctx.clock, ctx.t.zone, ctx.actor, selection, unit
        )
    except SelectionError as error:
        return Outcome([Reply(error.explain(ctx.t))])
    return Outcome([Reply(change_summary(change, ctx.t)), await _units_reply(listing, ctx)])


async def _models(year: str, ctx: Context) -> Outcome:
    _ = ctx.t
    buttons = []
    for model in await pilot_models(ctx.session):
        count = len(await choosing.selected_ids(ctx.session, model, year))
        label = _("{model} ({count} units)", model=model_label(model, _), count=count)
        buttons.append((Button(label, f"pil:{year}:{model.number}:{ALL_AREAS}:0"),))
    text = _("School year {year}: which model?", year=year)
    return Outcome([Reply(text, buttons=(*buttons, menu_row(ctx)))])


async def _units_reply(listing: Listing, ctx: Context) -> Reply:
    _ = ctx.t
    candidates = await choosing.pilot_candidates(ctx.session, listing.area)
    selected = await choosing.selected_ids(ctx.session, listing.model, listing.year)
    pages = max(1, -(-len(candidates) // UNITS_PER_PAGE))
    page = min(listing.page, pages - 1)
    shown = candidates[page * UNITS_PER_PAGE : (page + 1) * UNITS_PER_PAGE]
    text = _(
        "{model}, school year {year}: {count} pilot units. Press a unit to select it or take "
        "it out (page {page}/{pages}).",
        model=model_heading(listing.model, _),
        year=listing.year,
        count=len(selected),
        page=page + 1,
        pages=pages,
    )
    rows = [
        (
            Button(
                f"{'✅' if u.id in selected else '⬜'} {u.name}",
                f"{listing.payload('pilt', page)}:{u.id}",
            ),
        )
        for u in shown
    ]
    return Reply(text, buttons=(*rows, *_navigation(listing, page, pages, ctx)))


def _navigation(listing: Listing, page: int, pages: int, ctx: Context) -> list[tuple]:
    _ = ctx.t
    turn = []
    if page > 0:
        turn.append(Button(_("⬅️ Previous"), listing.payload(page=page - 1)))
    if page + 1 < pages:
        turn.append(Button(_("Next ➡️"), listing.payload(page=page + 1)))
    area = Button(_("🔎 Filter by area"), f"pila:{listing.year}:{listing.model.number}")
    back = Button(_("⬅️ Models"), f"pil:{listing.year}")
    return [row for row in (tuple(turn), (area, back), menu_row(ctx)) if row]


async def _plan_year(year: str, ctx: Context) -> bool:
    plan = await active_plan(ctx.session)
    return plan is not None and year in plan.school_years


async def _listing(parts: list[str], ctx: Context) -> Listing | None:
    """The listing a payload names, or None when any part of it is not real."""
    if len(parts) != 4 or not parts[1].isdigit() or not parts[3].isdigit():
        return None
    year, number, area, page = parts
    models = {model.number: model for model in await pilot_models(ctx.session)}
    if not await _plan_year(year, ctx) or int(number) not in models:
        return None
    if area not in (ALL_AREAS, SO_DIRECT) and not await _is_district_office(area, ctx):
        return None
    return Listing(year, models[int(number)], area, int(page))


async def _is_district_office(area: str, ctx: Context) -> bool:
    offices = await units.district_offices(ctx.session)
    return area.isdigit() and int(area) in {office.id for office in offices}


async def _candidate(listing: Listing, unit_id: str, ctx: Context) -> Unit | None:
    if not unit_id.isdigit():
        return None
    candidates = await choosing.pilot_candidates(ctx.session, listing.area)
    return next((unit for unit in candidates if unit.id == int(unit_id)), None)
