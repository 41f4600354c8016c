"""A local fake of the Telegram Bot API, served over real HTTP by aiohttp.

The real ``aiogram.Bot`` talks to it exactly as it would talk to api.telegram.org, so tests
exercise aiogram's request encoding, error mapping and polling loop instead of a mock of them.

Wherever the fake has to decide how Telegram behaves, it follows the source of the official Bot
API server (tdlib/telegram-bot-api, ``Client.cpp``) and of tdlib: the error texts, the order of
the checks, the trimming of text and the length limits, which tdlib counts in Unicode code
points. It models what thidua's bot does (channels/telegram) and nothing more: plain text with
inline keyboards, photos and documents, edits, button answers, a command menu per language, long
polling and a webhook, files and their downloads, and Telegram's flood limits.

What it does not model fails loudly, so that no test can pass by accident: a parse mode (any),
entities, command scopes, reply keyboards and files by URL get a 400 saying the fake does not
model them; a Bot API method the bot never calls gets a 404 that names it. Not simulated either:
groups and channels (every chat is the private chat of a user who wrote to the bot), inline
mode, payments, and delivering updates to a webhook.

The parts, each with its reasons in its own docstring:

- errors.py: error answers and Telegram's descriptions;
- limits.py: the platform's limits and text rules;
- validation.py: reading a call's parameters, the checks methods share, the refusals;
- state.py: chats, messages, files, the update queue, the records tests assert on;
- methods/: the Bot API methods, by concern (updates, messages, callbacks, commands, files);
- users.py: the test's side: playing the users, reading what they got;
- server.py: FakeTelegramAPI itself, the HTTP side, and the faults a test injects.
"""

from .errors import TelegramApiError, bad_request, too_many_requests
from .objects import SentMessage
from .server import FakeTelegramAPI
from .validation import UploadedFile

__all__ = [
    "FakeTelegramAPI",
    "SentMessage",
    "TelegramApiError",
    "UploadedFile",
    "bad_request",
    "too_many_requests",
]
