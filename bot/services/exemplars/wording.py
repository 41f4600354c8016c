"""How the register reads to people, in chat and on the command line."""

from __future__ import annotations

from bot.db.models import Exemplar, ExemplarEvent, ExemplarStage, PilotModel, SteeringDepartment
from bot.i18n import N_, Translator
from bot.services.exemplars import changes, intake
from bot.services.exemplars.register import SO_DIRECT, Counts, Story

STAGE_NAMES = {
    ExemplarStage.FOUND: N_("found"),
    ExemplarStage.FOSTERED: N_("fostered"),
    ExemplarStage.REPLICATED: N_("replicated"),
    ExemplarStage.HONOURED: N_("honoured"),
}
STAGE_MARKS = {
    ExemplarStage.FOUND: "🔍",
    ExemplarStage.FOSTERED: "🌱",
    ExemplarStage.REPLICATED: "🔁",
    ExemplarStage.HONOURED: "🏅",
}


def stage_name(stage: ExemplarStage | str, t: Translator) -> str:
    return t(STAGE_NAMES[ExemplarStage(stage)])


def label(record: Exemplar, t: Translator) -> str:
    """The record in a list: its stage's mark, its name, 🚫 once it is no longer one."""
    mark = "🚫" if record.retired_at else STAGE_MARKS[record.stage]
    return f"{mark} {record.name}"


def counts_text(counts: Counts, models: dict[int, PilotModel], t: Translator) -> str:
    lines = [t(N_("Exemplars in the register: {count}"), count=counts.total)]
    if not counts.total:
        return lines[0]
    stages = " · ".join(
        f"{STAGE_MARKS[stage]} {stage_name(stage, t)} {counts.by_stage[stage]}"
        for stage in ExemplarStage
        if counts.by_stage[stage]
    )
    lines.append(t(N_("By stage: {stages}"), stages=stages))
    by_model = ", ".join(
        f"{number}: {count}" for number, count in sorted(counts.by_model.items()) if number
    )
    if by_model:
        lines.append(t(N_("By pilot model: {models}"), models=by_model))
    if counts.by_model[0]:
        lines.append(t(N_("In no pilot model: {count}"), count=counts.by_model[0]))
    if len(counts.by_district) > 1:
        lines.append(t(N_("By district:")))
        for name, count in sorted(counts.by_district.items(), key=lambda p: (-p[1], p[0])):
            shown = t(N_("Sở-direct units")) if name == SO_DIRECT else name
            lines.append(f" • {shown}: {count}")
    return "\n".join(lines)


def card(story: Story, t: Translator) -> str:
    """The record, then its history across reports, oldest first."""
    record = story.record
    kind = t(N_("collective")) if record.collective else t(N_("individual"))
    lines = [f"{label(record, t)}", t(N_("{unit} · {kind}"), unit=story.unit.name, kind=kind)]
    if record.field:
        lines.append(t(N_("Field: {field}"), field=record.field))
    if story.model is not None:
        name = story.model.name_en if t.locale == "en" else story.model.name
        lines.append(t(N_("Pilot model {number}. {name}"), number=story.model.number, name=name))
    lines.append(t(N_("Stage: {stage}"), stage=stage_name(record.stage, t)))
    if story.first_report is not None:
        lines.append(
            t(
                N_("First reported in: {report}, {date}"),
                report=story.first_report.title_in(t.locale),
                date=t.date(record.first_reported_at),
            )
        )
    lines.append("")
    lines.append(t(N_("History:")))
    lines += [f"{t.date(e.at)} · {event_text(e, story, t)}" for e in story.events]
    return "\n".join(lines)


def event_text(event: ExemplarEvent, story: Story, t: Translator) -> str:
    text = _WHAT[event.kind](event, story, t)
    who = story.actors.get(event.actor)
    text = f"{text} ({who})" if who else text
    return f"{text}: {event.note}" if event.note else text


def _reported(event: ExemplarEvent, story: Story, t: Translator) -> str:
    deadline = story.deadlines.get(event.details.get("deadline"))
    report = deadline.title_in(t.locale) if deadline else event.details.get("form", "")
    return t(N_("reported in {report} as “{name}”"), report=report, name=event.details["name"])


def _stage(event: ExemplarEvent, _story: Story, t: Translator) -> str:
    after = stage_name(event.details["after"], t)
    decision = event.details.get("decision")
    if decision:
        return t(N_("{stage}: award decision {decision}"), stage=after, decision=decision)
    return t(
        N_("stage {before} → {after}"), before=stage_name(event.details["before"], t), after=after
    )


_WHAT = {
    intake.REPORTED: _reported,
    changes.STAGE: _stage,
    changes.RENAMED: lambda e, _s, t: t(
        N_("renamed “{before}” → “{after}”"), before=e.details["before"], after=e.details["after"]
    ),
    changes.MERGED: lambda e, _s, t: t(N_("merged with “{name}”"), name=e.details["name"]),
    changes.RETIRED: lambda _e, _s, t: t(N_("no longer an exemplar")),
    changes.NOTE: lambda _e, _s, t: t(N_("note")),
    changes.SELECTED: lambda e, _s, t: t(
        N_("chosen for pilot steering in model {model}, school year {year}"),
        model=e.details["model"],
        year=e.details["year"],
    ),
}


def question_text(record: Exemplar, candidate: Exemplar, t: Translator) -> str:
    return t(
        N_(
            "Is “{name}” the same exemplar as “{earlier}”, first reported on {date}? If it is, "
            "its history is joined to the earlier one."
        ),
        name=record.name,
        earlier=candidate.name,
        date=t.date(candidate.first_reported_at),
    )


def checked_notice(
    record: Exemplar,
    before: ExemplarStage | None,
    note: str | None,
    t: Translator,
    by: SteeringDepartment | None = None,
) -> str:
    """What the unit is told of a check: the stage it moved from, the note; ``by`` a steering
    department's note (the office's check otherwise)."""
    if by is not None:
        who = t(
            N_("{department} added a note on your exemplar “{name}”."),
            department=by.name_in(t.locale),
            name=record.name,
        )
    else:
        who = t(N_("The Department office checked your exemplar “{name}”."), name=record.name)
    lines = [who]
    if before is not None and before != record.stage:
        lines.append(
            t(
                N_("Stage: {before} → {after}"),
                before=stage_name(before, t),
                after=stage_name(record.stage, t),
            )
        )
    if note:
        lines.append(t(N_("Note: {note}"), note=note))
    return "\n".join(lines)


def selected_notice(record: Exemplar, model: PilotModel, year: str, t: Translator) -> str:
    name = model.name_en if t.locale == "en" else model.name
    return t(
        N_(
            "The Department office has chosen your exemplar “{name}” for pilot steering in "
            "model {number}. {model}, school year {year}: it will be fostered and followed "
            "with the model, and reported on in the model's reports."
        ),
        name=record.name,
        number=model.number,
        model=name,
        year=year,
    )
