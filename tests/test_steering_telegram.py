"""A steering department and a district office over Telegram: the real aiogram bot against the
fake Bot API, the weekly digest delivered through the outbox to it."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Deadline, Role
from channels.telegram.runner import make_bot
from channels.telegram.sender import TelegramSender
from scheduler import Jobs
from tests import test_telegram
from tests.helpers import issue_code, record_submission
from tests.test_steering import MONDAY
from tests.test_telegram import USER, app_on, ask, button_data, press

# The fake Bot API and the bot polling it, as the Telegram tests make them.
fake, bot = test_telegram.fake, test_telegram.bot

REFUSED = "Nút này không còn hiệu lực."


def forge(fake_api, data: str) -> None:
    """Change the last message's first button to ``data``, as a modified client could."""
    message = fake_api.sent[-1]
    message.reply_markup["inline_keyboard"][0][0]["callback_data"] = data
    fake_api._chats[USER].messages[message.message_id]["reply_markup"] = message.reply_markup


async def deadline_id(app, code: str) -> int:
    async with app.db.unit_of_work() as session:
        return await session.scalar(select(Deadline.id).where(Deadline.code == code))


async def test_a_steering_department_over_telegram_sees_its_models_and_no_more(bot, app, clock):
    code = await issue_code(app.db, clock, Role.STEERING, department="DTBD")  # models 5, 6

    welcome = await ask(bot, f"/start {code}")
    assert "Liên kết thành công" in welcome.plain_text
    assert "Phòng Đào tạo Bồi dưỡng" in welcome.plain_text
    models_button = next(data for label, data in button_data(welcome).items() if "🧭" in label)

    shown, _answer = await press(bot, models_button)
    blocks = shown.plain_text.split("\n\n")
    assert [block.split(".")[0] for block in blocks[2:]] == ["5", "6"]
    assert "Trung tâm học tập cộng đồng xã Minh Tiến" in shown.plain_text

    forge(bot, f"st:{await deadline_id(app, 'phase1-report')}:0:")
    reply, answer = await press(
        bot, bot.sent[-1].reply_markup["inline_keyboard"][0][0]["callback_data"]
    )
    assert answer.get("text") == REFUSED
    assert REFUSED.split(".")[0] in reply.plain_text
    assert bot.unanswered_callbacks() == []


async def test_a_district_office_over_telegram_cannot_open_another_units_submission(
    bot, app, clock
):
    code = await issue_code(app.db, clock, Role.HEAD, "PGD-VIET-TRI")
    await ask(bot, f"/start {code}")

    listing = await ask(bot, "/schools")
    assert "(giai đoạn 1)" in " ".join(button_data(listing))
    forge(bot, "schv:1")
    _reply, answer = await press(bot, "schv:1")
    assert answer.get("text") == REFUSED


async def test_the_weekly_digest_reaches_telegram_through_the_outbox(fake, app, clock):
    fake.user_sends_text(USER, "hi")  # a chat the bot may write to
    await ask_free(app, clock, fake)
    await record_submission(app.db, clock, "PGD-LAM-THAO", "model_report")
    clock.set(MONDAY)
    telegram = make_bot(app_on(fake, app).settings)
    jobs = Jobs(app.db, clock, app.settings.zone, {"telegram": TelegramSender(telegram)})

    await jobs.steering_digest()
    report = await jobs.deliver()
    await telegram.session.close()

    assert report.sent == 1
    [digest] = [m for m in fake.sent if "🧭" in m.plain_text]
    assert "Phòng GD&ĐT thành phố Việt Trì (mô hình điểm 7)" in digest.plain_text
    assert "05/12/2016" in digest.plain_text


async def ask_free(app, clock, fake_api) -> None:
    """Bind USER's Telegram account to the finance department, as an invite would."""
    from bot.events import Identity
    from bot.services.setup.invites import redeem

    code = await issue_code(app.db, clock, Role.STEERING, department="KHTC")
    async with app.db.unit_of_work() as session:
        identity = Identity("telegram", str(USER), str(USER), "Phòng KHTC", "vi")
        await redeem(session, clock, identity, code, "vi")
