"""Messaging: what the bot sends on its own (the outbox, notices, reminders, the digest,
broadcasts) and the options shown in chats without buttons."""
