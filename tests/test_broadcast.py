"""/broadcast in the core: audiences, the preview, sending once, refusals; delivery through the
outbox with its progress and report."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.db.models import (
    Broadcast,
    ChannelIdentity,
    Deadline,
    OfficeDraft,
    OutboxMessage,
    PilotModel,
    Role,
    Unit,
)
from bot.events import FileRef
from tests.helpers import Person, RecordingSender, a_pdf, issue_code, record_submission

DISTRICT = "PGD-VIET-TRI"  # a district office, in pilot model 1
CHUYEN = "THPT-CHUYEN-HUNG-VUONG"  # Sở-direct, in pilot model 1
VIET_TRI = "THPT-VIET-TRI"  # Sở-direct, in no model; has submitted the phase-1 report
HA_HOA = "THPT-HA-HOA"  # Sở-direct, in pilot model 1
ANNOUNCEMENT = "Kính gửi các đơn vị: họp tổng kết lúc 8h00 ngày 15/10/2016."


async def bound(app, clock, role: Role, unit: str | None = None) -> Person:
    person = Person.new(app)
    await person.says(f"/start {await issue_code(app.db, clock, role, unit)}")
    return person


@pytest.fixture
async def sector(app, clock) -> dict[str, Person]:
    people = {
        "district head": await bound(app, clock, Role.HEAD, DISTRICT),
        "chuyen head": await bound(app, clock, Role.HEAD, CHUYEN),
        "viet tri head": await bound(app, clock, Role.HEAD, VIET_TRI),
        "ha hoa member": await bound(app, clock, Role.MEMBER, HA_HOA),
        "council": await bound(app, clock, Role.COUNCIL),
        "office": await bound(app, clock, Role.OFFICE),
    }
    await record_submission(app.db, clock, VIET_TRI, "phase1_report")
    return people


async def audience_code(app, kind: str) -> str:
    """The payload part naming an audience, with the ids of this database."""
    async with app.db.unit_of_work() as session:
        ids = {
            "district": select(Unit.id).where(Unit.code == DISTRICT),
            "model": select(PilotModel.id).where(PilotModel.number == 1),
            "missing": select(Deadline.id).where(Deadline.code == "phase1-report"),
        }
        return f"{kind}:{await session.scalar(ids[kind])}" if kind in ids else kind


async def announce(office: Person, code: str, text: str = ANNOUNCEMENT) -> None:
    await office.presses(f"bca:{code}")
    await office.says(text)
    await office.taps("✅")


EVERY_UNIT = {"district head", "chuyen head", "viet tri head", "ha hoa member"}
AUDIENCES = [
    ("all", EVERY_UNIT),
    ("block:district", {"district head"}),
    ("block:so_direct", {"chuyen head", "viet tri head", "ha hoa member"}),
    ("district", {"district head"}),
    ("model", {"district head", "chuyen head", "ha hoa member"}),
    ("missing", EVERY_UNIT - {"viet tri head"}),
    ("council", {"council"}),
]


@pytest.mark.parametrize(("kind", "reached"), AUDIENCES, ids=[kind for kind, _ in AUDIENCES])
async def test_each_audience_reaches_exactly_its_people(app, sector, jobs, sender, kind, reached):
    office = sector["office"]
    await office.says("/broadcast")
    assert f"bca:{kind}" in _payloads(office) or f"bcl:{kind}" in _payloads(office)

    await announce(office, await audience_code(app, kind))
    await jobs.deliver()

    got = {name for name, person in sector.items() if _received(sender, person) == 1}
    assert got == reached
    assert len(sender.delivered) == len(reached)


async def test_the_preview_counts_the_recipients_and_a_second_press_sends_nothing(
    app, sector, jobs, sender
):
    office = sector["office"]
    await office.presses(f"bca:{await audience_code(app, 'model')}")
    await office.says("Bản nháp đầu")
    await office.says(ANNOUNCEMENT)  # typed again: replaces the text

    assert ANNOUNCEMENT in office.text and "Bản nháp đầu" not in office.text
    send = office.button("✅")
    assert "3" in send.label
    await office.presses(send.payload)
    await office.presses(send.payload)
    await jobs.deliver()

    assert "không còn hiệu lực" in office.text  # the second press is refused
    async with app.db.unit_of_work() as session:
        assert await session.scalar(select(func.count()).select_from(Broadcast)) == 1
    assert {chat for chat, _text in sender.delivered} == {
        sector[name].identity.chat_id for name in ("district head", "chuyen head", "ha hoa member")
    }


async def test_a_document_is_passed_on_with_its_caption(app, sector):
    office = sector["office"]
    await office.presses("bca:council")
    await office.sends_file(a_pdf("thong-bao.pdf"))

    assert [reply.document.file_ref for reply in office.last.replies if reply.document] == [
        "file-thong-bao.pdf"
    ]
    await office.taps("✅")
    async with app.db.unit_of_work() as session:
        [queued] = await session.scalars(select(OutboxMessage))
    assert queued.payload["document"] == {
        "file_name": "thong-bao.pdf",
        "file_ref": "file-thong-bao.pdf",
        "is_photo": False,
    }


async def test_a_photo_is_passed_on_as_a_photo(app, sector):
    office = sector["office"]
    await office.presses("bca:council")
    photo = FileRef("telegram", "photo-1", "photo-1.jpg", "image/jpeg", 50_000, is_photo=True)
    await office.sends_file(photo)
    await office.taps("✅")
    async with app.db.unit_of_work() as session:
        [queued] = await session.scalars(select(OutboxMessage))
    assert queued.payload["document"]["is_photo"] is True


async def test_the_composition_survives_a_restart(app, sector, settings, clock):
    from bot.app import CoreApp
    from bot.db.database import Database
    from handlers import build_router

    office = sector["office"]
    await office.presses("bca:council")
    restarted_db = Database(settings.database_url)
    restarted = CoreApp(db=restarted_db, clock=clock, settings=settings, router=build_router())
    office.app = restarted

    await office.says(ANNOUNCEMENT)

    assert office.button("✅ ")  # the preview: the audience was kept
    await restarted_db.dispose()


async def test_unit_heads_and_forged_buttons_are_refused(app, sector):
    head, office = sector["chuyen head"], sector["office"]
    await head.says("/broadcast")
    assert "không tồn tại hoặc không dành cho bạn" in head.text
    await office.presses("bca:council")
    await office.says(ANNOUNCEMENT)
    send = office.button("✅").payload

    await head.presses(send)
    assert "không còn hiệu lực" in head.text
    other_clerk = await bound(app, office.app.clock, Role.OFFICE)
    for forged in (send, "bca:district:999999", "bca:block:everyone", "bca:missing:x", "bcl:all"):
        await other_clerk.presses(forged)
        assert "không còn hiệu lực" in other_clerk.text, forged
    async with app.db.unit_of_work() as session:
        assert await session.scalar(select(func.count()).select_from(Broadcast)) == 0
        assert await session.scalar(select(func.count()).select_from(OfficeDraft)) == 1


async def test_one_report_names_the_unreachable_and_broadcasts_lists_the_figures(
    app, clock, sector, jobs, sender
):
    office, blocked = sector["office"], sector["ha hoa member"]
    async with app.db.unit_of_work() as session:
        identity = await session.scalar(
            select(ChannelIdentity).where(ChannelIdentity.user_id == blocked.identity.user_id)
        )
        identity.unreachable_since = clock.now()
    await announce(office, "all")
    await jobs.catch_up()  # the messages, then the report once they are all done
    await jobs.catch_up()  # and not twice

    to_office = [text for chat, text in sender.delivered if chat == office.identity.chat_id]
    [report] = [text for text in to_office if "#1" in text]  # beside the morning digest
    assert "#1" in report and " 3 " in report and " 4" in report
    assert f"User {blocked.identity.user_id} (Trường THPT Hạ Hòa)" in report
    await office.says("/broadcasts")
    assert "3/4" in office.text


def _payloads(person: Person) -> set[str]:
    return {b.payload for reply in person.last.replies for b in reply.all_buttons()}


def _received(sender: RecordingSender, person: Person) -> int:
    return sum(
        1
        for chat, text in sender.delivered
        if chat == person.identity.chat_id and text == ANNOUNCEMENT
    )
