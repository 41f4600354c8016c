"""/unit: search with or without diacritics; the card; members for the office only."""

from __future__ import annotations

from bot.db.models import Role
from tests.helpers import Person, issue_code, record_submission


async def bound(app, clock, role: Role, unit: str | None = None) -> Person:
    person = Person.new(app)
    await person.says(f"/start {await issue_code(app.db, clock, role, unit)}")
    return person


async def test_search_without_diacritics_finds_the_unit_and_its_card(app, clock):
    await bound(app, clock, Role.HEAD, "THPT-CHUYEN-HUNG-VUONG")
    await record_submission(app.db, clock, "THPT-CHUYEN-HUNG-VUONG", "registration")
    clerk = await bound(app, clock, Role.OFFICE)

    await clerk.says("/unit chuyen hung vuong")

    assert "Trường THPT Chuyên Hùng Vương (THPT-CHUYEN-HUNG-VUONG)" in clerk.text
    assert "Đăng ký thi đua (2016-2017): đã nộp · R-" in clerk.text
    assert "Thành viên:" in clerk.text and "thủ trưởng đơn vị" in clerk.text


async def test_several_matches_are_offered_as_buttons(app, clock):
    council = await bound(app, clock, Role.COUNCIL)
    await council.says("/unit Hùng Vương")
    assert "Có nhiều đơn vị khớp" in council.text
    await council.taps("Trường THPT Hùng Vương")
    assert "(THPT-HUNG-VUONG)" in council.text
    assert "Thành viên:" not in council.text  # members are the office's to see


async def test_nothing_found_and_heads_refused(app, clock):
    clerk = await bound(app, clock, Role.OFFICE)
    await clerk.says("/unit truong khong ton tai")
    assert "Không có đơn vị nào khớp" in clerk.text
    head = await bound(app, clock, Role.HEAD, "THPT-VIET-TRI")
    await head.says("/unit viet tri")
    assert "không dành cho bạn" in head.text
