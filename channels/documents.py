"""The bot's web page for a document behind a signed link (for Zalo, which cannot send files):
``GET /documents/<token>`` gives the .docx, or a plain page saying what to do — 403 for a
link that was altered or never made, 410 for one past its 24 hours.

Served by the Zalo channel's web server in ``thidua run`` and by the sandbox, when PUBLIC_URL
and DOCUMENT_LINK_SECRET are set.
"""

from __future__ import annotations

import html

from aiohttp import web

from bot.app import CoreApp
from bot.channel import DOCUMENT_ROUTE
from bot.i18n import N_

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORGED_PAGE = N_(
    "This link is not valid: it was changed, or it was not made by the bot. Open the bot and "
    "press 📄 on the submission again to get a new link."
)
EXPIRED_PAGE = N_(
    "This link has expired: a link to a document is valid for 24 hours. Open the bot and "
    "press 📄 on the submission again to get a new link."
)


def links_enabled(app: CoreApp) -> bool:
    settings = app.settings
    return bool(settings.public_url and settings.document_link_secret)


def add_document_route(web_app: web.Application, app: CoreApp) -> None:
    async def serve(request: web.Request) -> web.Response:
        opened = await app.linked_document(request.match_info["token"])
        if opened is not None and opened.valid:
            built = opened.document
            disposition = f'attachment; filename="{built.file_name}"'
            return web.Response(
                body=built.content, content_type=DOCX, headers={"Content-Disposition": disposition}
            )
        expired = opened is not None and opened.expired
        return _page(app, 410 if expired else 403, EXPIRED_PAGE if expired else FORGED_PAGE)

    web_app.router.add_get(DOCUMENT_ROUTE, serve)


def _page(app: CoreApp, status: int, message: str) -> web.Response:
    t = app.translator(app.settings.default_locale)
    text = html.escape(t(message))
    body = (
        f'<!doctype html><html lang="{t.locale}"><meta charset="utf-8">'
        f"<title>thidua-bot</title><p>{text}</p></html>"
    )
    return web.Response(status=status, text=body, content_type="text/html", charset="utf-8")


async def serve_documents(app: CoreApp) -> web.AppRunner | None:
    """A web server for the documents alone (the sandbox), on ZALO_LISTEN; None if links are
    not configured."""
    if not links_enabled(app):
        return None
    web_app = web.Application()
    add_document_route(web_app, app)
    runner = web.AppRunner(web_app)
    await runner.setup()
    host, port = app.settings.zalo_host_port
    await web.TCPSite(runner, host, port).start()
    return runner
