"""How far the sector is from each of the plan's targets.

*Verified* counts are awards the office recorded from decisions; *reported* counts are what
units wrote in their annual reports (submitted or accepted, latest version), shown apart: the
council sees both, and only verified awards count toward a target.
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
    verified = await _verified_by_block(session, plan.id)
    reported = await _reported(session, plan.id)
    return [_line(target, award, verified, reported) for target, award in rows]


def _line(target: Target, award: AwardType, verified: Counter, reported: Counter) -> QuotaLine:
    by_block = {block: count for (code, block), count in verified.items() if code == award.code}
    blocks = [
        BlockShare(block, share, by_block.get(block, 0)) for block, share in target.split.items()
    ]
    return QuotaLine(
        award_code=award.code,
        name=award.name,
        name_en=award.name_en,
        target=None if target.strive else target.target,
        verified=sum(by_block.values()),
        reported=reported[award.code],
        blocks=blocks,
    )


async def _verified_by_block(session: AsyncSession, plan_id: int) -> Counter:
    """Recorded awards per (award type, block of the recipient's unit)."""
    rows = await session.execute(
        select(AwardType.code, Unit.block, func.count())
        .join(Award, Award.award_type_id == AwardType.id)
        .join(Unit, Unit.id == Award.unit_id)
        .where(AwardType.plan_id == plan_id)
        .group_by(AwardType.code, Unit.block)
    )
    return Counter({(code, block): count for code, block, count in rows})


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
