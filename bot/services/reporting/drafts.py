"""Form sessions: open or resume a person's draft for a deadline, and keep its state.

The draft is the only state: every answer is written before the reply goes out, so a restart,
a deploy or a second replica picks up at the same step.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.clock import Clock
from bot.db import audit
from bot.db.models import (
    AwardType,
    Deadline,
    FormDraft,
    ModelAssignment,
    OfficeDraft,
    Person,
    PilotModel,
    Plan,
    Unit,
)
from bot.db.repositories import FormRepository
from bot.db.repositories.forms import DraftRow
from bot.db.repositories.plan import in_selection
from bot.forms.catalog import ANY_AWARD, AWARD_SOURCES, UNIT_MODELS, form_for
from bot.forms.definition import FormDefinition
from bot.forms.fields import Choice
from bot.forms.flow import Flow
from bot.forms.steps import REVIEW
from bot.i18n import N_, Translator
from bot.services.reporting.consolidation import consolidated_answers
from bot.services.reporting.submissions import SubmitRefused, editable


@dataclass
class FormEnv:
    """What fields need around them: translations, plan-backed choices, the deadline."""

    t: Translator
    awards: dict[str, str]
    models: list[Choice]
    due_at: datetime | None  # None outside a deadline's form (the office's award form)
    # Each list built once: the export shows hundreds of thousands of answers with one env.
    _choices: dict[str, list[Choice]] = field(default_factory=dict, repr=False)

    @property
    def due(self) -> str:
        # Formatted when a prompt shows it (the confirmation), not on every step.
        return self.t.cutoff(self.due_at) if self.due_at else ""

    def choices_from(self, source: str) -> list[Choice]:
        if source not in self._choices:
            self._choices[source] = self._build_choices(source)
        return self._choices[source]

    def _build_choices(self, source: str) -> list[Choice]:
        if source == UNIT_MODELS:
            return self.models
        if source == ANY_AWARD:
            return [Choice(code, label) for code, label in self.awards.items()]
        return [
            Choice(code, self.awards[code]) for code in AWARD_SOURCES[source] if code in self.awards
        ]


@dataclass
class FormSession:
    draft: DraftRow | FormDraft | OfficeDraft
    flow: Flow
    note: str = ""


# Per plan load (reloading the plan changes the key): award labels per language, and a unit's
# pilot models in a school year per language, also per change of the office's selections.
# Read on every form step, and they change only with the plan or a selection.
_award_labels_kept: dict[tuple, dict[str, str]] = {}
_unit_models_kept: dict[tuple, list[Choice]] = {}
PLAN_CHOICES_KEPT = 4096


async def form_env(
    session: AsyncSession, t: Translator, unit_id: int, deadline: Deadline
) -> FormEnv:
    plan = await session.get(Plan, deadline.plan_id)
    plan_key = _PlanKey(plan.id, plan.loaded_at, plan.selections_changed_at)
    return await _unit_env(session, t, unit_id, plan_key, deadline.school_year, deadline.due_at)


async def draft_env(session: AsyncSession, t: Translator, draft: DraftRow) -> FormEnv:
    """The environment of a step of a draft read as a row: its plan is in the row."""
    plan_key = _PlanKey(draft.plan_id, draft.plan_loaded_at, draft.plan_selections_changed_at)
    return await _unit_env(session, t, draft.unit_id, plan_key, draft.school_year, draft.due_at)


@dataclass(frozen=True)
class _PlanKey:
    plan_id: int
    loaded_at: datetime
    selections_changed_at: datetime | None


async def _unit_env(
    session: AsyncSession,
    t: Translator,
    unit_id: int,
    plan: _PlanKey,
    school_year: str,
    due_at: datetime,
) -> FormEnv:
    english = t.locale == "en"
    awards_key = (plan.plan_id, plan.loaded_at, english)
    models_key = (plan, unit_id, school_year, english)
    if awards_key not in _award_labels_kept:
        _award_labels_kept[awards_key] = await _award_labels(session, plan.plan_id, english)
    if models_key not in _unit_models_kept:
        if len(_unit_models_kept) >= PLAN_CHOICES_KEPT:
            _unit_models_kept.clear()
        _unit_models_kept[models_key] = await _unit_models(
            session, plan.plan_id, unit_id, school_year, english
        )
    awards, models = _award_labels_kept[awards_key], _unit_models_kept[models_key]
    return FormEnv(t=t, awards=awards, models=models, due_at=due_at)


async def office_env(session: AsyncSession, t: Translator, plan: Plan) -> FormEnv:
    """For the office's own forms: every award type of the plan; no unit, no deadline."""
    awards = await _award_labels(session, plan.id, t.locale == "en")
    return FormEnv(t=t, awards=awards, models=[], due_at=None)


async def _award_labels(session: AsyncSession, plan_id: int, english: bool) -> dict[str, str]:
    award_types = await session.scalars(
        select(AwardType).where(AwardType.plan_id == plan_id).order_by(AwardType.id)
    )
    return {row.code: row.name_en if english else row.name for row in award_types}


_UNIT_MODELS = (
    select(PilotModel.number, PilotModel.name, PilotModel.name_en)
    .join(ModelAssignment, ModelAssignment.model_id == PilotModel.id)
    .where(
        ModelAssignment.unit_id == bindparam("unit_id"),
        PilotModel.plan_id == bindparam("plan_id"),
        in_selection(bindparam("school_year")),
    )
    .order_by(PilotModel.number)
)


async def _unit_models(
    session: AsyncSession, plan_id: int, unit_id: int, school_year: str, english: bool
) -> list[Choice]:
    parameters = {"unit_id": unit_id, "plan_id": plan_id, "school_year": school_year}
    models = await session.execute(_UNIT_MODELS, parameters)
    return [Choice(str(number), name_en if english else name) for number, name, name_en in models]


async def open_form(
    session: AsyncSession,
    clock: Clock,
    person: Person,
    unit: Unit,
    deadline: Deadline,
    t: Translator,
) -> FormSession:
    """The person's draft for this deadline: resumed, or started (from the last version when
    the unit already submitted). Raises SubmitRefused(CLOSED) when it can no longer change."""
    repo = FormRepository(session)
    form = form_for(deadline.form_code)
    env = await form_env(session, t, unit.id, deadline)
    await repo.pause_all(person.id)
    draft = await repo.own_draft(person, unit, deadline)
    if draft is not None:
        opened = resume(draft, form, env)
    else:
        opened = await _start(session, clock, person, unit, deadline, form, env)
    await save(session, opened, clock)
    await audit.record(
        session,
        at=clock.now(),
        actor=audit.person_actor(person.id),
        action="form.open",
        subject=f"draft:{opened.draft.id}",
        deadline=deadline.code,
        resumed=draft is not None,
        base_version=opened.draft.base_version,
    )
    return opened


async def draft_row(session: AsyncSession, draft_id: int) -> DraftRow | None:
    """A unit's draft, as a form step reads it (see DraftRow)."""
    return await FormRepository(session).draft(draft_id)


async def active_draft(session: AsyncSession, person_id: int) -> DraftRow | None:
    """The form the person is filling in now, if any: what a typed answer answers."""
    return await FormRepository(session).active_draft(person_id)


async def pause_all(session: AsyncSession, person_id: int) -> int:
    """Put the person's forms in progress aside (/cancel, or another form opened)."""
    return await FormRepository(session).pause_all(person_id)


async def discard_own(
    session: AsyncSession, person: Person, unit: Unit, deadline: Deadline
) -> None:
    """Drop the person's draft for the deadline (to start again from the latest version)."""
    draft = await FormRepository(session).own_draft(person, unit, deadline)
    if draft is not None:
        await session.delete(draft)
        await session.flush()


async def resume_row(session: AsyncSession, t: Translator, draft: DraftRow) -> FormSession:
    """The form session of a unit's draft read as a row, for its next step."""
    return resume(draft, form_for(draft.form_code), await draft_env(session, t, draft))


def resume(draft: FormDraft | OfficeDraft, form: FormDefinition, env: FormEnv) -> FormSession:
    flow = Flow(form, draft.id, copy.deepcopy(draft.answers), copy.deepcopy(draft.cursor), env)
    note = flow.carry_forward(draft.form_version) if draft.form_version != form.version else ""
    return FormSession(draft, flow, note)


async def _start(
    session: AsyncSession,
    clock: Clock,
    person: Person,
    unit: Unit,
    deadline: Deadline,
    form: FormDefinition,
    env: FormEnv,
) -> FormSession:
    repo = FormRepository(session)
    submitted = await repo.submission(unit.id, deadline.id)
    if submitted is not None and not await editable(session, submitted, deadline, clock.now()):
        raise SubmitRefused(SubmitRefused.CLOSED, submitted, deadline)
    draft = FormDraft(
        unit_id=unit.id,
        deadline_id=deadline.id,
        person_id=person.id,
        form_code=form.code,
        form_version=form.version,
        answers={},
        cursor={},
        base_version=submitted.version if submitted else None,
        updated_at=clock.now(),
    )
    session.add(draft)
    await session.flush()
    if submitted is None:
        return await _first_draft(session, draft, deadline, form, env)
    # Editing a submission starts from its latest version, on the review screen.
    latest = await repo.latest_version(submitted)
    flow = Flow(form, draft.id, copy.deepcopy(latest.answers), {"n": 0, "at": REVIEW}, env)
    if latest.form_version != form.version:
        return FormSession(draft, flow, flow.carry_forward(latest.form_version))
    return FormSession(draft, flow)


async def _first_draft(
    session: AsyncSession,
    draft: FormDraft,
    deadline: Deadline,
    form: FormDefinition,
    env: FormEnv,
) -> FormSession:
    """A form from its first question; a consolidating form on its review screen, pre-filled."""
    prefilled = await consolidated_answers(session, env.t, deadline)
    if prefilled is None:
        return FormSession(draft, Flow.begin(form, draft.id, env))
    flow = Flow(form, draft.id, prefilled, {"n": 0, "at": REVIEW}, env)
    note = env.t(N_("Pre-filled from the units' reviews: check, complete and submit."))
    return FormSession(draft, flow, note)


async def save(
    session: AsyncSession, opened: FormSession, clock: Clock, *, active: bool = True
) -> None:
    """Write the flow's state to the draft, and whether it is the form in progress.

    One prebuilt UPDATE, as it runs on every step: an ORM flush of the same change, or even a
    statement built anew, costs several times more. The draft is then told its new values
    (an ORM object as its committed state), so it stays in step with its row.
    """
    draft = opened.draft
    values = {
        "answers": opened.flow.answers,
        "cursor": opened.flow.cursor,
        "form_version": opened.flow.form.version,
        "updated_at": clock.now(),
        "active": active,
    }
    table = OfficeDraft.__table__ if isinstance(draft, OfficeDraft) else FormDraft.__table__
    await session.execute(_SAVE[table.name], {"draft_id": draft.id, **values})
    remember = setattr if isinstance(draft, DraftRow) else set_committed_value
    for name, value in values.items():
        remember(draft, name, value)


# The SET clause comes from the parameters' names (see save).
_SAVE = {
    table.name: update(table).where(table.c.id == bindparam("draft_id"))
    for table in (FormDraft.__table__, OfficeDraft.__table__)
}
