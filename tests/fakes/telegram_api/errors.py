"""Error answers, rendered exactly as the Bot API renders them, and Telegram's descriptions.

The wording is the Bot API server's (tdlib/telegram-bot-api, ``Client.cpp``) and tdlib's, so a
test that asserts on a description holds against the real API too. The two answers at the end
are the fake's own, and say so: they refuse what the fake does not simulate, loudly, so that no
test can pass by relying on behaviour the fake only pretends to have.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

FORBIDDEN_BLOCKED = "Forbidden: bot was blocked by the user"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CALLBACK_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
CONFLICT_OTHER_GET_UPDATES = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
CONFLICT_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)
CONFLICT_SET_WEBHOOK = "Conflict: terminated by setWebhook request"

# What Telegram's nginx answers when the Bot API backend is down: HTML, not JSON.
NGINX_BAD_GATEWAY = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)

DEFAULT_FAILURE_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: FORBIDDEN_BLOCKED,
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class TelegramApiError(Exception):
    """An error answer, rendered exactly as the Bot API renders one."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def to_response(self) -> web.Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return web.json_response(body, status=self.status)


def bad_request(detail: str) -> TelegramApiError:
    return TelegramApiError(400, f"Bad Request: {detail}")


def too_many_requests(retry_after: int) -> TelegramApiError:
    return TelegramApiError(
        429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
    )


def not_modelled(what: str, detail: str) -> TelegramApiError:
    """A 400 for a parameter the fake does not simulate (see validation.UNMODELLED_PARAMETERS).

    Telegram would accept the request; answering as if it had ignored the parameter would let a
    test pass against behaviour the real API does not have."""
    return bad_request(f"the fake Telegram API does not model {what} ({detail})")


def method_not_implemented(method: str) -> TelegramApiError:
    """Telegram's 404 for an unknown method, naming the method: the fake implements only those
    the bot calls, so a new call in the bot fails here by name instead of as a mystery."""
    return TelegramApiError(
        404, f"Not Found: method not found: the fake Telegram API does not implement {method}"
    )
