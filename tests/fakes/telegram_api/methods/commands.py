"""setMyCommands: the command menu, one per language, in the default scope only.

The checks are tdlib's (BotCommand.cpp: trimmed, one leading "/" dropped, lengths in code
points), then Telegram's servers', hence the MTProto error names at the end. A `scope` is
refused before this runs (validation.UNMODELLED_PARAMETERS): the bot publishes no scoped menu.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import bad_request
from ..limits import MAX_COMMAND_DESCRIPTION_LENGTH, MAX_COMMAND_LENGTH, MAX_COMMANDS
from ..state import TelegramState
from ..validation import Call


async def set_my_commands(state: TelegramState, call: Call) -> bool:
    commands = call.json("commands", "can't parse commands JSON object") or []
    if not isinstance(commands, list):
        raise bad_request("expected an Array of BotCommand")
    for command in commands:
        _check_command_fields(command)
    language_code = call.string("language_code")
    if language_code and not re.fullmatch(r"[a-z]{2}", language_code):
        raise bad_request("invalid language code specified")
    cleaned = [_clean_command(command) for command in commands]
    if len(cleaned) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    if any(not re.fullmatch(r"[a-z0-9_]+", command["command"]) for command in cleaned):
        raise bad_request("BOT_COMMAND_INVALID")
    key = ("default", language_code)
    if cleaned:
        state.commands[key] = cleaned
    else:
        state.commands.pop(key, None)
    return True


def _check_command_fields(command: Any) -> None:
    if not isinstance(command, dict):
        raise bad_request("can't parse BotCommand: expected an Object")
    for name in ("command", "description"):
        if name not in command:
            raise bad_request(f"can't parse BotCommand: Can't find field \"{name}\"")
        if not isinstance(command[name], str):
            raise bad_request(f'can\'t parse BotCommand: Field "{name}" must be of type String')


def _clean_command(command: dict[str, str]) -> dict[str, str]:
    name = command["command"].strip()
    name = name.removeprefix("/")
    if not name:
        raise bad_request("command must be non-empty")
    if len(name) > MAX_COMMAND_LENGTH:
        raise bad_request(f"command length must not exceed {MAX_COMMAND_LENGTH}")
    description = command["description"].strip()
    if not description:
        raise bad_request("command description must be non-empty")
    if len(description) > MAX_COMMAND_DESCRIPTION_LENGTH:
        raise bad_request(
            f"command description length must not exceed {MAX_COMMAND_DESCRIPTION_LENGTH}"
        )
    return {"command": name, "description": description}


METHODS = {"setMyCommands": set_my_commands}
