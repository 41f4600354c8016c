"""``thidua invite create|list|revoke``: the one-time codes that bind people to a role."""

from __future__ import annotations

import argparse

from bot.clock import SystemClock
from bot.config import Settings
from bot.i18n import N_
from bot.services.setup import invites
from bot.services.setup.invites import InviteError
from handlers.common import ROLE_NAMES
from thidua.cli import common


def add_commands(sub: argparse._SubParsersAction) -> None:
    actions = common.actions(sub.add_parser("invite", help="one-time invite codes"))
    create = actions.add_parser("create", help="issue a one-time code binding a person to a role")
    create.add_argument(
        "--role", type=common.role, required=True, help="head|member|office|council|steering"
    )
    create.add_argument("--unit", help="unit code (required for head and member)")
    create.add_argument(
        "--department", help="steering department code, as the plan names it (for steering)"
    )
    create.add_argument(
        "--ttl-days", type=common.days, default=None, help="default: INVITE_TTL_DAYS"
    )
    create.add_argument("--bot-username", help="for the t.me link; default: BOT_USERNAME")
    create.set_defaults(command=invite_create)
    actions.add_parser("list", help="codes issued and their state").set_defaults(
        command=invite_list
    )
    revoke = actions.add_parser("revoke", help="withdraw an unused code")
    revoke.add_argument("code", help="the code, or its #number shown by 'list'")
    revoke.set_defaults(command=invite_revoke)


async def invite_create(args: argparse.Namespace, settings: Settings) -> None:
    ttl = args.ttl_days or settings.invite_ttl

    async def work(session):
        return await invites.create_invite(
            session,
            SystemClock(),
            role=args.role,
            unit_code=args.unit,
            department_code=args.department,
            created_by=common.CLI_ACTOR,
            ttl=ttl,
        )

    issued = await common.with_database(settings, work)
    _ = common.translator(settings)
    print(_("Invite code: {code}", code=issued.display_code))
    invite = issued.invite
    where = invite.department.name if invite.department is not None else invite.unit.name
    print(_("For: {role} · {unit}", role=_(ROLE_NAMES[invite.role]), unit=where))
    print(_("Valid until: {time} (one use only)", time=_.datetime(issued.invite.expires_at)))
    username = args.bot_username or settings.bot_username
    if username:
        print(_("Link: {link}", link=f"https://t.me/{username.lstrip('@')}?start={issued.code}"))
    else:
        print(_("Set BOT_USERNAME (or pass --bot-username) to print the t.me link."))


async def invite_list(_args: argparse.Namespace, settings: Settings) -> None:
    now = SystemClock().now()
    _ = common.translator(settings)

    async def work(session) -> None:
        for invite in await invites.list_invites(session):
            print(
                f"#{invite.id}\t{_(ROLE_NAMES[invite.role])}\t{_where(invite)}\t"
                f"{_invite_state(invite, now, _)}\t{_.datetime(invite.expires_at)}"
            )

    await common.with_database(settings, work)


def _where(invite) -> str:
    return invite.department.code if invite.department is not None else invite.unit.code


def _invite_state(invite, now, _) -> str:
    if invite.revoked_at:
        return _("revoked")
    if invite.used_at:
        return _("used")
    return _("expired") if invite.expires_at <= now else _("open")


async def invite_revoke(args: argparse.Namespace, settings: Settings) -> None:
    async def work(session):
        return await invites.revoke_invite(session, SystemClock(), args.code, common.CLI_ACTOR)

    count = await common.with_database(settings, work)
    if count == 0:
        raise InviteError(N_("no unused code matches {code}"), code=repr(args.code))
    _ = common.translator(settings)
    print(_("Codes revoked: {count}", count=count))
