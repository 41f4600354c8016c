"""SQLAlchemy 2 models: the whole persistent state of the bot, a module per capability.

Instants are stored as timezone-aware UTC (``AwareDateTime``) so SQLite and PostgreSQL agree.
Importing this package registers every table on ``Base.metadata`` (what Alembic compares).
"""

from bot.db.models.awards import Award
from bot.db.models.base import (
    AwareDateTime,
    Base,
    BroadcastStatus,
    OutboxStatus,
    Role,
    SubmissionStatus,
)
from bot.db.models.exemplars import Exemplar, ExemplarEvent, ExemplarMatch, ExemplarStage
from bot.db.models.messaging import Broadcast, ChatOptions, OutboxMessage
from bot.db.models.paperwork import DocumentTemplate
from bot.db.models.people import (
    ChannelIdentity,
    InviteCode,
    InviteFailure,
    Person,
    RoleGrant,
    SteeringDepartment,
    Unit,
)
from bot.db.models.plan import (
    MODELS_AUDIENCE,
    OFFICE_AUDIENCE,
    PLAN_DATA,
    AwardType,
    Deadline,
    ModelAssignment,
    ModelSelection,
    PilotModel,
    Plan,
    Target,
)
from bot.db.models.records import AuditEntry, ProcessedUpdate
from bot.db.models.reporting import (
    Attachment,
    FormDraft,
    OfficeDraft,
    Submission,
    SubmissionModel,
    SubmissionVersion,
)

__all__ = [
    "MODELS_AUDIENCE",
    "OFFICE_AUDIENCE",
    "PLAN_DATA",
    "Attachment",
    "AuditEntry",
    "Award",
    "AwardType",
    "AwareDateTime",
    "Base",
    "Broadcast",
    "BroadcastStatus",
    "ChannelIdentity",
    "ChatOptions",
    "Deadline",
    "DocumentTemplate",
    "Exemplar",
    "ExemplarEvent",
    "ExemplarMatch",
    "ExemplarStage",
    "FormDraft",
    "InviteCode",
    "InviteFailure",
    "ModelAssignment",
    "ModelSelection",
    "OfficeDraft",
    "OutboxMessage",
    "OutboxStatus",
    "Person",
    "PilotModel",
    "Plan",
    "ProcessedUpdate",
    "Role",
    "RoleGrant",
    "SteeringDepartment",
    "Submission",
    "SubmissionModel",
    "SubmissionStatus",
    "SubmissionVersion",
    "Target",
    "Unit",
]
