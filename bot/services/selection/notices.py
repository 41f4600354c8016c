"""What the office reads after a change of selection, and what the units concerned are told."""

from __future__ import annotations

from bot.db.models import PilotModel
from bot.events import Reply
from bot.i18n import N_, Translator
from bot.services.selection.effects import Change, Effect


def model_label(model: PilotModel, t: Translator) -> str:
    name = model.name_en if t.locale == "en" else model.name
    return t(N_("model {number}. {name}"), number=model.number, name=name)


def model_heading(model: PilotModel, t: Translator) -> str:
    """The label at the start of a sentence."""
    label = model_label(model, t)
    return label[:1].upper() + label[1:]


def deadline_lines(effect: Effect, t: Translator) -> list[str]:
    return [
        t(
            N_("• {title}: last day {due}"),
            title=deadline.title_in(t.locale),
            due=t.cutoff(deadline.due_at),
        )
        for deadline in effect.deadlines
    ]


def effect_line(effect: Effect, t: Translator) -> str:
    """One line per unit for the office: what it owes now, or what of it is kept."""
    unit = effect.unit.name
    if effect.selected:
        if not effect.deadlines:
            return t(N_("➕ {unit}: selected; no report of this model is due this year"), unit=unit)
        titles = "; ".join(
            t(N_("{title} (last day {due})"), title=d.title_in(t.locale), due=t.cutoff(d.due_at))
            for d in effect.deadlines
        )
        return t(N_("➕ {unit}: now owes {reports}"), unit=unit, reports=titles)
    if not effect.kept:
        return t(N_("➖ {unit}: no longer owes this model's reports; it had sent none"), unit=unit)
    sent = "; ".join(
        t(N_("{reference} of {day}"), reference=s.reference, day=t.date(s.first_submitted_at))
        for s in effect.kept
    )
    return t(
        N_("➖ {unit}: no longer owes this model's reports; what it sent is kept ({sent})"),
        unit=unit,
        sent=sent,
    )


def change_summary(change: Change, t: Translator) -> str:
    head = t(
        N_("Pilot units of {model}, school year {year}:"),
        model=model_label(change.model, t),
        year=change.school_year,
    )
    if not change.effects:
        return "\n".join([head, t(N_("Nothing changed."))])
    return "\n".join([head, *(effect_line(effect, t) for effect in change.effects)])


def selection_notice(model: PilotModel, school_year: str, effect: Effect, t: Translator) -> Reply:
    """What the unit's people read: selected, with what the office expects, or taken out."""
    values = {"unit": effect.unit.name, "model": model_label(model, t), "year": school_year}
    if not effect.selected:
        text = t(
            N_(
                "{unit} is no longer a pilot unit of {model} in school year {year}. "
                "It no longer owes that model's reports this year; what it sent is kept."
            ),
            **values,
        )
        return Reply(text)
    steering = model.steering_en if t.locale == "en" else model.steering
    text = t(
        N_(
            "🎯 The Department office selected {unit} as a pilot unit (chỉ đạo điểm) of "
            "{model} in school year {year}, steered by {steering}.\n"
            "The office expects the unit to build the model in its work this year, to gather "
            "its exemplars and to report on it:"
        ),
        steering=steering,
        **values,
    )
    lines = deadline_lines(effect, t) or [t(N_("• no report of the model is due this year"))]
    return Reply("\n".join([text, *lines]))
