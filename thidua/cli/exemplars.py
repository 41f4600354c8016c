"""``thidua exemplars list|show|check|select``: the register of exemplars from the command
line, as the office sees it in chat (/exemplars): the whole sector or a unit's, a record's card
with its history, the office's check and its choice of pilots, of which the unit is told."""

from __future__ import annotations

import argparse

from bot.clock import SystemClock
from bot.config import Settings
from bot.db.models import ExemplarStage
from bot.i18n import Translator
from bot.services.exemplars import register, wording
from bot.services.exemplars.changes import ChangeRefused
from bot.services.exemplars.checking import check_and_tell, select_and_tell
from bot.services.obligations.deadlines import school_year_of
from bot.services.setup import units
from bot.services.setup.plan_store import active_plan, pilot_models
from thidua.cli import common

STAGES = [stage.value for stage in ExemplarStage]


def add_commands(sub: argparse._SubParsersAction) -> None:
    group = common.actions(sub.add_parser("exemplars", help="the register of exemplars"))
    listing = group.add_parser(
        "list", help="counts, then one line per record: id, unit, name, kind, stage, model"
    )
    listing.add_argument("--unit", help="only this unit's records (its code)")
    listing.add_argument("--search", default="", help="in the names, with or without accents")
    listing.add_argument("--stage", choices=STAGES, help="only the records at this stage")
    listing.set_defaults(command=exemplars_list)
    show = group.add_parser("show", help="a record's card with its history")
    show.add_argument("id", type=_record_id, metavar="ID")
    show.set_defaults(command=exemplars_show)
    check = group.add_parser(
        "check", help="the office's check: another stage, a note, or both (the unit is told)"
    )
    check.add_argument("id", type=_record_id, metavar="ID")
    check.add_argument("--stage", choices=STAGES, help="the stage the office finds it at")
    check.add_argument("--note", help="the office's note, kept in its history")
    check.set_defaults(command=exemplars_check)
    select = group.add_parser(
        "select", help="steer it as a pilot of a model in a school year (the unit is told)"
    )
    select.add_argument("id", type=_record_id, metavar="ID")
    select.add_argument("--model", type=int, required=True, help="the model's number")
    select.add_argument("--year", help="the school year, e.g. 2017-2018 (default: this one)")
    select.set_defaults(command=exemplars_select)


def _record_id(value: str) -> int:
    if not value.lstrip("#").isdigit():
        raise argparse.ArgumentTypeError(f"not a record number: {value!r}")
    return int(value.lstrip("#"))


async def exemplars_list(args: argparse.Namespace, settings: Settings) -> None:
    _ = common.translator(settings)

    async def work(session) -> list[str]:
        scope = register.Scope(None)
        if args.unit:
            unit = await units.by_code(session, args.unit.upper())
            if unit is None:
                raise common.UsageError(_("Unknown unit {code}.", code=args.unit))
            scope = register.Scope(frozenset({unit.id}))
        models = await pilot_models(session)
        counts = await register.counts(session, scope)
        lines = [wording.counts_text(counts, {m.number: m for m in models}, _)]
        numbers = {model.id: model.number for model in models}
        found = await register.entries(session, scope, args.search)
        if args.stage:
            found = [entry for entry in found if entry.record.stage == args.stage]
        if not found and (args.search or args.stage):
            lines.append(_("No record matches."))
        lines += [_line(entry, numbers, _) for entry in found]
        return lines

    print("\n".join(await common.with_database(settings, work)))


def _line(entry: register.Entry, model_numbers: dict[int, int], _: Translator) -> str:
    record = entry.record
    kind = _("collective") if record.collective else _("individual")
    stage = wording.stage_name(record.stage, _)
    if record.retired_at:
        stage = f"{stage} ({_('no longer an exemplar')})"
    model = model_numbers.get(record.model_id, "")
    return f"#{record.id}\t{entry.unit.code}\t{record.name}\t{kind}\t{stage}\t{model}"


async def exemplars_show(args: argparse.Namespace, settings: Settings) -> None:
    _ = common.translator(settings)

    async def work(session) -> str:
        record = await _record(session, args.id, _)
        return wording.card(await register.story(session, record), _)

    print(await common.with_database(settings, work))


async def exemplars_check(args: argparse.Namespace, settings: Settings) -> None:
    _ = common.translator(settings)
    stage = ExemplarStage(args.stage) if args.stage else None

    async def work(session) -> str:
        record = await _record(session, args.id, _)
        try:
            told = await check_and_tell(
                session,
                record,
                common.CLI_ACTOR,
                SystemClock().now(),
                settings.zone,
                stage=stage,
                note=args.note,
            )
        except ChangeRefused as refusal:
            raise common.UsageError(_(refusal.reason)) from None
        return _(
            "Check recorded for #{id} “{name}” ({stage}); people of the unit told: {count}.",
            id=record.id,
            name=record.name,
            stage=wording.stage_name(record.stage, _),
            count=told,
        )

    print(await common.with_database(settings, work))


async def exemplars_select(args: argparse.Namespace, settings: Settings) -> None:
    _ = common.translator(settings)
    now = SystemClock().now()
    year = args.year or school_year_of(now.astimezone(settings.zone).date())

    async def work(session) -> str:
        record = await _record(session, args.id, _)
        plan = await active_plan(session)
        model = next((m for m in await pilot_models(session) if m.number == args.model), None)
        if model is None or year not in plan.school_years:
            raise common.UsageError(
                _("No pilot model {number} in school year {year}.", number=args.model, year=year)
            )
        try:
            told = await select_and_tell(
                session, record, model, year, common.CLI_ACTOR, now, settings.zone
            )
        except ChangeRefused as refusal:
            raise common.UsageError(_(refusal.reason)) from None
        return _(
            "#{id} “{name}” is steered as a pilot of model {number} in {year}; people of the "
            "unit told: {count}.",
            id=record.id,
            name=record.name,
            number=model.number,
            year=year,
            count=told,
        )

    print(await common.with_database(settings, work))


async def _record(session, record_id: int, _: Translator):
    """The record (followed through merges), or a refusal naming the number."""
    record = await register.record_in(session, register.Scope(None), record_id)
    if record is None:
        raise common.UsageError(_("No exemplar record #{id}.", id=record_id))
    return record
