"""Binding people to units with one-time codes, and what everyone else is told."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.db.models import AuditEntry, InviteCode, Role
from bot.services.setup.invites import hash_code, revoke_invite
from tests.helpers import Person, issue_code

SCHOOL = "THPT-CHUYEN-HUNG-VUONG"


async def test_a_principal_binds_with_a_code_and_sees_the_menu(app, clock):
    code = await issue_code(app.db, clock, Role.HEAD, SCHOOL)
    principal = Person.new(app)

    await principal.says(f"/start {code}")

    assert "Chuyên Hùng Vương" in principal.text
    assert principal.button("Hạn nộp")  # the main menu, in Vietnamese


async def test_a_code_works_once(app, clock):
    code = await issue_code(app.db, clock, Role.HEAD, SCHOOL)
    await Person.new(app).says(f"/start {code}")

    intruder = Person.new(app)
    await intruder.says(f"/start {code}")

    assert "đã được sử dụng" in intruder.text
    await intruder.says("/deadlines")
    assert "chưa được liên kết" in intruder.text


async def test_an_expired_code_is_refused(app, clock):
    code = await issue_code(app.db, clock, Role.MEMBER, SCHOOL, ttl=timedelta(days=14))
    clock.advance(timedelta(days=14, seconds=1))

    person = Person.new(app)
    await person.says(f"/start {code}")

    assert "hết hạn" in person.text


async def test_a_revoked_code_is_refused(app, clock):
    code = await issue_code(app.db, clock, Role.MEMBER, SCHOOL)
    async with app.db.unit_of_work() as session:
        assert await revoke_invite(session, clock, code, "test") == 1

    person = Person.new(app)
    await person.says(f"/start {code}")

    assert "thu hồi" in person.text


async def test_codes_are_stored_only_as_hashes(app, clock):
    code = await issue_code(app.db, clock, Role.HEAD, SCHOOL)
    async with app.db.unit_of_work() as session:
        stored = (await session.scalars(select(InviteCode))).one()
    assert stored.code_hash == hash_code(code)
    assert all(code[-4:] not in str(value) for value in vars(stored).values())


async def test_a_code_typed_without_start_and_in_lower_case_works(app, clock):
    code = await issue_code(app.db, clock, Role.HEAD, SCHOOL)
    typed = f"{code[:4]}-{code[4:8]} {code[8:]}".lower()

    principal = Person.new(app)
    await principal.says(typed)

    assert "Chuyên Hùng Vương" in principal.text


async def test_five_wrong_codes_start_a_cooldown_even_for_a_good_code(app, clock):
    good = await issue_code(app.db, clock, Role.HEAD, SCHOOL)
    guesser = Person.new(app)
    for _ in range(5):
        await guesser.says("/start AAAABBBBCCCC")
        assert "không đúng" in guesser.text

    await guesser.says(f"/start {good}")
    assert "thử lại sau" in guesser.text

    clock.advance(timedelta(minutes=10, seconds=1))
    await guesser.says(f"/start {good}")
    assert "Chuyên Hùng Vương" in guesser.text


async def test_the_cooldown_is_per_chat(app, clock):
    good = await issue_code(app.db, clock, Role.HEAD, SCHOOL)
    for _ in range(5):
        await Person.new(app).says("/start AAAABBBBCCCC")  # five different chats, one try each

    person = Person.new(app)
    await person.says(f"/start {good}")
    assert "Chuyên Hùng Vương" in person.text


async def test_an_unknown_person_can_do_nothing_but_is_told_how_to_start(app):
    stranger = Person.new(app)
    for attempt in ("xin chào", "/deadlines", "/help", "/lang en"):
        await stranger.says(attempt)
        assert "mã mời" in stranger.text, attempt
        assert not stranger.last.replies[0].buttons
    await stranger.presses("deadlines")
    assert "mã mời" in stranger.text


async def test_an_english_phone_gets_english(app):
    stranger = Person.new(app, language="en")
    await stranger.says("hello")
    assert "invite code" in stranger.text


async def test_office_and_council_codes_belong_to_the_whole_sector(app, clock):
    code = await issue_code(app.db, clock, Role.OFFICE)
    clerk = Person.new(app)
    await clerk.says(f"/start {code}")
    assert "Văn phòng Sở" in clerk.text
    assert "Sở Giáo dục" in clerk.text


async def test_binding_is_audited(app, clock):
    code = await issue_code(app.db, clock, Role.HEAD, SCHOOL)
    await Person.new(app).says(f"/start {code}")
    async with app.db.unit_of_work() as session:
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) >= 2
    assert actions[-2:] == ["invite.create", "invite.redeem"]
