"""Recording an award in chat: the short form from a unit's card, counted as verified."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import CoreApp
from bot.db.database import Database
from bot.db.models import Award, Role
from handlers import build_router
from tests.helpers import Person, issue_code

SCHOOL_NAME = "Trường THPT Chuyên Hùng Vương"


async def clerk_at_card(app, clock) -> Person:
    clerk = Person.new(app)
    await clerk.says(f"/start {await issue_code(app.db, clock, Role.OFFICE)}")
    await clerk.says("/unit chuyen hung vuong")
    await clerk.taps("Ghi khen thưởng cho đơn vị này")
    return clerk


async def answer_flag_award(clerk: Person, decision: str = "1234/QĐ-UBND") -> None:
    """The provincial flag for the school itself, typed as a clerk types without diacritics."""
    await clerk.says("co thi dua ubnd tinh")
    await clerk.says("tap the")
    await clerk.says(decision)
    await clerk.says("15/08/2016")


async def awards(app) -> list[Award]:
    async with app.db.unit_of_work() as session:
        return list(await session.scalars(select(Award)))


async def test_an_award_recorded_from_the_card_counts_as_verified(app, clock):
    clerk = await clerk_at_card(app, clock)
    assert f"🏅 {SCHOOL_NAME}" in clerk.text and "Hình thức khen thưởng nào?" in clerk.text

    await answer_flag_award(clerk)
    assert "Vui lòng kiểm tra" in clerk.text  # the review screen lists every answer
    assert "Cờ thi đua UBND tỉnh" in clerk.text and "15/08/2016" in clerk.text
    await clerk.taps("Gửi")
    assert "Ghi nhận khen thưởng này?" in clerk.text
    await clerk.taps("Đồng ý gửi")

    assert "🏅 Đã ghi nhận: Trường THPT Chuyên Hùng Vương, quyết định 1234/QĐ-UBND" in clerk.text
    [award] = await awards(app)
    assert (award.recipient_name, award.collective) == (SCHOOL_NAME, True)
    await clerk.says("/progress")
    flags = next(line for line in clerk.text.splitlines() if "Cờ thi đua UBND tỉnh" in line)
    assert " 1/72" in flags or "1/72" in flags.replace(" ", "")


async def test_the_same_decision_and_recipient_twice_is_one_award(app, clock):
    for _ in range(2):
        clerk = await clerk_at_card(app, clock)
        await answer_flag_award(clerk)
        await clerk.taps("Gửi")
        await clerk.taps("Đồng ý gửi")
    assert "đã được ghi nhận trước đó" in clerk.text
    assert len(await awards(app)) == 1


async def test_a_wrong_date_is_explained_and_the_form_survives_a_restart(
    app, clock, settings, plan_db
):
    clerk = await clerk_at_card(app, clock)
    await clerk.says("co thi dua ubnd tinh")
    await clerk.says("tap the")
    await clerk.says("1234/QĐ-UBND")
    await clerk.says("31/02/2016")
    assert "ngày hợp lệ" in clerk.text

    restarted_db = Database(settings.database_url)
    restarted = CoreApp(db=restarted_db, clock=clock, settings=settings, router=build_router())
    try:
        clerk.app = restarted
        await clerk.says("29/02/2016")
        assert "Vui lòng kiểm tra" in clerk.text and "1234/QĐ-UBND" in clerk.text
    finally:
        await restarted_db.dispose()


async def test_a_future_decision_or_a_title_for_the_wrong_recipient_goes_back_to_review(app, clock):
    clerk = await clerk_at_card(app, clock)
    await clerk.says("co thi dua ubnd tinh")
    await clerk.says("ca nhan")
    await clerk.says("Nguyễn Văn An")
    await clerk.says("1234/QĐ-UBND")
    await clerk.says("15/08/2017")  # the clock says 01/10/2016
    await clerk.taps("Gửi")
    await clerk.taps("Đồng ý gửi")

    assert "chỉ xét tặng cho tập thể" in clerk.text and "Vui lòng kiểm tra" in clerk.text
    await clerk.says("2")  # change "collective or individual?"
    await clerk.says("tap the")
    await clerk.taps("Gửi")
    await clerk.taps("Đồng ý gửi")
    assert "15/08/2017 là ngày trong tương lai" in clerk.text
    assert await awards(app) == []


async def test_a_unit_head_cannot_record_an_award_by_a_forged_button(app, clock):
    head = Person.new(app)
    await head.says(f"/start {await issue_code(app.db, clock, Role.HEAD, 'THPT-VIET-TRI')}")
    await head.presses("aw+:1")
    assert "Nút này không còn hiệu lực" in head.text
    assert await awards(app) == []


async def test_an_award_put_aside_says_where_to_find_it_and_the_card_resumes_it(app, clock):
    clerk = await clerk_at_card(app, clock)
    await clerk.says("co thi dua ubnd tinh")
    await clerk.says("huy")
    assert "Mở lại thẻ đơn vị (/unit)" in clerk.text

    await clerk.says("/unit chuyen hung vuong")
    await clerk.taps("Ghi khen thưởng cho đơn vị này")
    assert "Tập thể hay cá nhân?" in clerk.text  # the award type chosen before is kept
    await clerk.says("/cancel")
    assert "mở lại từ nơi bạn đã bắt đầu" in clerk.text


async def test_an_order_to_a_person_is_recorded_with_its_class(app, clock):
    clerk = await clerk_at_card(app, clock)
    await clerk.says("huan chuong doc lap")
    assert "Hạng nào?" in clerk.text
    await clerk.says("2")  # hạng Nhì
    await clerk.says("ca nhan")
    await clerk.says("Nguyễn Văn An")
    await clerk.says("567/QĐ-CTN")
    await clerk.says("02/09/2016")
    assert "Hạng Nhì" in clerk.text  # on the review screen
    await clerk.taps("Gửi")
    await clerk.taps("Đồng ý gửi")

    [award] = await awards(app)
    assert (award.recipient_name, award.collective, award.award_class) == (
        "Nguyễn Văn An",
        False,
        2,
    )


async def test_an_award_decided_before_the_plan_is_kept_and_said_not_to_count(app, clock):
    clerk = await clerk_at_card(app, clock)
    await clerk.says("co thi dua ubnd tinh")
    await clerk.says("tap the")
    await clerk.says("99/QĐ-UBND")
    await clerk.says("20/11/2015")
    await clerk.taps("Gửi")
    await clerk.taps("Đồng ý gửi")

    assert "vẫn lưu trong sổ khen thưởng, nhưng không tính vào chỉ tiêu" in clerk.text
    assert len(await awards(app)) == 1
