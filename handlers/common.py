"""The chat kit every feature shares: the main menu's buttons, who the person is, the polite
answers to what the bot did not expect, and the names of roles and statuses."""

from __future__ import annotations

from dataclasses import dataclass

from bot.context import Context
from bot.db.models import Role, SteeringDepartment, Unit
from bot.events import Button, Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import ANY_ROLE, OFFICE_ONLY, SECTOR_ROLES, STEERING_ONLY, UNIT_ROLES
from bot.services.setup.units import DISTRICT_OFFICE


@dataclass(frozen=True)
class MenuItem:
    payload: str
    label: str
    allowed: frozenset[Role]


# One button per row: large targets for thumbs on small phones.
MENU = (
    MenuItem("register", N_("📝 Emulation registration"), UNIT_ROLES),
    MenuItem("report", N_("📤 Submit a report"), UNIT_ROLES),
    MenuItem("mystatus", N_("📋 My unit's submissions"), UNIT_ROLES),
    MenuItem("models", N_("🧭 The pilot models you steer"), STEERING_ONLY),
    MenuItem("deadlines", N_("📅 Deadlines"), ANY_ROLE),
    MenuItem("exemplars", N_("🌟 Exemplars"), SECTOR_ROLES | UNIT_ROLES | STEERING_ONLY),
    MenuItem("progress", N_("📊 Progress towards the targets"), SECTOR_ROLES),
    MenuItem("review", N_("🗂 Review submissions"), OFFICE_ONLY),
    MenuItem("awards", N_("🏅 Record awards"), OFFICE_ONLY),
    MenuItem("export", N_("📥 Export to Excel"), OFFICE_ONLY),
    MenuItem("broadcast", N_("📣 Send an announcement"), OFFICE_ONLY),
    MenuItem("help", N_("❓ Help"), ANY_ROLE),
    MenuItem("lang", N_("🌐 Language / Ngôn ngữ"), ANY_ROLE),
)

ROLE_NAMES = {
    Role.HEAD: N_("head of unit"),
    Role.MEMBER: N_("unit member"),
    Role.OFFICE: N_("Department office (Văn phòng Sở)"),
    Role.COUNCIL: N_("member of the Emulation and Commendation Council"),
    Role.STEERING: N_("steering officer for pilot models"),
}


# What each role does with the bot, for /help: what a person may expect to find.
ROLE_ABILITIES = {
    Role.HEAD: N_(
        "register your unit's emulation goals, submit its reports, see what it still owes, "
        "and keep its exemplars' records"
    ),
    Role.MEMBER: N_(
        "fill in your unit's registration and reports, see what it still owes, and keep its "
        "exemplars' records"
    ),
    Role.OFFICE: N_(
        "follow every deadline, review submissions, record awards, select the pilot units, "
        "check the exemplars, send announcements and export everything to Excel"
    ),
    Role.COUNCIL: N_(
        "follow the progress toward the targets, the pilot models, the deadlines and the "
        "exemplars of the whole sector"
    ),
    Role.STEERING: N_(
        "follow the pilot models your department steers: their units, what they still owe "
        "(a digest every Monday) and their exemplars, on which you can add notes"
    ),
}
DISTRICT_ABILITIES = N_("; you also see the status and the exemplars of your district's schools")


def menu_buttons(ctx: Context) -> tuple[tuple[Button, ...], ...]:
    return tuple(
        (Button(ctx.t(item.label), item.payload),) for item in MENU if ctx.has_any(item.allowed)
    )


def menu_reply(ctx: Context, text: str) -> Reply:
    return Reply(text, buttons=menu_buttons(ctx))


def menu_row(ctx: Context) -> tuple[Button, ...]:
    """One button back to the main menu, under a list the person pages through."""
    return (Button(ctx.t(N_("🏠 Main menu")), "menu"),)


def abilities(ctx: Context) -> str:
    """'head of unit · Trường X: you can …' for each of the person's roles."""
    _ = ctx.t
    lines = []
    for grant in sorted(ctx.person.roles, key=lambda g: g.id):
        what = _(ROLE_ABILITIES[grant.role])
        if grant.role == Role.HEAD and grant.unit.kind == DISTRICT_OFFICE:
            what = f"{what}{_(DISTRICT_ABILITIES)}"
        role, where = _(ROLE_NAMES[grant.role]), place_name(ctx, grant.unit, grant.department)
        lines.append(_("{role} · {unit}: you can {what}.", role=role, unit=where, what=what))
    return "\n".join(lines)


def who_am_i(ctx: Context) -> str:
    """'Trường THPT X, head of unit' lines for each of the person's roles."""
    _ = ctx.t
    lines = []
    for grant in sorted(ctx.person.roles, key=lambda g: g.id):
        where = place_name(ctx, grant.unit, grant.department)
        lines.append(_("{role} · {unit}", role=_(ROLE_NAMES[grant.role]), unit=where))
    return "\n".join(lines)


def steering_department(ctx: Context) -> SteeringDepartment | None:
    """The department a steering person follows the models of, if they are one."""
    grants = ctx.person.roles if ctx.person else ()
    return next((g.department for g in grants if g.role is Role.STEERING), None)


def place_name(ctx: Context, unit: Unit, department: SteeringDepartment | None) -> str:
    """Where a role is held: a steering department by its name, anyone else by their unit."""
    return department.name_in(ctx.t.locale) if department is not None else unit.name


async def not_understood(_event: Incoming, ctx: Context) -> Outcome:
    _ = ctx.t
    text = _("Sorry, I did not understand that. Please choose from the menu or type /help.")
    return Outcome([menu_reply(ctx, text)])


async def refused(event: Incoming, ctx: Context) -> Outcome:
    """An old button, someone else's button, a forged payload or a command not for this role."""
    _ = ctx.t
    if event.payload is not None:
        text = _("That button is no longer valid. Here is your menu:")
        return Outcome([menu_reply(ctx, text)], notice=_("This button is no longer valid."))
    text = _(
        "The command {command} does not exist or is not available to you. Type /help to see "
        "what you can do.",
        command=f"/{event.command}",
    )
    return Outcome([menu_reply(ctx, text)])
