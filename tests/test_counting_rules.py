"""What the plan counts toward its 2016–2020 targets: decisions inside the plan's period, the
recipients a target names, and the Sở's own awards said where they count."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.db.models import Award, AwardType, Role, Unit
from bot.plan import load_plan
from bot.services.awards.quotas import QuotaLine, progress
from bot.services.setup.plan_store import store_plan
from tests.helpers import Person, issue_code

FLAG, INDEPENDENCE = "co_thi_dua_ubnd_tinh", "huan_chuong_doc_lap"


async def add_award(app, clock, unit_code: str, award: str, decided: date, **extra) -> None:
    async with app.db.unit_of_work() as session:
        type_id = await session.scalar(select(AwardType.id).where(AwardType.code == award))
        unit = await session.scalar(select(Unit).where(Unit.code == unit_code))
        session.add(
            Award(
                award_type_id=type_id,
                unit_id=unit.id,
                recipient_name=extra.pop("recipient", unit.name),
                collective=extra.pop("collective", True),
                decision_number=f"{unit_code}-{decided:%Y%m%d}/QĐ-UBND",
                decision_date=decided,
                recorded_at=clock.now(),
                **extra,
            )
        )


async def line_of(app, award: str) -> QuotaLine:
    async with app.db.unit_of_work() as session:
        return next(line for line in await progress(session) if line.award_code == award)


async def council_progress(app, clock) -> str:
    council = Person.new(app)
    await council.says(f"/start {await issue_code(app.db, clock, Role.COUNCIL)}")
    await council.says("/progress")
    return council.text


async def test_awards_decided_outside_the_plan_period_are_kept_and_shown_apart(app, clock):
    await add_award(app, clock, "PGD-VIET-TRI", FLAG, date(2017, 5, 1))
    await add_award(app, clock, "PGD-LAM-THAO", FLAG, date(2015, 12, 31))  # before 2016
    await add_award(app, clock, "THPT-VIET-TRI", FLAG, date(2021, 1, 4))  # after 2020

    flags = await line_of(app, FLAG)
    assert (flags.verified, flags.outside_period) == (1, 2)
    assert [(share.block, share.verified) for share in flags.blocks] == [
        ("district", 1),
        ("so_direct", 0),
    ]
    assert "không tính, quyết định ngoài giai đoạn của kế hoạch: 2" in await council_progress(
        app, clock
    )


async def test_the_period_is_the_plans_data(app, clock):
    await add_award(app, clock, "PGD-VIET-TRI", FLAG, date(2020, 3, 1))
    assert (await line_of(app, FLAG)).verified == 1

    shorter = load_plan().model_copy(update={"period_end": date(2019, 12, 31)})
    async with app.db.unit_of_work() as session:
        await store_plan(session, shorter, clock)

    flags = await line_of(app, FLAG)
    assert (flags.verified, flags.outside_period) == (0, 1)


async def test_an_award_to_the_so_itself_counts_in_the_total_and_in_no_block(app, clock):
    await add_award(app, clock, "SO", FLAG, date(2018, 1, 10))
    await add_award(app, clock, "THPT-VIET-TRI", FLAG, date(2018, 1, 10))

    flags = await line_of(app, FLAG)
    assert (flags.verified, flags.root) == (2, 1)
    assert {share.block: share.verified for share in flags.blocks} == {
        "district": 0,
        "so_direct": 1,
    }
    assert "chính Sở (không thuộc khối nào): 1" in await council_progress(app, clock)


async def test_the_independence_order_target_counts_collectives_only(app, clock):
    await add_award(app, clock, "THPT-VIET-TRI", INDEPENDENCE, date(2019, 9, 2), award_class=3)
    await add_award(
        app,
        clock,
        "THPT-VIET-TRI",
        INDEPENDENCE,
        date(2019, 9, 3),
        recipient="Nguyễn Văn An",
        collective=False,
        award_class=2,
    )

    order = await line_of(app, INDEPENDENCE)
    assert (order.verified, order.other_recipients) == (1, 1)
