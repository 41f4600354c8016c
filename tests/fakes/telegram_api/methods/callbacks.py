"""answerCallbackQuery: the answer to a button press, once per press, as Telegram allows.

The presses come from FakeTelegramAPI.user_presses (users.py); the answers are kept in
`answered_callbacks` for tests to read.
"""

from __future__ import annotations

from ..errors import CALLBACK_QUERY_INVALID, bad_request
from ..limits import MAX_CALLBACK_ANSWER_LENGTH
from ..state import TelegramState
from ..validation import Call


async def answer_callback_query(state: TelegramState, call: Call) -> bool:
    query_id = call.string("callback_query_id")
    if query_id not in state._pressed_callbacks or query_id in state.answered_callbacks:
        raise bad_request(CALLBACK_QUERY_INVALID)
    if len(call.string("text")) > MAX_CALLBACK_ANSWER_LENGTH:
        raise bad_request("MESSAGE_TOO_LONG")
    state.answered_callbacks[query_id] = call.decoded()
    return True


METHODS = {"answerCallbackQuery": answer_callback_query}
