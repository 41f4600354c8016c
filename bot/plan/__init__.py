"""The emulation plan as data: units, pilot models, targets, award types and the calendar.

`load_plan()` reads the shipped plan 941/KH-SGD&ĐT (2016-2020); `load_plan(path)` reads an office's
own plan file. Both raise `PlanError`, whose message is ready to show, when the file is unusable.
"""

from bot.plan.loader import default_plan_path, load_plan
from bot.plan.problems import PlanError, Problem
from bot.plan.schema import Plan
from bot.plan.sections import (
    AwardType,
    Block,
    Deadline,
    PilotModel,
    ReminderPolicy,
    SteeringDepartment,
    Target,
    UnitKind,
    UnitSpec,
)

__all__ = [
    "AwardType",
    "Block",
    "Deadline",
    "PilotModel",
    "Plan",
    "PlanError",
    "Problem",
    "ReminderPolicy",
    "SteeringDepartment",
    "Target",
    "UnitKind",
    "UnitSpec",
    "default_plan_path",
    "load_plan",
]
