"""The chat kit every feature shares: the main menu's buttons, who the person is, the polite
answers to what the bot did not expect, and the names of roles and statuses."""

from __future__ import annotations

from dataclasses import dataclass

from bot.context import Context
from bot.db.models import Role, SteeringDepartment, Unit
from bot.events import Button, Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import ANY_ROLE, OFFICE_ONLY, SECTOR_ROLES, STEERING_ONLY, UNIT_ROLES


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


def menu_buttons(ctx: Context) -> tuple[tuple[Button, ...], ...]:
    return tuple(
        (Button(ctx.t(item.label), item.payload),) for item in MENU if ctx.has_any(item.allowed)
    )


def menu_reply(ctx: Context, text: str) -> Reply:
    return Reply(text, buttons=menu_buttons(ctx))


def menu_row(ctx: Context) -> tuple[Button, ...]:
    """One button back to the main menu, under a list the person pages through."""
    return (Button(ctx.t(N_("🏠 Main menu")), "menu"),)


def who_am_i(ctx: Context) -> str:
    """'Trường THPT X, head of unit' lines for each of the person's roles."""
    _ = ctx.t
    lines = []
    for grant in sorted(ctx.person.roles, key=lambda g: g.id):
        where = place_name(ctx, grant.unit, grant.department)
        lines.append(_("{role} · {unit}", role=_(ROLE_NAMES[grant.role]), unit=where))
    return "\n".join(lines)


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
