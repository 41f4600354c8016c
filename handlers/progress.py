"""/progress: each target of the plan against verified awards, as a table and a chart."""

from __future__ import annotations

from bot.context import Context
from bot.events import Incoming, Outcome, Reply
from bot.i18n import N_
from bot.routing import SECTOR_ROLES, Router
from bot.services.awards.charts import progress_chart
from bot.services.awards.quotas import QuotaLine, progress
from bot.services.setup.units import BLOCK_NAMES
from handlers.common import menu_reply


def register(router: Router) -> None:
    description = N_("How far the sector is from each target")
    router.command("progress", show, allowed=SECTOR_ROLES, description=description)
    router.button("progress", show, allowed=SECTOR_ROLES)


async def show(_event: Incoming, ctx: Context) -> Outcome:
    _ = ctx.t
    lines = await progress(ctx.session)
    if not lines:
        return Outcome([menu_reply(ctx, _("The plan has no targets."))])
    table = [_("Targets 2016–2020 (verified awards / target):")]
    table += [_entry(number, line, ctx) for number, line in enumerate(lines, 1)]
    table.append(_("Reported: what units wrote in their annual reports, not yet verified."))
    chart = Reply(_("📊 Chart of the targets"), photo=progress_chart(lines, ctx.t))
    return Outcome([chart, menu_reply(ctx, "\n\n".join(table))])


def _entry(number: int, line: QuotaLine, ctx: Context) -> str:
    _ = ctx.t
    name = line.name if _.locale == "vi" else line.name_en
    if line.target is None:
        head = _(
            "{number}. {name}: {verified} (strive to have)",
            number=number,
            name=name,
            verified=line.verified,
        )
    else:
        head = _(
            "{number}. {name}: {verified}/{target} ({percent}%) · {left} to go",
            number=number,
            name=name,
            verified=line.verified,
            target=line.target,
            percent=line.percent,
            left=line.left,
        )
    parts = [head]
    parts += [
        _(
            "   {block}: {verified}/{target}",
            block=_(BLOCK_NAMES[share.block]),
            verified=share.verified,
            target=share.target,
        )
        for share in line.blocks
    ]
    if line.root:
        parts.append(_("   the Sở itself (in no block): {count}", count=line.root))
    parts.append(_("   reported by units: {count}", count=line.reported))
    if line.outside_period:
        parts.append(
            _("   not counted, decided outside the plan period: {count}", count=line.outside_period)
        )
    if line.other_recipients:
        parts.append(
            _(
                "   not counted, to recipients this target does not count: {count}",
                count=line.other_recipients,
            )
        )
    return "\n".join(parts)
