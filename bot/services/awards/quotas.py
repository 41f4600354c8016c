"""How far the sector is from each of the plan's targets.

*Verified* counts are awards the office recorded from decisions; *reported* counts are what
units wrote in their annual reports (submitted or accepted, latest version), shown apart: the
council sees both, and only verified awards count toward a target.

A recorded award counts only when its decision falls in the plan's period and it went to the
recipients the target names (the Huân chương Độc lập target counts collectives). The others
stay in the register and are counted apart, so nobody wonders where they went. An award to the
Sở itself counts toward the sector's total and in no block: the blocks are the units under it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Award,
    AwardType,
    Deadline,
    Plan,
    Submission,
    SubmissionVersion,
    Target,
    Unit,
)
from bot.db.repositories import PlanRepository
from bot.db.repositories.plan import DONE_STATUSES

ANNUAL_REPORT = "annual_report"


def _percent(verified: int, target: int | None) -> int | None:
    """The whole percent of a target reached; None when there is no number to reach."""
    return None if not target else round(100 * verified / target)


def _left(verified: int, target: int | None) -> int | None:
    return None if target is None else max(target - verified, 0)


class _Measured:
    """How far ``verified`` is from ``target``, for a whole target or a block's share of it."""

    verified: int
    target: int | None

    @property
    def percent(self) -> int | None:
        return _percent(self.verified, self.target)

    @property
    def left(self) -> int | None:
        return _left(self.verified, self.target)


@dataclass(frozen=True)
class BlockShare(_Measured):
    block: str
    target: int
    verified: int


@dataclass(frozen=True)
class QuotaLine(_Measured):
    award_code: str
    name: str
    name_en: str
    target: int | None  # None: "strive to have", no number
    verified: int
    reported: int
    blocks: list[BlockShare] = field(default_factory=list)
    root: int = 0  # verified awards to the Sở itself: in the total, in no block
    outside_period: int = 0  # recorded, decided outside the plan's period: not counted
    other_recipients: int = 0  # recorded, to recipients the target does not count


async def progress(session: AsyncSession) -> list[QuotaLine]:
    plan = await PlanRepository(session).active()
    if plan is None:
        return []
    rows = await session.execute(
        select(Target, AwardType)
        .join(AwardType, AwardType.id == Target.award_type_id)
        .where(Target.plan_id == plan.id)
        .order_by(Target.id)
    )
    recorded = await _recorded(session, plan)
    reported = await _reported(session, plan.id)
    return [_line(target, award, recorded, reported) for target, award in rows]


@dataclass(frozen=True)
class _Kind:
    """Recorded awards alike for counting: type, recipient's block, collective, in period."""

    award_code: str
    block: str | None
    collective: bool
    in_period: bool


def _line(target: Target, award: AwardType, recorded: Counter, reported: Counter) -> QuotaLine:
    mine = {kind: n for kind, n in recorded.items() if kind.award_code == award.code}
    counted = {
        kind: n for kind, n in mine.items() if kind.in_period and _counts(target, kind.collective)
    }
    by_block = Counter()
    for kind, n in counted.items():
        by_block[kind.block] += n
    return QuotaLine(
        award_code=award.code,
        name=award.name,
        name_en=award.name_en,
        target=None if target.strive else target.target,
        verified=sum(by_block.values()),
        reported=reported[award.code],
        blocks=[BlockShare(block, share, by_block[block]) for block, share in target.split.items()],
        root=by_block[None],
        outside_period=sum(n for kind, n in mine.items() if not kind.in_period),
        other_recipients=sum(
            n for kind, n in mine.items() if kind.in_period and not _counts(target, kind.collective)
        ),
    )


def _counts(target: Target, collective: bool) -> bool:
    return target.recipients in ("any", "collective" if collective else "individual")


async def _recorded(session: AsyncSession, plan: Plan) -> Counter:
    """Recorded awards counted by what decides whether and where they count."""
    in_period = Award.decision_date.between(plan.period_start, plan.period_end)
    rows = await session.execute(
        select(AwardType.code, Unit.block, Award.collective, in_period, func.count())
        .join(Award, Award.award_type_id == AwardType.id)
        .join(Unit, Unit.id == Award.unit_id)
        .where(AwardType.plan_id == plan.id)
        .group_by(AwardType.code, Unit.block, Award.collective, in_period)
    )
    return Counter(
        {
            _Kind(code, block, collective, bool(inside)): n
            for code, block, collective, inside, n in rows
        }
    )


async def _reported(session: AsyncSession, plan_id: int) -> Counter:
    """Awards units reported in their annual reports (the version that stands)."""
    answers = await session.scalars(
        select(SubmissionVersion.answers)
        .join(Submission, Submission.id == SubmissionVersion.submission_id)
        .join(Deadline, Deadline.id == Submission.deadline_id)
        .where(
            Deadline.plan_id == plan_id,
            Deadline.form_code == ANNUAL_REPORT,
            Submission.status.in_(DONE_STATUSES),
            SubmissionVersion.number == Submission.version,
        )
    )
    totals: Counter = Counter()
    for answer in answers:
        for row in answer.get("awards", []):
            totals[row["award"]] += row["count"]
    return totals
