"""getFile, and the files that sendPhoto and sendDocument take: an upload, or the file_id of a
file Telegram holds already (one a user sent, or one the bot uploaded before).

The bytes are then served at /file/bot<token>/<file_path> (server.py), as Telegram serves them.
Files sent by URL are refused: the bot sends none, and the fake would have nothing to serve.
"""

from __future__ import annotations

from typing import Any

from ..errors import TelegramApiError, bad_request, not_modelled
from ..limits import MAX_DOWNLOAD_BYTES, MAX_UPLOAD_BYTES
from ..objects import FileKind, StoredFile
from ..state import TelegramState
from ..validation import Call, UploadedFile


async def get_file(state: TelegramState, call: Call) -> dict[str, Any]:
    stored = state._files.get(call.string("file_id"))
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.size > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "file_path": stored.file_path,
    }


def media_file(state: TelegramState, kind: FileKind, source: UploadedFile | str) -> StoredFile:
    if isinstance(source, UploadedFile):
        if len(source.content) > MAX_UPLOAD_BYTES:
            raise TelegramApiError(413, "Request Entity Too Large")
        return state._store_file(
            kind, len(source.content), source.content, source.filename, source.content_type
        )
    if source.startswith(("http://", "https://")):
        raise not_modelled("files sent by URL", f"{kind}={source}")
    stored = state._files.get(source)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request("type of file mismatch")
    return stored


METHODS = {"getFile": get_file}
