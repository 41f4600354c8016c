"""Who may use the office and council features: every command and button under every role.

The expected sets are written out here, not read from the router, so a route opened to the
wrong role fails this test.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import (
    Attachment,
    Deadline,
    Exemplar,
    OfficeDraft,
    Role,
    Submission,
    Unit,
)
from tests.helpers import Person, fill_in, issue_code, open_deadline

SCHOOL = "THPT-CHUYEN-HUNG-VUONG"
ROLES = {
    "head": (Role.HEAD, SCHOOL),
    "member": (Role.MEMBER, SCHOOL),
    "district head": (Role.HEAD, "PGD-VIET-TRI"),
    "office": (Role.OFFICE, None),
    "council": (Role.COUNCIL, None),
    "steering": (Role.STEERING, None),  # Phòng GDTrH: models 1, 2 and 8
}
DEPARTMENTS = {"steering": "GDTRH"}
READ = {"office", "council"}
WRITE = {"office"}
STATUS = READ | {"district head"}  # a district office sees its own schools
EVERYONE = set(ROLES)
OWN_UNIT = {"head", "member"}
STEERED = READ | {"steering"}  # a steering department sees its own models
MODEL_STATUS = STATUS | {"steering"}  # ... and their deadlines
REFUSALS = ("không tồn tại hoặc không dành cho bạn", "Nút này không còn hiệu lực")

# (what is sent, who is served); {sub}, {file}, {unit}, {deadline}, {draft} are filled in.
# Decisions come last: they change what the entries before them would show.
MATRIX = [
    ("/status", MODEL_STATUS),
    ("/progress", READ),
    ("/models", STEERED),
    ("/unit hung vuong", READ),
    ("/review", WRITE),
    ("/awards", WRITE),
    ("/export", WRITE),
    ("/broadcast", WRITE),
    ("/broadcasts", WRITE),
    ("/pilots", WRITE),
    ("/exemplars", EVERYONE),  # each their own scope
    ("/schools", {"district head"}),
    ("button st:{deadline}:0:", STATUS),  # not a pilot models' deadline: not the steering's
    ("button st:{models_deadline}:0:", MODEL_STATUS),
    ("button st:{models_deadline}:0:m1", STEERED),  # a model the department steers
    ("button st:{models_deadline}:0:m3", READ),  # one it does not
    ("button stf:{deadline}:m", READ),  # filters are for the whole sector
    ("button stf:{models_deadline}:m", STEERED),  # and for a department, among its models
    ("button stf:{models_deadline}:d", READ),
    ("button sch:{deadline}", {"district head"}),  # its own schools' submissions
    ("button schv:{sub}", set()),  # a Sở-direct school's: nobody's to read this way
    ("button progress", READ),
    ("button models", STEERED),
    ("button un:{unit}", READ),
    ("button review", WRITE),
    ("button rvp:0", WRITE),
    ("button rv:{sub}", WRITE),
    ("button rvf:{file}", WRITE),
    ("button awards", WRITE),
    ("button export", WRITE),
    ("button aw+:{unit}", WRITE),
    ("button aw:{draft}:0:option0", WRITE),  # the office clerk's own award draft
    ("button broadcast", WRITE),
    ("button broadcasts", WRITE),
    ("button pil:2016-2017", WRITE),
    ("button pil:2016-2017:6:all:0", WRITE),
    ("button pila:2016-2017:6", WRITE),
    ("button pilt:2016-2017:6:all:0:{unit}", WRITE),
    ("button bcl:district", WRITE),
    ("button bca:council", WRITE),  # replaces the clerk's award draft with an announcement
    ("button bcx:{draft}", WRITE),  # and drops it
    ("button exemplars", EVERYONE),
    ("button ex:0:", EVERYONE),
    # The school is not the district's; it is in model 1, which Phòng GDTrH steers.
    ("button exr:{exemplar}", OWN_UNIT | READ | {"steering"}),
    ("button exm:{exemplar}", OWN_UNIT),
    ("button exe:{exemplar}:rename", OWN_UNIT),
    ("button exn:{exemplar}", WRITE | {"steering"}),  # a note on its model unit's
    ("button exp:{exemplar}", WRITE),
    ("button exs:{exemplar}:fostered", WRITE),
    ("button rvr:{sub}:1", WRITE),
    ("button rva:{sub}:1", WRITE),
]


async def people(app, clock) -> dict[str, Person]:
    bound = {}
    for name, (role, unit) in ROLES.items():
        person = Person.new(app)
        code = await issue_code(app.db, clock, role, unit, department=DEPARTMENTS.get(name))
        await person.says(f"/start {code}")
        bound[name] = person
    return bound


async def ids(app) -> dict[str, int]:
    async with app.db.unit_of_work() as session:
        return {
            "sub": await session.scalar(select(Submission.id)),
            "file": await session.scalar(select(Attachment.id)),
            "unit": await session.scalar(select(Unit.id).where(Unit.code == SCHOOL)),
            "deadline": await session.scalar(
                select(Deadline.id).where(Deadline.code == "phase1-report")
            ),
            "models_deadline": await session.scalar(
                select(Deadline.id).where(Deadline.code == "model-report")
            ),
            "draft": await session.scalar(select(OfficeDraft.id)) or 0,
            "exemplar": await session.scalar(select(Exemplar.id)),
        }


async def test_every_office_and_council_feature_serves_exactly_its_roles(app, clock):
    everyone = await people(app, clock)
    await open_deadline(app, everyone["head"], "phase1_report")
    await fill_in(everyone["head"])  # something to review, with a file and an exemplar
    wrong = []
    for sent, served in MATRIX:
        for name in sorted(everyone, key=lambda n: n == "office"):  # the office acts last
            values = await ids(app)
            outcome_text = await _send(everyone[name], sent.format(**values))
            refused = any(phrase in outcome_text for phrase in REFUSALS)
            if refused == (name in served):
                wrong.append(f"{sent!r} as {name}: {'refused' if refused else 'served'}")
    assert wrong == []


async def _send(person: Person, sent: str) -> str:
    if sent.startswith("button "):
        await person.presses(sent.removeprefix("button "))
    else:
        await person.says(sent)
    return person.text
