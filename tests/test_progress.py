"""/progress: the plan's targets against verified awards, with reported counts apart."""

from __future__ import annotations

import struct
from datetime import date

from sqlalchemy import select

from bot.db.models import (
    Award,
    AwardType,
    Deadline,
    Role,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    Unit,
)
from bot.db.repositories import PeopleRepository
from bot.services.awards.charts import chart_size
from bot.services.awards.quotas import progress
from tests.helpers import Person, issue_code

# Hand-computed: 3 provincial flags to district-managed units, 1 to a Sở-direct school.
FLAGS = {"PGD-VIET-TRI": 1, "PGD-LAM-THAO": 1, "TTHTCD-MINH-TIEN": 1, "THPT-VIET-TRI": 1}


async def record_awards(app, clock) -> None:
    async with app.db.unit_of_work() as session:
        types = {t.code: t.id for t in await session.scalars(select(AwardType))}
        units = {u.code: u.id for u in await session.scalars(select(Unit))}
        for number, code in enumerate(FLAGS):
            session.add(
                Award(
                    award_type_id=types["co_thi_dua_ubnd_tinh"],
                    unit_id=units[code],
                    recipient_name=code,
                    collective=True,
                    decision_number=f"{100 + number}/QĐ-UBND",
                    decision_date=date(2017, 5, 1),
                    recorded_at=clock.now(),
                )
            )
        session.add(
            Award(
                award_type_id=types["bang_khen_ubnd_tinh"],
                unit_id=units["THPT-VIET-TRI"],
                recipient_name="Nguyễn Thị Lan",
                collective=False,
                decision_number="200/QĐ-UBND",
                decision_date=date(2017, 5, 2),
                recorded_at=clock.now(),
            )
        )


async def report_awards(app, clock, unit_code, status, versions: list[list[dict]]) -> None:
    """An annual report whose successive versions report these awards."""
    async with app.db.unit_of_work() as session:
        author = await PeopleRepository(session).add_person(
            full_name="Hiệu trưởng",
            locale="vi",
            channel="telegram",
            user_id=unit_code,
            chat_id=unit_code,
            now=clock.now(),
        )
        unit = await session.scalar(select(Unit).where(Unit.code == unit_code))
        deadline = await session.scalar(
            select(Deadline).where(Deadline.code == "annual-report-2017")
        )
        submission = Submission(
            reference=f"R-{unit.id}",
            unit_id=unit.id,
            deadline_id=deadline.id,
            status=status,
            version=len(versions),
            first_submitted_at=clock.now(),
            updated_at=clock.now(),
        )
        session.add(submission)
        await session.flush()
        for number, awards in enumerate(versions, 1):
            session.add(
                SubmissionVersion(
                    submission_id=submission.id,
                    number=number,
                    form_version=1,
                    answers={"awards": awards},
                    changed_fields={},
                    author_person_id=author.person_id,
                    created_at=clock.now(),
                )
            )


async def test_progress_counts_verified_awards_by_block_and_reported_apart(app, clock):
    await record_awards(app, clock)
    flag = {"award": "co_thi_dua_ubnd_tinh", "count": 5}
    await report_awards(
        app, clock, "THPT-HA-HOA", SubmissionStatus.SUBMITTED, [[{**flag, "count": 9}], [flag]]
    )  # only the latest version counts
    await report_awards(app, clock, "THPT-PHONG-CHAU", SubmissionStatus.RETURNED, [[flag]])

    async with app.db.unit_of_work() as session:
        lines = {line.award_code: line for line in await progress(session)}

    flags = lines["co_thi_dua_ubnd_tinh"]
    assert (flags.target, flags.verified, flags.reported, flags.left) == (72, 4, 5, 68)
    assert {(b.block, b.target, b.verified) for b in flags.blocks} == {
        ("district", 60, 3),
        ("so_direct", 12, 1),
    }
    assert (lines["bang_khen_ubnd_tinh"].verified, lines["bang_khen_ubnd_tinh"].percent) == (1, 1)
    assert lines["nha_giao_nhan_dan"].target is None and lines["nha_giao_nhan_dan"].percent is None


async def test_the_office_gets_a_phone_sized_table_and_a_chart(app, clock):
    await record_awards(app, clock)
    clerk = Person.new(app)
    await clerk.says(f"/start {await issue_code(app.db, clock, Role.OFFICE)}")

    await clerk.taps("Tiến độ chỉ tiêu")

    chart, table = clerk.last.replies
    assert "3. Cờ thi đua UBND tỉnh: 4/72 (6%) · còn 68" in table.text
    assert "khối huyện, thành, thị: 3/60" in table.text
    assert "khối trực thuộc Sở: 1/12" in table.text
    assert "4. Nhà giáo Nhân dân: 0 (phấn đấu có)" in table.text
    rows = [line for line in table.text.splitlines() if line[:1].isdigit() or line.startswith(" ")]
    assert max(len(row) for row in rows) <= 60  # a table row fits one phone screen
    assert chart.photo[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", chart.photo[16:24])  # the IHDR chunk
    async with app.db.unit_of_work() as session:
        assert (width, height) == chart_size(await progress(session))


async def test_council_reads_progress_and_a_unit_head_is_refused(app, clock):
    council = Person.new(app)
    await council.says(f"/start {await issue_code(app.db, clock, Role.COUNCIL)}")
    head = Person.new(app)
    await head.says(f"/start {await issue_code(app.db, clock, Role.HEAD, 'THPT-VIET-TRI')}")

    await council.says("/progress")
    await head.says("/progress")
    await head.presses("progress")

    assert "Chỉ tiêu 2016–2020" in council.text
    assert "không dành cho bạn" in head.text or "không còn hiệu lực" in head.text
    assert all(reply.photo is None for reply in head.last.replies)
