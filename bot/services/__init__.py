"""The work of the bot, in subpackages by capability; each is channel-neutral and takes the
unit of work it runs in (a session) from its caller. See docs/architecture.md."""
