"""Which process sends the outbox: exactly one, however many run.

On PostgreSQL the sender is whoever holds a session-level advisory lock; it is the database's
to give, so a process that dies (even killed) loses it with its connection and another takes
over. SQLite serves one process by design: that process is the sender.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.database import Database

log = logging.getLogger(__name__)

# Any constant shared by every process of a deployment: "thid" in ASCII.
SENDER_LOCK = 0x74686964


class SenderElection:
    def __init__(self, db: Database) -> None:
        self.db = db
        # The connection whose session holds the lock, for as long as this process sends.
        self._holder: AsyncConnection | None = None

    @property
    def holding(self) -> bool:
        return self.db.is_sqlite or self._holder is not None

    async def win(self) -> bool:
        """Whether this process is (now) the sender."""
        if self.holding:
            return True
        connection = await self.db.engine.connect()
        won = await connection.scalar(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": SENDER_LOCK}
        )
        await connection.commit()  # the lock is the session's: it outlives the transaction
        if won:
            self._holder = connection
        else:
            await connection.close()
        return bool(won)

    async def holds(self) -> bool:
        """Whether the lock is still ours: a connection the database dropped took it along."""
        if self.db.is_sqlite:
            return True
        if self._holder is None:
            return False
        try:
            await self._holder.execute(text("SELECT 1"))
            await self._holder.commit()
        except Exception:
            log.warning("outbox: lost the connection holding the sender lock")
            holder, self._holder = self._holder, None
            await holder.invalidate()
            return False
        return True

    async def resign(self) -> None:
        if self._holder is None:
            return
        holder, self._holder = self._holder, None
        try:
            await holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SENDER_LOCK})
            await holder.commit()
            await holder.close()
        except Exception:
            # The session cannot be trusted to have let go: drop it rather than pool it.
            log.warning("could not release the sender lock; closing its connection")
            await holder.invalidate()
