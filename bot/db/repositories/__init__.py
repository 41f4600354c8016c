"""Queries over one session. Repositories add and flush; only the unit of work commits."""

from bot.db.repositories.forms import FormRepository
from bot.db.repositories.office import OfficeDraftRepository
from bot.db.repositories.people import PeopleRepository
from bot.db.repositories.plan import PlanRepository
from bot.db.repositories.units import UnitRepository

__all__ = [
    "FormRepository",
    "OfficeDraftRepository",
    "PeopleRepository",
    "PlanRepository",
    "UnitRepository",
]
