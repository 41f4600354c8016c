"""Links to documents, for Zalo: signed, valid 24 hours, for one document only; an altered or
foreign link gets 403, an expired one 410, each with a plain page saying what to do."""

from __future__ import annotations

import io
from datetime import timedelta

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from docx import Document
from pydantic import SecretStr

from bot.db.models import Role
from bot.events import Document as SentDocument
from bot.events import Reply
from bot.i18n import Translator
from bot.services.paperwork import links
from channels.documents import EXPIRED_PAGE, FORGED_PAGE, add_document_route
from channels.zalo.adapter import outgoing
from tests.conftest import START, VIETNAM
from tests.documents_data import FILLED, SCHOOL, submission_id
from tests.helpers import Person, issue_code, submit_report

SECRET = "s" * 40
BASE = "https://thidua.example.vn"
VI = Translator("vi", VIETNAM)


def with_links(app):
    update = {"public_url": BASE, "document_link_secret": SecretStr(SECRET)}
    app.settings = app.settings.model_copy(update=update)
    return app


def test_a_link_names_one_document_and_lasts_a_day():
    key = SECRET.encode()
    url = links.link(BASE, key, 41, 2, START)
    token = url.removeprefix(f"{BASE}/documents/")
    number, version, expires, signature = token.split(".")

    assert links.verdict(key, token, START + timedelta(hours=23)) == (links.VALID, 41, 2)
    assert links.verdict(key, token, START + timedelta(hours=25))[0] == links.EXPIRED
    later = str(int(expires) + 86_400)
    for altered in (
        f"42.{version}.{expires}.{signature}",  # another document
        f"{number}.1.{expires}.{signature}",  # another version
        f"{number}.{version}.{later}.{signature}",  # a longer life
        f"{number}.{version}.{expires}.{signature[:-1]}0",
        "garbage",
    ):
        assert links.verdict(key, altered, START)[0] == links.FORGED
    assert links.verdict(b"another secret" * 3, token, START)[0] == links.FORGED


async def test_the_link_serves_the_document_and_refuses_the_rest(app, clock):
    with_links(app)
    await submit_report(app.db, clock, SCHOOL, "nominations", FILLED["nominations"][1])
    await submit_report(app.db, clock, "THPT-VIET-TRI", "nominations", FILLED["nominations"][1])
    mine = await submission_id(app.db, "nominations")
    theirs = await submission_id(app.db, "nominations", "THPT-VIET-TRI")
    url = links.link(BASE, SECRET.encode(), mine, 1, clock.now())
    token = url.removeprefix(BASE)
    signature = token.rsplit(".", 1)[1]
    expires = token.split(".")[2]
    web_app = web.Application()
    add_document_route(web_app, app)

    async with TestServer(web_app) as server, aiohttp.ClientSession() as http:
        async with http.get(server.make_url(token)) as got:
            assert got.status == 200
            assert got.content_type.endswith("wordprocessingml.document")
            assert (
                "nominations_THPT-CHUYEN-HUNG-VUONG_v1.docx" in got.headers["Content-Disposition"]
            )
            document = Document(io.BytesIO(await got.read()))
            assert "TỜ TRÌNH ĐỀ NGHỊ KHEN THƯỞNG" in [p.text for p in document.paragraphs]

        other = f"/documents/{theirs}.1.{expires}.{signature}"
        async with http.get(server.make_url(other)) as refused:
            assert refused.status == 403
            assert VI(FORGED_PAGE).split(":")[0] in await refused.text()

        clock.advance(timedelta(hours=24, minutes=1))
        async with http.get(server.make_url(token)) as expired:
            assert expired.status == 410
            assert VI(EXPIRED_PAGE).split(":")[0] in await expired.text()


async def test_on_zalo_the_document_comes_as_a_link(app, clock):
    with_links(app)
    await submit_report(app.db, clock, SCHOOL, "nominations", FILLED["nominations"][1])
    mine = await submission_id(app.db, "nominations")
    async with app.db.unit_of_work() as session:
        from sqlalchemy import select

        from bot.db.models import Unit

        unit = await session.scalar(select(Unit).where(Unit.code == SCHOOL))
        unit.head_name = "Nguyễn Văn An"
    head = Person.new(app, channel="zalo")
    await head.says(f"/start {await issue_code(app.db, clock, Role.HEAD, SCHOOL)}")

    await head.presses(f"doc:{mine}")
    [reply] = head.last.replies
    assert reply.document.link.startswith(f"{BASE}/documents/{mine}.1.")
    [message] = outgoing(reply, reply.text, VI, lambda png: None)
    assert reply.document.link in message.text


def test_without_a_link_zalo_still_says_the_file_cannot_come():
    reply = Reply("📄", document=SentDocument("a.docx", content=b"PK"))
    [message] = outgoing(reply, reply.text, VI, lambda png: None)
    assert "https://" not in message.text and len(message.text) > 5


async def test_the_sandbox_serves_the_links_on_its_own_web_server(app, clock, unused_tcp_port):
    from channels.documents import serve_documents

    with_links(app)
    app.settings = app.settings.model_copy(update={"zalo_listen": f"127.0.0.1:{unused_tcp_port}"})
    await submit_report(app.db, clock, SCHOOL, "nominations", FILLED["nominations"][1])
    mine = await submission_id(app.db, "nominations")
    path = links.link(BASE, SECRET.encode(), mine, 1, clock.now()).removeprefix(BASE)

    runner = await serve_documents(app)
    try:
        url = f"http://127.0.0.1:{unused_tcp_port}{path}"
        async with aiohttp.ClientSession() as http, http.get(url) as got:
            assert got.status == 200 and (await got.read()).startswith(b"PK")
    finally:
        await runner.cleanup()
