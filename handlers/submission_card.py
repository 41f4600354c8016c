"""A submission as the office and a district office read it: its deadline and unit, reference,
version and times, then its answers."""

from __future__ import annotations

from bot.context import Context
from bot.db.models import SubmissionVersion
from bot.forms.catalog import form_for
from bot.forms.prompts import answer_lines
from bot.services.reporting.drafts import form_env
from bot.services.reporting.review import QueueItem
from bot.services.reporting.submissions import STATUS_NAMES


async def card_lines(chosen: QueueItem, version: SubmissionVersion, ctx: Context) -> list[str]:
    _ = ctx.t
    submission, deadline = chosen.submission, chosen.deadline
    env = await form_env(ctx.session, _, chosen.unit.id, deadline)
    lines = [
        f"{deadline.title_in(_.locale)} — {chosen.unit.name}",
        _(
            "{reference} · version {version} · {status}",
            reference=submission.reference,
            version=submission.version,
            status=_(STATUS_NAMES[submission.status]),
        ),
        _(
            "First submitted {first} · last saved {saved}",
            first=_.datetime(submission.first_submitted_at),
            saved=_.datetime(submission.updated_at),
        ),
    ]
    if submission.late:
        lines.append(_("⚠️ Submitted after the deadline ({due}).", due=_.cutoff(deadline.due_at)))
    if submission.review_note:
        lines.append(_("Returned with the reason: {reason}", reason=submission.review_note))
    return [*lines, "", *answer_lines(form_for(deadline.form_code), version.answers, env)]
