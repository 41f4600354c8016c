"""The core: the conversation model, the channel contract, the core app and its dispatch, and
below them the services, the form engine, the plan and the database (docs/architecture.md)."""
