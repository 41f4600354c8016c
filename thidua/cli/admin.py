"""Subcommands for the office and the operator: database, plan, units, invites, roles."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import SystemClock, parse_local
from bot.config import Settings
from bot.db.database import Database
from bot.db.migrate import upgrade_async
from bot.db.models import Role
from bot.db.repositories import PeopleRepository, PlanRepository, UnitRepository
from bot.plan import Plan, load_plan
from bot.services.messaging import reminders
from bot.services.setup import invites
from bot.services.setup.invites import InviteError
from bot.services.setup.plan_store import store_plan
from bot.services.setup.units_import import import_units, read_units
from thidua.cli import arguments
from thidua.runtime import open_database

CLI_ACTOR = "cli"
T = TypeVar("T")


def add_commands(sub: argparse._SubParsersAction) -> None:
    _db_commands(sub.add_parser("db", help="database schema"))
    _plan_commands(sub.add_parser("plan", help="the plan: units, models, targets, calendar"))
    _unit_commands(sub.add_parser("units", help="the unit list"))
    _invite_commands(sub.add_parser("invite", help="one-time invite codes"))
    _role_commands(sub.add_parser("roles", help="office and council roles"))
    remind = sub.add_parser("remind", help="plan the reminders due now (or preview them)")
    remind.add_argument("--preview", action="store_true", help="only print; send nothing")
    remind.add_argument("--at", help='"DD/MM/YYYY HH:MM" in the plan\'s time zone (default: now)')
    remind.set_defaults(command=remind_due)
    people = sub.add_parser("people", help="people bound to the bot")
    people_sub = people.add_subparsers(required=True, metavar="ACTION")
    people_sub.add_parser("list", help="everyone with their roles").set_defaults(
        command=list_people
    )


def _db_commands(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(required=True, metavar="ACTION")
    sub.add_parser("upgrade", help="create or migrate the schema").set_defaults(command=db_upgrade)


def _plan_commands(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(required=True, metavar="ACTION")
    load = sub.add_parser("load", help="validate a plan file and make it the active plan")
    load.add_argument(
        "file", type=arguments.existing_file, nargs="?", help="default: the 2016 plan"
    )
    load.set_defaults(command=plan_load)
    show = sub.add_parser("show", help="summarise a plan file, or the active plan")
    show.add_argument("file", type=arguments.existing_file, nargs="?")
    show.set_defaults(command=plan_show)


def _unit_commands(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(required=True, metavar="ACTION")
    load = sub.add_parser("import", help="add or update units from a CSV or XLSX file")
    load.add_argument("file", type=arguments.existing_file)
    load.set_defaults(command=units_import)
    sub.add_parser("list", help="every unit with its block and parent").set_defaults(
        command=units_list
    )


def _invite_commands(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(required=True, metavar="ACTION")
    create = sub.add_parser("create", help="issue a one-time code binding a person to a role")
    create.add_argument(
        "--role", type=arguments.role, required=True, help="head|member|office|council"
    )
    create.add_argument("--unit", help="unit code (required for head and member)")
    create.add_argument(
        "--ttl-days", type=arguments.days, default=None, help="default: INVITE_TTL_DAYS"
    )
    create.add_argument("--bot-username", help="for the t.me link; default: BOT_USERNAME")
    create.set_defaults(command=invite_create)
    sub.add_parser("list", help="codes issued and their state").set_defaults(command=invite_list)
    revoke = sub.add_parser("revoke", help="withdraw an unused code")
    revoke.add_argument("code", help="the code, or its #number shown by 'list'")
    revoke.set_defaults(command=invite_revoke)


def _role_commands(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(required=True, metavar="ACTION")
    for action, command in (("grant", roles_grant), ("revoke", roles_revoke)):
        verb = sub.add_parser(action, help=f"{action} a role to a person already bound")
        verb.add_argument("--person", type=int, required=True, help="id from 'thidua people list'")
        verb.add_argument("--role", type=arguments.role, required=True)
        verb.set_defaults(command=command)
    sub.choices["grant"].add_argument("--unit", help="unit code; default: the root unit (the Sở)")


async def with_database(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """``work(session)`` in one unit of work: all of a command's changes are kept, or none."""
    db = await open_database(settings)
    try:
        async with db.unit_of_work() as session:
            return await work(session)
    finally:
        await db.dispose()


async def db_upgrade(_args: argparse.Namespace, settings: Settings) -> None:
    await upgrade_async(settings.database_url)
    _ = arguments.translator(settings)
    print(_("Database is up to date: {url}", url=Database(settings.database_url).safe_url))


async def plan_load(args: argparse.Namespace, settings: Settings) -> None:
    plan = load_plan(args.file)

    async def work(session) -> None:
        await store_plan(session, plan, SystemClock(), actor=CLI_ACTOR)

    await with_database(settings, work)
    _ = arguments.translator(settings)
    print(
        _(
            "Plan {code} loaded: {units} units, {deadlines} deadlines.",
            code=plan.code,
            units=len(plan.units),
            deadlines=len(plan.deadlines),
        )
    )


async def plan_show(args: argparse.Namespace, settings: Settings) -> None:
    if args.file is not None:
        plan = load_plan(args.file)
    else:
        plan = await with_database(settings, _active_plan) or load_plan()
    print(describe_plan(plan, arguments.translator(settings)))


async def _active_plan(session) -> Plan | None:
    record = await PlanRepository(session).active()
    if record is None:
        return None
    await session.refresh(record, ["source"])
    return Plan.model_validate(record.source)


def describe_plan(plan: Plan, _) -> str:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(plan.timezone)
    lines = [f"{plan.code} — {plan.title}", _("Units: {count}", count=len(plan.units)), ""]
    lines.append(_("Pilot models:"))
    lines += [f"  {m.number}. {m.name} ({m.steering}): {len(m.units)}" for m in plan.models]
    lines += ["", _("Targets 2016–2020:")]
    for target in plan.targets:
        amount = _("strive to have") if target.strive else str(target.target)
        split = ", ".join(f"{block} {count}" for block, count in target.split.items())
        lines.append(
            f"  {plan.award_type(target.award).name}: {amount}" + (f" ({split})" if split else "")
        )
    lines += ["", _("Calendar (* = default date, the plan names only a period):")]
    for deadline in plan.deadlines:
        marker = "" if deadline.fixed else "*"
        due = deadline.due_at(zone).strftime("%H:%M %d/%m/%Y")
        lines.append(f"  {due}{marker}  {deadline.title} [{deadline.code}]")
    return "\n".join(lines)


async def units_import(args: argparse.Namespace, settings: Settings) -> None:
    rows = read_units(args.file)

    async def work(session):
        return await import_units(session, rows, SystemClock(), actor=CLI_ACTOR)

    summary = await with_database(settings, work)
    _ = arguments.translator(settings)
    print(
        _(
            "Units imported: {created} new, {updated} updated, {unchanged} unchanged.",
            created=summary.created,
            updated=summary.updated,
            unchanged=summary.unchanged,
        )
    )


async def units_list(_args: argparse.Namespace, settings: Settings) -> None:
    async def work(session) -> None:
        for unit in await UnitRepository(session).all():
            parent = unit.parent.code if unit.parent else "-"
            print(f"{unit.code}\t{unit.kind}\t{unit.block or '-'}\t{parent}\t{unit.name}")

    await with_database(settings, work)


async def invite_create(args: argparse.Namespace, settings: Settings) -> None:
    ttl = args.ttl_days or settings.invite_ttl

    async def work(session):
        return await invites.create_invite(
            session,
            SystemClock(),
            role=args.role,
            unit_code=args.unit,
            created_by=CLI_ACTOR,
            ttl=ttl,
        )

    issued = await with_database(settings, work)
    _ = arguments.translator(settings)
    print(_("Invite code: {code}", code=issued.display_code))
    print(_("For: {role} · {unit}", role=issued.invite.role.value, unit=issued.invite.unit.name))
    print(_("Valid until: {time} (one use only)", time=_.datetime(issued.invite.expires_at)))
    username = args.bot_username or settings.bot_username
    if username:
        print(_("Link: {link}", link=f"https://t.me/{username.lstrip('@')}?start={issued.code}"))
    else:
        print(_("Set BOT_USERNAME (or pass --bot-username) to print the t.me link."))


async def invite_list(_args: argparse.Namespace, settings: Settings) -> None:
    now = SystemClock().now()
    _ = arguments.translator(settings)

    async def work(session) -> None:
        for invite in await invites.list_invites(session):
            print(
                f"#{invite.id}\t{invite.role.value}\t{invite.unit.code}\t"
                f"{_invite_state(invite, now, _)}\t{_.datetime(invite.expires_at)}"
            )

    await with_database(settings, work)


def _invite_state(invite, now, _) -> str:
    if invite.revoked_at:
        return _("revoked")
    if invite.used_at:
        return _("used")
    return _("expired") if invite.expires_at <= now else _("open")


async def invite_revoke(args: argparse.Namespace, settings: Settings) -> None:
    async def work(session):
        return await invites.revoke_invite(session, SystemClock(), args.code, CLI_ACTOR)

    count = await with_database(settings, work)
    if count == 0:
        raise InviteError(f"no unused code matches {args.code!r}")
    _ = arguments.translator(settings)
    print(_("Codes revoked: {count}", count=count))


async def roles_grant(args: argparse.Namespace, settings: Settings) -> None:
    async def work(session) -> bool:
        person, unit = await _person(session, args.person), await _role_unit(session, args)
        return await PeopleRepository(session).grant(
            person, args.role, unit, now=SystemClock().now(), granted_by=CLI_ACTOR
        )

    granted = await with_database(settings, work)
    _ = arguments.translator(settings)
    print(_("Role granted.") if granted else _("The person already had that role."))


async def roles_revoke(args: argparse.Namespace, settings: Settings) -> None:
    async def work(session) -> int:
        return await PeopleRepository(session).revoke(
            await _person(session, args.person), args.role
        )

    count = await with_database(settings, work)
    _ = arguments.translator(settings)
    print(_("Roles revoked: {count}", count=count))


async def _person(session, person_id: int):
    person = await PeopleRepository(session).person(person_id)
    if person is None:
        raise arguments.UsageError(f"no person with id {person_id} (see 'thidua people list')")
    return person


async def _role_unit(session, args: argparse.Namespace):
    if args.role in (Role.HEAD, Role.MEMBER) and not args.unit:
        raise arguments.UsageError(f"role {args.role.value} needs --unit")
    units = UnitRepository(session)
    unit = await units.by_code(args.unit) if args.unit else await units.root()
    if unit is None:
        raise arguments.UsageError(f"unknown unit {args.unit}")
    return unit


async def list_people(_args: argparse.Namespace, settings: Settings) -> None:
    async def work(session) -> None:
        for person in await PeopleRepository(session).everyone():
            roles = ", ".join(f"{g.role.value}@{g.unit.code}" for g in person.roles) or "-"
            channels = ", ".join(i.channel for i in person.identities)
            print(f"{person.id}\t{person.full_name}\t{roles}\t{channels}")

    await with_database(settings, work)


async def remind_due(args: argparse.Namespace, settings: Settings) -> None:
    """Who would be reminded at that moment; without --preview, also queue them for sending."""
    try:
        at = parse_local(args.at, settings.zone) if args.at else SystemClock().now()
    except ValueError as error:
        raise arguments.UsageError(f"--at: {error}") from None
    _ = arguments.translator(settings)

    async def work(session) -> None:
        planned = await reminders.plan(session, at, settings.zone)
        for item in planned:
            print(
                f"{_.datetime(item.slot)}\t{item.deadline.code}\t{item.unit_code}\t"
                f"{item.name}\t{item.channel}"
            )
        if not args.preview:
            await reminders.send_due(session, at, settings.zone)
        print(_("Reminders due at {time}: {count}", time=_.datetime(at), count=len(planned)))

    await with_database(settings, work)
