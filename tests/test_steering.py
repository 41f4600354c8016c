"""Steering departments: bound by invite, they see /models and /status for the pilot models they
steer and those models' units, and nothing else."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.db.models import (
    Deadline,
    Exemplar,
    ExemplarStage,
    Role,
    SteeringDepartment,
    Submission,
    Unit,
)
from bot.plan import PlanError, load_plan
from bot.services.awards.quotas import progress
from bot.services.awards.register import AwardEntry, record_award
from bot.services.exemplars import register
from bot.services.selection.choosing import choose_by_codes
from bot.services.setup.invites import InviteError, create_invite
from bot.text import fold
from scheduler import build_scheduler
from tests.conftest import VIETNAM
from tests.helpers import Person, fill_in, issue_code, open_deadline, record_submission
from tests.test_plan import FILE_NAME, edited_default, error_lines

REFUSED = "không tồn tại hoặc không dành cho bạn"
BUTTON_REFUSED = "Nút này không còn hiệu lực."
GDTRH = "Phòng Giáo dục Trung học"


async def steering(app, clock, department: str = "GDTRH") -> Person:
    person = Person.new(app)
    await person.says(
        f"/start {await issue_code(app.db, clock, Role.STEERING, department=department)}"
    )
    return person


async def deadline_id(app, code: str) -> int:
    async with app.db.unit_of_work() as session:
        return await session.scalar(select(Deadline.id).where(Deadline.code == code))


def test_the_plan_links_each_model_to_the_department_steering_it():
    plan = load_plan()
    departments = {d.code: d.name for d in plan.steering_departments}
    assert departments["GDTRH"] == GDTRH
    assert departments["CONG-DOAN"] == "Công đoàn Giáo dục tỉnh"
    assert {m.number: m.department for m in plan.models} == {
        1: "GDTRH",
        2: "GDTRH",
        3: "CTHSSV",
        4: "CONG-DOAN",  # with the Sở's office, which sees every model anyway
        5: "DTBD",
        6: "DTBD",
        7: "KHTC",
        8: "GDTRH",
    }


def test_a_model_naming_an_unknown_department_is_refused(tmp_path):
    text = edited_default('department = "KHTC"', 'department = "KHTT"')
    assert error_lines(tmp_path, text) == [
        f'{FILE_NAME}: models[6].department: unknown steering department "KHTT"'
    ]
    with pytest.raises(PlanError):
        load_plan(tmp_path / FILE_NAME)


async def test_a_steering_invite_needs_a_known_department_and_no_unit(plan_db, clock):
    async with plan_db.unit_of_work() as session:
        for role, unit, department in (
            (Role.STEERING, None, None),
            (Role.STEERING, None, "NOPE"),
            (Role.STEERING, "THPT-VIET-TRI", "GDTRH"),
            (Role.HEAD, "THPT-VIET-TRI", "GDTRH"),
        ):
            with pytest.raises(InviteError):
                await create_invite(
                    session,
                    clock,
                    role=role,
                    unit_code=unit,
                    department_code=department,
                    created_by="test",
                    ttl=timedelta(days=1),
                )


async def test_a_department_is_bound_by_invite_and_shown_by_its_name(app, clock):
    person = await steering(app, clock)
    assert "Liên kết thành công!" in person.text and GDTRH in person.text
    await person.says("/menu")
    assert f"· {GDTRH}" in person.text
    await person.says("/help")
    for command in ("/models", "/status", "/deadlines"):
        assert command in person.text
    for command in ("/register", "/report", "/review", "/awards", "/export", "/progress"):
        assert command not in person.text


async def test_models_shows_only_the_models_the_department_steers(app, clock):
    await record_submission(app.db, clock, "THPT-HA-HOA", "model_report")
    person = await steering(app, clock)

    await person.says("/models")

    text = person.text
    assert "Các mô hình chỉ đạo điểm của kế hoạch, năm học 2016-2017." in text
    shown = [block.split(".")[0] for block in text.split("\n\n")[2:]]
    assert shown == ["1", "2", "8"]
    assert "Trường THPT Hạ Hòa ✅" in text
    assert "Trường THPT Việt Trì ❌" in text
    assert "Minh Đài" not in text  # model 3, Phòng Công tác HSSV's
    assert "🎯" not in text  # selecting units is the office's


async def test_status_covers_the_models_deadlines_and_units_of_the_department(app, clock):
    person = await steering(app, clock, "KHTC")  # model 7: Phòng GD&ĐT Lâm Thao, Việt Trì
    await record_submission(app.db, clock, "PGD-LAM-THAO", "model_report")

    await person.says("/status")
    labels = [b.label for r in person.last.replies for b in r.all_buttons()]
    assert labels and all("mô hình" in label.lower() for label in labels), labels

    await person.says("/status model-report")
    assert "chưa nộp 1 (trên 2)" in person.text
    assert "Phòng GD&ĐT thành phố Việt Trì" in person.text
    assert "Theo huyện" not in person.text  # districts are not its view


async def test_forged_buttons_beyond_the_department_are_refused(app, clock):
    person = await steering(app, clock)  # models 1, 2, 8
    models, phase_one = (
        await deadline_id(app, "model-report"),
        await deadline_id(app, "phase1-report"),
    )
    async with app.db.unit_of_work() as session:
        district = await session.scalar(select(Unit.id).where(Unit.code == "PGD-VIET-TRI"))
    for forged in (
        f"st:{phase_one}:0:",  # not a pilot models' deadline
        f"st:{models}:0:m3",  # a model another department steers
        f"st:{models}:0:d{district}",
        f"stf:{models}:d",
        f"st:{models}:x:",
        "pil:2016-2017",
        "review",
        "rv:1",
        "export",
    ):
        await person.presses(forged)
        assert person.last.notice == BUTTON_REFUSED, forged
    await person.presses(f"st:{models}:0:m2")
    assert "(trên 7)" in person.text


async def test_every_other_command_is_refused_politely(app, clock):
    person = await steering(app, clock)
    for command in (
        "/review",
        "/awards",
        "/export",
        "/register",
        "/report",
        "/mystatus",
        "/progress",
        "/pilots",
        "/broadcast",
        "/unit viet tri",
    ):
        await person.says(command)
        assert REFUSED in person.text, command


# --- the register of exemplars, as a steering department and a district office see it ---------


async def _records(db, clock, unit_codes: list[str]) -> dict[str, int]:
    """An exemplar record per unit, as a report would have made it; unit code → record id."""
    async with db.unit_of_work() as session:
        ids = {}
        for code in unit_codes:
            unit = await session.scalar(select(Unit).where(Unit.code == code))
            record = Exemplar(
                unit_id=unit.id,
                name=f"Tổ Toán {code}",
                search_name=fold(f"Tổ Toán {code}"),
                collective=True,
                stage=ExemplarStage.FOUND,
                first_reported_at=clock.now(),
                updated_at=clock.now(),
            )
            session.add(record)
            await session.flush()
            ids[code] = record.id
    return ids


async def _department_id(session, code: str) -> int:
    return await session.scalar(
        select(SteeringDepartment.id).where(SteeringDepartment.code == code)
    )


async def test_a_steering_department_sees_the_exemplars_of_its_model_units_of_any_year(
    plan_db, clock
):
    async with plan_db.unit_of_work() as session:  # Minh Đài joins model 2 in 2018-2019
        await choose_by_codes(
            session, clock, VIETNAM, "test", (2, "2018-2019"), ["THPT-VIET-TRI", "THPT-MINH-DAI"]
        )
    ids = await _records(
        plan_db,
        clock,
        ["THPT-HA-HOA", "THPT-MINH-DAI", "THPT-VU-THE-LANG", "TRUONG-BDNG-CBQLGD", "PGD-PHU-THO"],
    )
    async with plan_db.unit_of_work() as session:
        department = await _department_id(session, "GDTRH")
        scope = await register.scope_of(session, {Role.STEERING}, None, department)
        listed = await register.page(session, scope, 0)
        outside = await register.record_in(session, scope, ids["THPT-VU-THE-LANG"])
        inside = await register.record_in(session, scope, ids["THPT-MINH-DAI"])
        counted = await register.counts(session, scope)
        without_department = await register.scope_of(session, {Role.STEERING}, None)

    names = sorted(entry.unit.name for entry in listed.entries)
    assert names == [
        "Phòng GD&ĐT thị xã Phú Thọ",  # model 8
        "Trường THPT Hạ Hòa",  # model 1
        "Trường THPT Minh Đài",  # model 2, from 2018-2019 (and model 3, not its own)
    ]
    assert counted.total == 3
    assert outside is None  # model 3 only: Phòng Công tác HSSV's
    assert inside is not None
    assert without_department is None
    powers = register.powers_over(inside, {Role.STEERING}, None)
    assert powers == register.Powers(edit=False, check=False, note=True)


async def test_a_district_office_sees_its_schools_exemplars_and_no_others(plan_db, clock):
    ids = await _records(plan_db, clock, ["PGD-VIET-TRI", "TTHTCD-DUU-LAU", "THPT-VIET-TRI"])
    async with plan_db.unit_of_work() as session:
        office = await session.scalar(select(Unit).where(Unit.code == "PGD-VIET-TRI"))
        scope = await register.scope_of(session, {Role.HEAD}, office)
        seen = {code: await register.record_in(session, scope, i) for code, i in ids.items()}
        school = seen["TTHTCD-DUU-LAU"]
        powers = register.powers_over(school, {Role.HEAD}, office)
    assert {code for code, record in seen.items() if record is not None} == {
        "PGD-VIET-TRI",
        "TTHTCD-DUU-LAU",
    }
    assert powers == register.Powers(edit=False, check=False, note=False)


# --- the weekly digest -------------------------------------------------------------------------

MONDAY = datetime(2016, 12, 5, 7, 30, tzinfo=VIETNAM)
MODEL_REPORT = "Báo cáo kết quả lựa chọn, phát hiện điển hình của mô hình điểm (2016-2017)"
MODEL_REVIEW = "Đánh giá của đơn vị cho sơ kết công tác xây dựng điểm các mô hình (2016-2017)"


def delivered_to(sender, person: Person) -> list[str]:
    return [text for chat, text in sender.delivered if chat == person.identity.chat_id]


async def test_the_weekly_digest_tells_each_department_what_its_model_units_still_owe(
    app, clock, jobs, sender
):
    finance, secondary = await steering(app, clock, "KHTC"), await steering(app, clock, "GDTRH")
    await record_submission(app.db, clock, "PGD-LAM-THAO", "model_report")  # models 1, 2, 7
    clock.set(MONDAY)

    await jobs.steering_digest()
    await jobs.steering_digest()  # the same week again: nothing more
    await jobs.deliver()

    [digest] = delivered_to(sender, finance)
    assert "05/12/2016" in digest
    model_report = digest.split(MODEL_REPORT)[1].split(MODEL_REVIEW)[0]
    assert "15/01/2017" in model_report and "còn 41 ngày" in model_report
    assert "Phòng GD&ĐT thành phố Việt Trì" in model_report
    assert "Lâm Thao" not in model_report  # it reported on model 7
    assert "Lâm Thao" in digest.split(MODEL_REVIEW)[1]  # but not reviewed it yet
    [digest] = delivered_to(sender, secondary)
    assert "Trường THPT Hạ Hòa (mô hình điểm 1)" in digest
    assert "Phòng GD&ĐT thành phố Việt Trì (mô hình điểm 1, 2)" in digest
    assert "Minh Đài" not in digest  # model 3's

    clock.set(MONDAY + timedelta(days=7))
    await jobs.steering_digest()
    await jobs.deliver()
    assert len(delivered_to(sender, finance)) == 2  # the next week's


async def test_a_department_whose_units_owe_nothing_gets_no_digest(app, clock, jobs, sender):
    finance = await steering(app, clock, "KHTC")
    for unit in ("PGD-LAM-THAO", "PGD-VIET-TRI"):
        for form in ("model_report", "model_review"):
            await record_submission(app.db, clock, unit, form)
    clock.set(MONDAY)

    assert await jobs.steering_digest() == 0
    await jobs.deliver()
    assert delivered_to(sender, finance) == []


def test_the_digest_goes_out_on_monday_at_0730_vietnam_time(jobs):
    trigger = build_scheduler(jobs).get_job("steering-digest").trigger
    sunday = datetime(2016, 12, 4, 20, 0, tzinfo=VIETNAM)
    assert trigger.get_next_fire_time(None, sunday) == MONDAY


# --- district offices: their schools' submissions, and awards counted once ---------------------


async def _school_under(db, office_code: str, code: str, name: str) -> None:
    async with db.unit_of_work() as session:
        office = await session.scalar(select(Unit).where(Unit.code == office_code))
        session.add(
            Unit(
                code=code,
                name=name,
                search_name=fold(name),
                kind="school",
                block="district",
                parent_id=office.id,
            )
        )


async def test_a_district_office_reads_its_schools_submissions_and_no_others(app, clock):
    await _school_under(app.db, "PGD-VIET-TRI", "THCS-THU", "Trường THCS Thử Nghiệm")
    centre = Person.new(app)
    await centre.says(f"/start {await issue_code(app.db, clock, Role.HEAD, 'TTHTCD-DUU-LAU')}")
    other = Person.new(app)
    await other.says(f"/start {await issue_code(app.db, clock, Role.HEAD, 'THPT-VIET-TRI')}")
    for person in (centre, other):
        await open_deadline(app, person, "phase1_report")
        await fill_in(person)
    district = Person.new(app)
    await district.says(f"/start {await issue_code(app.db, clock, Role.HEAD, 'PGD-VIET-TRI')}")

    await district.says("/schools")
    await district.taps("(giai đoạn 1)")

    assert "✅ Trung tâm học tập cộng đồng xã Dữu Lâu, thành phố Việt Trì" in district.text
    assert "❌ Trường THCS Thử Nghiệm" in district.text
    assert "THPT Việt Trì" not in district.text  # a Sở-direct school, not the district's
    await district.taps("📄 Trung tâm học tập cộng đồng xã Dữu Lâu")
    assert "Nội dung thử nghiệm đầy đủ" in district.text  # what the centre answered
    labels = [b.label for r in district.last.replies for b in r.all_buttons()]
    assert not any("✅" in label or "↩️" in label for label in labels)  # read-only

    async with app.db.unit_of_work() as session:
        theirs = await session.scalar(
            select(Submission.id).join(Unit).where(Unit.code == "THPT-VIET-TRI")
        )
    for forged in (f"schv:{theirs}", "schv:x", "sch:99999"):
        await district.presses(forged)
        assert district.last.notice == BUTTON_REFUSED, forged
    await other.says("/schools")  # a school's head has no schools
    assert REFUSED in other.text
    await other.presses(f"schv:{theirs}")
    assert other.last.notice == BUTTON_REFUSED


async def test_an_award_in_the_sos_register_and_a_districts_report_counts_once(app, clock):
    """The Sở records a school's award from its register; the district's annual report, which
    counts its schools' awards, records it again under the district office, spelt its own way.
    One decision, one recipient: the quota counts one award."""
    await _school_under(app.db, "PGD-LAM-THAO", "THCS-A", "Trường THCS A")
    async with app.db.unit_of_work() as session:
        units = {u.code: u.id for u in await session.scalars(select(Unit))}
        entries = [
            AwardEntry(
                "co_thi_dua_ubnd_tinh",
                "Trường THCS A",
                True,
                units["THCS-A"],
                "1520/QĐ-UBND",
                date(2018, 5, 10),
            ),
            AwardEntry(
                "co_thi_dua_ubnd_tinh",
                "trường thcs  a",
                True,
                units["PGD-LAM-THAO"],
                "1520 / qđ-ubnd",
                date(2018, 5, 10),
            ),
            AwardEntry(
                "co_thi_dua_ubnd_tinh",
                "Trường THCS B",
                True,
                units["PGD-LAM-THAO"],
                "1520/QĐ-UBND",
                date(2018, 5, 10),
            ),
        ]
        created = [(await record_award(session, clock, e, actor="cli"))[1] for e in entries]
        lines = {line.award_code: line for line in await progress(session)}
    assert created == [True, False, True]
    flags = lines["co_thi_dua_ubnd_tinh"]
    assert flags.verified == 2  # Trường THCS A once, Trường THCS B
    assert {share.block: share.verified for share in flags.blocks}["district"] == 2
