"""``thidua people list`` and ``thidua roles grant|revoke``: who is bound, and office roles."""

from __future__ import annotations

import argparse

from bot.clock import SystemClock
from bot.config import Settings
from bot.db.models import Role
from bot.i18n import N_, Translator
from bot.services.setup import people, units
from handlers.common import ROLE_NAMES
from thidua.cli import common


def add_commands(sub: argparse._SubParsersAction) -> None:
    everyone = common.actions(sub.add_parser("people", help="people bound to the bot"))
    everyone.add_parser("list", help="everyone with their roles").set_defaults(command=list_people)
    roles = common.actions(sub.add_parser("roles", help="office and council roles"))
    for action, command in (("grant", roles_grant), ("revoke", roles_revoke)):
        verb = roles.add_parser(action, help=f"{action} a role to a person already bound")
        verb.add_argument("--person", type=int, required=True, help="id from 'thidua people list'")
        verb.add_argument("--role", type=common.role, required=True)
        verb.set_defaults(command=command)
    roles.choices["grant"].add_argument("--unit", help="unit code; default: the root unit (the Sở)")


async def roles_grant(args: argparse.Namespace, settings: Settings) -> None:
    async def work(session) -> bool:
        person, unit = await _person(session, args.person), await _role_unit(session, args)
        now = SystemClock().now()
        return await people.grant(session, person, args.role, unit, now=now, by=common.CLI_ACTOR)

    granted = await common.with_database(settings, work)
    _ = common.translator(settings)
    print(_("Role granted.") if granted else _("The person already had that role."))


async def roles_revoke(args: argparse.Namespace, settings: Settings) -> None:
    async def work(session) -> int:
        return await people.revoke(session, await _person(session, args.person), args.role)

    count = await common.with_database(settings, work)
    _ = common.translator(settings)
    print(_("Roles revoked: {count}", count=count))


async def _person(session, person_id: int):
    person = await people.person(session, person_id)
    if person is None:
        raise common.UsageError(
            N_("no person with id {id} (see 'thidua people list')"), id=person_id
        )
    return person


async def _role_unit(session, args: argparse.Namespace):
    if args.role is Role.STEERING:  # it needs a department, which only an invite carries
        raise common.UsageError(
            N_(
                "role steering is given by invite: thidua invite create --role steering "
                "--department CODE"
            )
        )
    if args.role in (Role.HEAD, Role.MEMBER) and not args.unit:
        raise common.UsageError(N_("role {role} needs --unit"), role=args.role.value)
    unit = await units.by_code(session, args.unit) if args.unit else await units.root(session)
    if unit is None:
        raise common.UsageError(N_("unknown unit {unit}"), unit=args.unit)
    return unit


async def list_people(_args: argparse.Namespace, settings: Settings) -> None:
    _ = common.translator(settings)

    async def work(session) -> None:
        for person in await people.everyone(session):
            roles = ", ".join(_grant_label(g, _) for g in person.roles) or "-"
            channels = ", ".join(i.channel for i in person.identities)
            print(f"{person.id}\t{person.full_name}\t{roles}\t{channels}")

    await common.with_database(settings, work)


def _grant_label(grant, _: Translator) -> str:
    """``thủ trưởng đơn vị @ THPT-X``, or the department's code for a department's person."""
    where = grant.department.code if grant.department is not None else grant.unit.code
    return f"{_(ROLE_NAMES[grant.role])} @ {where}"
