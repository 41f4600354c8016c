"""A change of a year's selection, unit by unit."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.models import Deadline, PilotModel, Submission, Unit


@dataclass(frozen=True)
class Effect:
    """What a change does to one unit: now selected (it owes the year's model reports) or no
    longer (what it sent for the model is kept)."""

    unit: Unit
    selected: bool
    deadlines: list[Deadline]  # the model's deadlines of the year, by date
    kept: list[Submission]  # what it had sent for the model that year


@dataclass(frozen=True)
class Change:
    model: PilotModel
    school_year: str
    effects: list[Effect]
