"""getMe, getUpdates, setWebhook and deleteWebhook: how the bot learns who it is and hears
from its users.

getUpdates follows the Bot API server: the offset confirms (forgets) earlier updates, a long poll
waits up to its timeout for the first new one, and a second long poll ends the one in flight with
a 409, the conflict two running instances of a bot keep giving each other. A webhook, while set,
excludes getUpdates; the fake records it but delivers nothing to it (tests post their updates
to the bot's webhook server themselves).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import urlsplit

from ..errors import (
    CONFLICT_OTHER_GET_UPDATES,
    CONFLICT_SET_WEBHOOK,
    CONFLICT_WEBHOOK_ACTIVE,
    TelegramApiError,
    bad_request,
)
from ..limits import MAX_LONG_POLL_SECONDS, WEBHOOK_PORTS
from ..state import LongPoll, TelegramState
from ..validation import Call


async def get_me(state: TelegramState, call: Call) -> dict[str, Any]:
    return {
        **state._bot_user(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(state: TelegramState, call: Call) -> list[dict[str, Any]]:
    if state.webhook is not None:
        raise TelegramApiError(409, CONFLICT_WEBHOOK_ACTIVE)
    limit = min(max(call.integer("limit", 100), 1), 100)
    timeout = min(max(call.integer("timeout", 0), 0), MAX_LONG_POLL_SECONDS)
    _choose_update_types(state, call)
    state._confirm_updates_before(call.integer("offset", 0))
    if state._updates or timeout == 0 or state._stopping:
        return state._updates[:limit]
    return await _long_poll_updates(state, limit, timeout)


async def _long_poll_updates(
    state: TelegramState, limit: int, seconds: int
) -> list[dict[str, Any]]:
    # A new long poll ends the one in flight, as the Bot API server does.
    state._abort_long_poll(CONFLICT_OTHER_GET_UPDATES)
    poll = state._long_poll = LongPoll()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    try:
        while not state._updates and not state._stopping:
            remaining = deadline - loop.time()
            if poll.abort_reason is not None or remaining <= 0:
                break
            await state._updates_changed.wait(remaining)
    finally:
        if state._long_poll is poll:
            state._long_poll = None
    if poll.abort_reason is not None:
        raise TelegramApiError(409, poll.abort_reason)
    return state._updates[:limit]


async def set_webhook(state: TelegramState, call: Call) -> bool:
    if call.flag("drop_pending_updates"):
        state._updates.clear()
    url = call.string("url")
    if not url:
        state.webhook = None
        return True
    _check_webhook_url(url)
    secret_token = call.string("secret_token")
    if len(secret_token) > 256:
        raise bad_request("secret token is too long")
    if not re.fullmatch(r"[A-Za-z0-9_-]*", secret_token):
        raise bad_request("secret token contains unallowed characters")
    allowed = _choose_update_types(state, call)
    state.webhook = {
        "url": url,
        "secret_token": secret_token or None,
        "max_connections": min(max(call.integer("max_connections", 40), 1), 100),
        "allowed_updates": allowed,
        "ip_address": call.string("ip_address") or None,
        "drop_pending_updates": call.flag("drop_pending_updates"),
    }
    state._abort_long_poll(CONFLICT_SET_WEBHOOK)
    return True


async def delete_webhook(state: TelegramState, call: Call) -> bool:
    if call.flag("drop_pending_updates"):
        state._updates.clear()
    state.webhook = None
    return True


def _choose_update_types(state: TelegramState, call: Call) -> list[str] | None:
    """allowed_updates, when given, holds until the next call that gives it."""
    allowed = call.json("allowed_updates", "can't parse allowed_updates JSON object")
    if allowed is not None:
        state._allowed_updates = list(allowed)
    return allowed


def _check_webhook_url(url: str) -> None:
    # Like the Bot API server, a URL without a scheme is taken as https.
    try:
        parts = urlsplit(url if "://" in url else f"https://{url}")
        port = parts.port
    except ValueError:
        raise bad_request("invalid webhook URL specified") from None
    if not parts.hostname:
        raise bad_request("invalid webhook URL specified")
    if parts.scheme != "https":
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if (port or 443) not in WEBHOOK_PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")


METHODS = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
}
