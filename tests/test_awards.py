"""Awards recorded from decisions: one at a time, from a spreadsheet, and from the command line."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.db import audit
from bot.db.database import Database
from bot.db.models import AuditEntry, Award, Unit
from bot.db.repositories import PeopleRepository
from bot.i18n import Translator
from bot.services.awards import register as awards
from bot.services.awards.importing import AwardImportSummary, import_awards
from bot.services.awards.quotas import progress
from bot.services.awards.register import AwardEntry, record_award
from bot.services.documents.spreadsheets import SpreadsheetError
from tests.conftest import VIETNAM

EXAMPLE = Path(__file__).parent.parent / "examples" / "awards-decisions.csv"
# English messages are the msgids themselves: these tests need no catalog entry.
ENGLISH = Translator("en", VIETNAM)
HEADER = "award_type,recipient,kind,unit,decision_number,decision_date\n"


@pytest.fixture
def clock() -> ManualClock:
    # The example's decisions run to 2019: the office records them in mid-2020.
    return ManualClock(datetime(2020, 6, 1, 9, 0, tzinfo=VIETNAM))


async def unit_ids(db: Database) -> dict[str, int]:
    async with db.unit_of_work() as session:
        return {unit.code: unit.id for unit in await session.scalars(select(Unit))}


async def count(db: Database, model: type) -> int:
    async with db.unit_of_work() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def award_audit(db: Database) -> list[AuditEntry]:
    """The audit log but the plan's loading."""
    async with db.unit_of_work() as session:
        query = select(AuditEntry).where(AuditEntry.action.like("award%")).order_by(AuditEntry.id)
        return list(await session.scalars(query))


async def stored(db: Database) -> list[tuple[str, str, bool, str, date]]:
    async with db.unit_of_work() as session:
        rows = await session.execute(
            select(Award, Unit.code).join(Unit, Unit.id == Award.unit_id).order_by(Award.id)
        )
        return [
            (a.decision_number, a.recipient_name, a.collective, code, a.decision_date)
            for a, code in rows
        ]


def a_flag(unit_id: int, **changes) -> AwardEntry:
    values = {
        "award_code": "co_thi_dua_ubnd_tinh",
        "recipient_name": "Phòng GD&ĐT huyện Lâm Thao",
        "collective": True,
        "unit_id": unit_id,
        "decision_number": "1520/QĐ-UBND",
        "decision_date": date(2017, 6, 26),
    }
    return AwardEntry(**{**values, **changes})


async def record(db: Database, clock, entry: AwardEntry, actor: str = "cli") -> tuple[int, bool]:
    async with db.unit_of_work() as session:
        award, new = await record_award(session, clock, entry, actor=actor)
        return award.id, new


async def import_file(db: Database, clock, source, _=ENGLISH, **options) -> AwardImportSummary:
    async with db.unit_of_work() as session:
        return await import_awards(session, clock, source, _, actor="cli", **options)


# --- one award at a time ---------------------------------------------------------------------


async def test_recording_an_award_twice_is_one_award(plan_db, clock) -> None:
    units = await unit_ids(plan_db)
    async with plan_db.unit_of_work() as session:
        identity = await PeopleRepository(session).add_person(
            full_name="Văn phòng Sở",
            locale="vi",
            channel="telegram",
            user_id="1",
            chat_id="1",
            now=clock.now(),
        )
    actor = audit.person_actor(identity.person_id)

    first = await record(plan_db, clock, a_flag(units["PGD-LAM-THAO"]), actor)
    again = await record(plan_db, clock, a_flag(units["PGD-LAM-THAO"]), actor)

    assert first[1] is True and again == (first[0], False)
    assert await count(plan_db, Award) == 1
    async with plan_db.unit_of_work() as session:
        award = await session.get(Award, first[0])
    entries = await award_audit(plan_db)
    assert (award.recorded_by, award.recorded_at) == (identity.person_id, clock.now())
    assert [(e.action, e.actor, e.subject) for e in entries] == [
        ("award.record", actor, f"award:{award.id}")
    ]
    assert entries[0].details["decision_date"] == "2017-06-26"


async def test_spacing_case_and_accent_composition_do_not_make_another_award(
    plan_db, clock
) -> None:
    unit = (await unit_ids(plan_db))["THPT-VIET-TRI"]
    person = {"award_code": "bang_khen_ubnd_tinh", "collective": False}
    variants = [
        a_flag(unit, **person, recipient_name="Nguyễn Thị Hương", decision_number="1521/QĐ-UBND"),
        a_flag(
            unit, **person, recipient_name="  nguyễn   THỊ hương ", decision_number="1521 / qđ-ubnd"
        ),
        a_flag(
            unit,
            **person,
            recipient_name=unicodedata.normalize("NFD", "Nguyễn Thị Hương"),
            decision_number=unicodedata.normalize("NFD", "1521/QĐ-UBND "),
        ),
    ]

    results = [await record(plan_db, clock, variant) for variant in variants]

    assert [new for _id, new in results] == [True, False, False]
    assert await stored(plan_db) == [
        ("1521/QĐ-UBND", "Nguyễn Thị Hương", False, "THPT-VIET-TRI", date(2017, 6, 26))
    ]


@pytest.mark.parametrize(
    "second", ["Nguyễn Văn Ân", "Trần Thị Mai"], ids=["accents-matter", "another-person"]
)
async def test_two_recipients_of_one_decision_are_two_awards(plan_db, clock, second) -> None:
    unit = (await unit_ids(plan_db))["THPT-VIET-TRI"]
    person = {"award_code": "bang_khen_ubnd_tinh", "collective": False}

    await record(plan_db, clock, a_flag(unit, **person, recipient_name="Nguyễn Văn An"))
    _id, new = await record(plan_db, clock, a_flag(unit, **person, recipient_name=second))

    assert new is True
    assert await count(plan_db, Award) == 2


async def test_losing_a_race_to_the_same_award_returns_the_one_recorded(
    plan_db, clock, monkeypatch
) -> None:
    unit = (await unit_ids(plan_db))["PGD-LAM-THAO"]
    theirs, _new = await record(plan_db, clock, a_flag(unit))
    look_up = awards._recorded
    calls = []

    async def not_yet_visible(*args):
        # The other recording commits between our look-up and our insert.
        calls.append(args)
        return None if len(calls) == 1 else await look_up(*args)

    monkeypatch.setattr(awards, "_recorded", not_yet_visible)

    assert await record(plan_db, clock, a_flag(unit)) == (theirs, False)
    assert await count(plan_db, Award) == 1
    assert len(await award_audit(plan_db)) == 1


async def test_an_award_the_plan_does_not_give_to_individuals_is_refused(plan_db, clock) -> None:
    unit = (await unit_ids(plan_db))["PGD-LAM-THAO"]

    with pytest.raises(awards.AwardError, match="not given to individuals"):
        await record(plan_db, clock, a_flag(unit, collective=False))

    assert await count(plan_db, Award) == 0


async def test_quota_progress_counts_recorded_awards_as_verified_by_block(plan_db, clock) -> None:
    units = await unit_ids(plan_db)
    # Hand-computed: flags to a district office (district block) and to a Sở-direct school,
    # the first recorded twice; a certificate of merit to a teacher of that school.
    for code, recipient in [
        ("PGD-LAM-THAO", "Phòng GD&ĐT huyện Lâm Thao"),
        ("PGD-LAM-THAO", "Phòng GD&ĐT huyện Lâm Thao"),
        ("THPT-VIET-TRI", "Trường THPT Việt Trì"),
    ]:
        await record(plan_db, clock, a_flag(units[code], recipient_name=recipient))
    await record(
        plan_db,
        clock,
        a_flag(
            units["THPT-VIET-TRI"],
            award_code="bang_khen_ubnd_tinh",
            recipient_name="Nguyễn Thị Hương",
            collective=False,
            decision_number="1521/QĐ-UBND",
        ),
    )

    async with plan_db.unit_of_work() as session:
        lines = {line.award_code: line for line in await progress(session)}

    flags = lines["co_thi_dua_ubnd_tinh"]
    assert (flags.target, flags.verified, flags.left, flags.percent) == (72, 2, 70, 3)
    assert {(b.block, b.target, b.verified) for b in flags.blocks} == {
        ("district", 60, 1),
        ("so_direct", 12, 1),
    }
    assert (lines["bang_khen_ubnd_tinh"].verified, lines["bang_khen_ubnd_tinh"].left) == (1, 149)
    assert lines["co_thi_dua_bo"].verified == 0


# --- spreadsheets ----------------------------------------------------------------------------


async def test_a_good_xlsx_with_date_cells_and_headers_without_accents(
    plan_db, clock, tmp_path
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "STT",
            "Danh hieu / hinh thuc khen thuong",
            "Nguoi/tap the duoc khen",
            "TAP THE/CA NHAN",
            "Don vi",
            "So quyet dinh",
            "Ngay quyet dinh",
        ]
    )
    sheet.append(
        [
            1,
            "Cờ thi đua UBND tỉnh",
            None,
            "Tập thể",
            "truong thpt viet tri",
            "1520/QĐ-UBND",
            datetime(2017, 6, 26),
        ]
    )
    sheet.append(
        [
            2,
            "co_thi_dua_ubnd_tinh",
            None,
            None,
            "PGD-LAM-THAO",
            "1520/QĐ-UBND",
            datetime(2017, 6, 26),
        ]
    )
    sheet.append(
        [
            3,
            "Chiến sĩ thi đua cấp tỉnh",
            "Trần Văn Minh",
            "cá nhân",
            "PGD-LAM-THAO",
            2105,
            "15/08/2018",
        ]
    )
    sheet.append([4])  # numbered in advance, nothing else: not a row to import
    path = tmp_path / "quyet-dinh.xlsx"
    workbook.save(path)

    summary = await import_file(plan_db, clock, path)

    assert summary == AwardImportSummary(new=3, already_recorded=0, repeated_rows=0)
    assert await stored(plan_db) == [
        ("1520/QĐ-UBND", "Trường THPT Việt Trì", True, "THPT-VIET-TRI", date(2017, 6, 26)),
        ("1520/QĐ-UBND", "Phòng GD&ĐT huyện Lâm Thao", True, "PGD-LAM-THAO", date(2017, 6, 26)),
        ("2105", "Trần Văn Minh", False, "PGD-LAM-THAO", date(2018, 8, 15)),
    ]
    actions = [entry.action for entry in await award_audit(plan_db)]
    assert actions == ["award.record"] * 3 + ["awards.import"]


async def test_the_example_csv_sent_as_bytes_then_again_from_its_path(plan_db, clock) -> None:
    # A chat hands the file over as bytes with its name; the command line, as a path.
    first = await import_file(
        plan_db, clock, EXAMPLE.read_bytes(), file_name="awards-decisions.csv"
    )
    second = await import_file(plan_db, clock, EXAMPLE)

    assert first == AwardImportSummary(new=9, already_recorded=0, repeated_rows=0)
    assert second == AwardImportSummary(new=0, already_recorded=9, repeated_rows=0)
    awarded = await stored(plan_db)
    assert len(awarded) == 9
    assert (
        "1520/QĐ-UBND",
        "Trường THPT Chuyên Hùng Vương",
        True,
        "THPT-CHUYEN-HUNG-VUONG",
        date(2017, 6, 26),
    ) in awarded  # "Cờ thi đua của UBND tỉnh", unit by its name
    assert ("2345/QĐ-CTN", "Phạm Văn Đức", False, "PGD-DOAN-HUNG", date(2017, 11, 20)) in awarded


async def test_every_bad_row_is_reported_at_its_cell_and_nothing_is_written(
    plan_db, clock, tmp_path
) -> None:
    path = tmp_path / "awards.csv"
    path.write_text(
        HEADER
        + "co_thi_dua_bo,,,SO,10/QĐ-BGDĐT,01/07/2017\n"  # sound, but the file is not
        + "Cờ thi đua tỉnh,,,SO,11/QĐ,01/07/2017\n"
        + "bang_khen_ubnd_tinh,,,Trường Ma,,32/01/2017\n"
        + "co_thi_dua_bo,Ông A,individual,SO,12/QĐ,01/01/2015\n"
        + "giay_khen,Bà B,cá nhân,SO,13/QĐ,02/06/2020\n"
        + "giay_khen,,cá nhân,SO,14/QĐ,2017-06-01\n",
        encoding="utf-8",
    )

    with pytest.raises(SpreadsheetError) as raised:
        await import_file(plan_db, clock, path)

    assert raised.value.problems[:-1] == [
        'row 3, column A (award_type): unknown award type "Cờ thi đua tỉnh"',
        "row 4, column C (kind): missing: Provincial People's Committee Certificate of Merit "
        'is given to collectives and individuals; write "collective" or "individual"',
        'row 4, column D (unit): unknown unit "Trường Ma"; write the unit code or its full name',
        "row 4, column E (decision_number): missing",
        'row 4, column F (decision_date): not a date: "32/01/2017"; write it as dd/mm/yyyy',
        "row 5, column C (kind): Ministry Emulation Flag is given to collectives only",
        "row 6, column F (decision_date): 02/06/2020 is in the future",
        "row 7, column B (recipient): missing: the name of the person awarded",
        'row 7, column F (decision_date): not a date: "2017-06-01"; write it as dd/mm/yyyy',
    ]
    assert raised.value.problems[-1].startswith("Award types of the plan: Advanced Worker; ")
    assert await count(plan_db, Award) == 0
    assert await award_audit(plan_db) == []


async def test_a_repeated_row_counts_once_and_a_contradicting_one_is_refused(
    plan_db, clock, tmp_path
) -> None:
    rows = [
        "giay_khen,Nguyễn Văn An,individual,SO,13/QĐ-SGDĐT,01/07/2017",
        "giay_khen,NGUYỄN VĂN AN,individual,SO,13 / QĐ-SGDĐT,01/07/2017",  # copied twice
    ]
    path = tmp_path / "awards.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    contradicting = tmp_path / "contradicting.csv"
    contradicting.write_text(
        HEADER
        + "\n".join(
            [*rows, "giay_khen,Nguyễn Văn An,individual,PGD-LAM-THAO,13/QĐ-SGDĐT,02/07/2017"]
        )
        + "\n",
        encoding="utf-8",
    )

    with pytest.raises(SpreadsheetError) as raised:
        await import_file(plan_db, clock, contradicting)
    summary = await import_file(plan_db, clock, path)

    assert str(raised.value) == (
        "row 4: the same decision number and recipient as row 2, but a different "
        '"unit", "decision_date"'
    )
    assert summary == AwardImportSummary(new=1, already_recorded=0, repeated_rows=1)
    assert summary.describe(ENGLISH) == (
        "Awards imported: 1 new, 0 already recorded.\nRows repeated in the file, counted once: 1"
    )


async def test_a_unit_name_shared_by_two_units_asks_for_the_code(plan_db, clock, tmp_path):
    async with plan_db.unit_of_work() as session:
        parent = await session.scalar(select(Unit).where(Unit.code == "PGD-LAM-THAO"))
        for code in ("TH-KIM-DONG-LT", "TH-KIM-DONG-VT"):
            session.add(
                Unit(
                    code=code,
                    name="Trường Tiểu học Kim Đồng",
                    search_name="truong tieu hoc kim dong",
                    kind="school",
                    block="district",
                    parent=parent,
                )
            )
    path = tmp_path / "awards.csv"
    path.write_text(HEADER + "giay_khen,,tập thể,Trường Tiểu học Kim Đồng,5/QĐ,01/07/2017\n")

    with pytest.raises(SpreadsheetError) as raised:
        await import_file(plan_db, clock, path)

    assert str(raised.value) == (
        'row 2, column D (unit): "Trường Tiểu học Kim Đồng" names several units '
        "(TH-KIM-DONG-LT, TH-KIM-DONG-VT); write the unit code"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HEADER, "awards.csv: no awards below the header (row 1)"),
        ("award_type,recipient\n", 'awards.csv: missing required column "kind" (Tập thể/cá nhân)'),
    ],
)
async def test_files_that_hold_no_awards(plan_db, clock, content, message) -> None:
    with pytest.raises(SpreadsheetError) as raised:
        await import_file(plan_db, clock, content.encode(), file_name="awards.csv")

    assert raised.value.problems[0] == message


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def cli(cli, monkeypatch):
    """The command line (conftest's), in English, with the plan loaded."""
    monkeypatch.setenv("DEFAULT_LOCALE", "en")
    cli("plan", "load")
    return cli


def test_cli_imports_the_example_then_lists_a_units_awards(cli) -> None:
    code, out, _ = cli("awards", "import", str(EXAMPLE))
    assert (code, out) == (0, "Awards imported: 9 new, 0 already recorded.\n")
    assert cli("awards", "import", str(EXAMPLE))[1] == (
        "Awards imported: 0 new, 9 already recorded.\n"
    )

    code, listing, _ = cli("awards", "list", "--unit", "thpt-viet-tri")

    assert code == 0
    assert listing.splitlines() == [
        "26/06/2017\t1521/QĐ-UBND\tbang_khen_ubnd_tinh\tTHPT-VIET-TRI\tindividual\t"
        "Nguyễn Thị Hương",
        "26/06/2017\t1521/QĐ-UBND\tbang_khen_ubnd_tinh\tTHPT-VIET-TRI\tcollective\t"
        "Tổ Toán - Tin, Trường THPT Việt Trì",
    ]
    assert len(cli("awards", "list")[1].splitlines()) == 9
    assert cli("awards", "list", "--unit", "NOPE")[:2] == (2, "")


def test_cli_refuses_a_bad_file_naming_every_row_and_records_nothing(cli, tmp_path) -> None:
    bad = tmp_path / "awards.csv"
    bad.write_text(
        HEADER
        + "co_thi_dua_bo,,,SO,10/QĐ-BGDĐT,01/07/2017\n"
        + "co_thi_dua_bo,,,SO,,01/07/2017\n"
        + "co_thi_dua_bo,,,PGD-XYZ,12/QĐ-BGDĐT,01/07/2017\n"
    )

    code, out, err = cli("awards", "import", str(bad))

    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "thidua: row 3, column E (decision_number): missing",
        'row 4, column D (unit): unknown unit "PGD-XYZ"; write the unit code or its full name',
    ]
    assert cli("awards", "list")[1] == ""


def test_cli_speaks_vietnamese_by_default(cli, monkeypatch, tmp_path) -> None:
    """Needs the new messages in locales/vi (NEW_MESSAGES.json)."""
    monkeypatch.setenv("DEFAULT_LOCALE", "vi")
    bad = tmp_path / "khen-thuong.csv"
    bad.write_text(
        "Danh hiệu/Hình thức khen thưởng;Người/tập thể được khen;Tập thể/cá nhân;Đơn vị;"
        "Số quyết định;Ngày quyết định\n"
        "Cờ thi đua Bộ;;;SO;10/QĐ-BGDĐT;01/07/2030\n"
    )

    assert cli("awards", "import", str(EXAMPLE))[1] == (
        "Đã nhập khen thưởng: 9 mới, 0 đã có từ trước.\n"
    )
    assert cli("awards", "import", str(bad))[2] == (
        "thidua: Dòng 2, cột F (Ngày quyết định): ngày 01/07/2030 là ngày trong tương lai\n"
    )
