"""Links to a document, for a platform that cannot send files (Zalo): signed with HMAC under the
server's DOCUMENT_LINK_SECRET, valid 24 hours, for one version of one submission.

``<PUBLIC_URL>/documents/<submission>.<version>.<expires>.<signature>``: the signature covers
the three numbers, so changing any of them (another document, a later expiry) breaks it. The
document is made again from the database when the link is opened: nothing is kept meanwhile,
and any replica with the same secret serves it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channel import DOCUMENT_ROUTE
from bot.services.paperwork.documents import Built, build
from bot.services.reporting.review import item

LIFETIME = timedelta(hours=24)
SIGNATURE_CHARS = 43
_TOKEN = re.compile(r"(\d{1,12})\.(\d{1,6})\.(\d{1,12})\.([0-9a-f]+)")

VALID, FORGED, EXPIRED = "valid", "forged", "expired"


@dataclass(frozen=True)
class Opened:
    """What a link gave: ``status`` one of VALID, FORGED, EXPIRED; the document if VALID."""

    status: str
    document: Built | None = None

    @property
    def valid(self) -> bool:
        return self.status == VALID

    @property
    def expired(self) -> bool:
        return self.status == EXPIRED


def link(base_url: str, secret: bytes, submission_id: int, version: int, now: datetime) -> str:
    expires = int((now + LIFETIME).timestamp())
    token = f"{submission_id}.{version}.{expires}.{_sign(secret, submission_id, version, expires)}"
    return base_url.rstrip("/") + DOCUMENT_ROUTE.format(token=token)


def verdict(secret: bytes, token: str, now: datetime) -> tuple[str, int, int]:
    """(status, submission id, version) of a link's token; the signature is checked first, so
    an altered expiry is forged, not expired."""
    found = _TOKEN.fullmatch(token)
    if found is None:
        return FORGED, 0, 0
    submission_id, version, expires = (int(found.group(i)) for i in (1, 2, 3))
    expected = _sign(secret, submission_id, version, expires)
    if not hmac.compare_digest(found.group(4), expected):
        return FORGED, 0, 0
    if now.timestamp() > expires:
        return EXPIRED, submission_id, version
    return VALID, submission_id, version


async def opened(session: AsyncSession, secret: bytes, token: str, now: datetime) -> Opened:
    status, submission_id, version = verdict(secret, token, now)
    if status != VALID:
        return Opened(status)
    chosen = await item(session, submission_id)
    built = await build(session, chosen, version=version) if chosen is not None else None
    return Opened(VALID, built) if built is not None else Opened(FORGED)


def _sign(secret: bytes, submission_id: int, version: int, expires: int) -> str:
    message = f"document:{submission_id}.{version}.{expires}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:SIGNATURE_CHARS]
