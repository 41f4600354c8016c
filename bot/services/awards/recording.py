"""The office's short form for one award, opened from a unit's card: open it (or the one put
aside for that unit), go on with it, check what the form alone cannot, record it.

The form is an office draft of kind :data:`AWARD_KIND`, so a restart in the middle loses
nothing; recording consumes the draft, so a second press records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db import audit
from bot.db.models import OfficeDraft, Person, Unit
from bot.forms.flow import Flow
from bot.forms.office import AWARD
from bot.i18n import N_, Translator
from bot.services.awards.register import (
    AwardEntry,
    award_type_of,
    class_problem,
    decision_date_problem,
    kind_allows,
    outside_period_note,
    record_award,
)
from bot.services.reporting import drafts, office_drafts
from bot.services.reporting.drafts import FormSession
from bot.services.setup import units
from bot.services.setup.plan_store import active_plan

AWARD_KIND = "award"  # the office draft kind


@dataclass
class AwardForm:
    """The form in progress and the unit it records an award for."""

    opened: FormSession
    unit: Unit

    def entry(self) -> AwardEntry:
        answers = self.opened.flow.answers
        return AwardEntry(
            award_code=answers["award"],
            # A collective award goes to the unit itself.
            recipient_name=answers.get("recipient") or self.unit.name,
            collective=answers["kind"] == "collective",
            unit_id=self.unit.id,
            decision_number=answers["decision_number"],
            decision_date=date.fromisoformat(answers["decision_date"]),
            award_class=int(answers["award_class"]) if answers.get("award_class") else None,
        )


async def open_form(
    session: AsyncSession, clock: Clock, t: Translator, person: Person, unit_id: int
) -> AwardForm | None:
    """The award form for a unit: the one put aside for it, else a new one; None when the
    unit does not exist or no plan is loaded."""
    unit, plan = await units.unit(session, unit_id), await active_plan(session)
    if unit is None or plan is None:
        return None
    env = await drafts.office_env(session, t, plan)
    draft = await office_drafts.current(session, person.id)
    if draft is not None and draft.kind == AWARD_KIND and draft.subject_id == unit.id:
        opened = drafts.resume(draft, AWARD, env)
    else:
        draft = await office_drafts.start(
            session,
            person,
            kind=AWARD_KIND,
            subject_id=unit.id,
            form_version=AWARD.version,
            now=clock.now(),
        )
        opened = FormSession(draft, Flow.begin(AWARD, draft.id, env))
    await drafts.save(session, opened, clock)
    return AwardForm(opened, unit)


async def pressed_form(
    session: AsyncSession, t: Translator, draft_id: int, person: Person
) -> AwardForm | None:
    """The form a button names, made the one in progress; only its own author's."""
    draft = await office_drafts.own(session, draft_id, person.id, AWARD_KIND)
    if draft is None:
        return None
    draft.active = True
    return await resume_form(session, t, draft)


async def resume_form(session: AsyncSession, t: Translator, draft: OfficeDraft) -> AwardForm:
    env = await drafts.office_env(session, t, await active_plan(session))
    return AwardForm(drafts.resume(draft, AWARD, env), await units.unit(session, draft.subject_id))


async def problem(
    session: AsyncSession, clock: Clock, t: Translator, entry: AwardEntry
) -> str | None:
    """What the form alone cannot check (the award type's recipients and classes, a date in
    the future), as the person is told it; None when the entry can be recorded."""
    award_type = await award_type_of(session, entry.award_code)
    if not kind_allows(award_type.kind, entry.collective):
        only = N_("{award} is given to individuals only")
        if not entry.collective:
            only = N_("{award} is given to collectives only")
        found = t(only, award=award_type.name_en if t.locale == "en" else award_type.name)
    else:
        today = clock.now().astimezone(t.zone).date()
        found = class_problem(award_type, entry.award_class, t) or decision_date_problem(
            entry.decision_date, today=today, _=t
        )
    if found is None:
        return None
    return t(N_("Not recorded: {problem}. Please change that answer."), problem=found)


@dataclass(frozen=True)
class Recorded:
    created: bool  # False: the award was recorded already
    outside_period: str | None  # why it does not count toward the targets, if it does not


async def record(
    session: AsyncSession,
    clock: Clock,
    t: Translator,
    form: AwardForm,
    entry: AwardEntry,
    person: Person,
) -> Recorded:
    """Record the form's award and drop the form."""
    await office_drafts.discard(session, form.opened.draft)
    _award, created = await record_award(session, clock, entry, actor=audit.person_actor(person.id))
    note = outside_period_note(await active_plan(session), entry.decision_date, t)
    return Recorded(created, note)
