"""Telegram through aiogram 3: transport only; every decision is the core's."""
