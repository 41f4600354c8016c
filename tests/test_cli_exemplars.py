"""``thidua exemplars``: the register of exemplars as the office reads and checks it from the
command line, on records made by submitting reports through the real services."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Exemplar, ExemplarStage, OutboxMessage, Role
from bot.i18n import Translator
from bot.services.exemplars.wording import checked_notice
from tests.conftest import VIETNAM
from tests.helpers import bind_directly, submit_report

_ = Translator("vi", VIETNAM)
HEAD_OF_VIET_TRI = 501


def _exemplar(name: str, kind: str = "collective", field: str | None = None) -> dict:
    return {"name": name, "kind": kind, "field": field, "achievements": "Nhiều thành tích"}


@pytest.fixture
def reported(cli, database_url, clock) -> dict[str, int]:
    """Three units' reports name four exemplars; THPT Việt Trì has a head in chat. Returns the
    records' ids by name."""
    assert cli("plan", "load")[0] == 0

    async def setup() -> dict[str, int]:
        db = Database(database_url)
        await bind_directly(db, clock.now(), Role.HEAD, "THPT-VIET-TRI", [HEAD_OF_VIET_TRI])
        phase1 = {"programme": "Bồi dưỡng điển hình", "plan_signed_on": "2016-09-15"}
        await submit_report(
            db,
            clock,
            "THPT-VIET-TRI",
            "phase1-report",
            {
                **phase1,
                "exemplars": [
                    _exemplar("Tổ Toán - Tin", field="Giảng dạy"),
                    _exemplar("Nguyễn Thị Hương", "individual"),
                ],
            },
        )
        await submit_report(
            db,
            clock,
            "THPT-HUNG-VUONG",
            "phase1-report",
            {**phase1, "exemplars": [_exemplar("Đoàn trường")]},
        )
        await submit_report(
            db,
            clock,
            "PGD-VIET-TRI",
            "model-report",
            {"models": ["7"], "selected": [_exemplar("Trường Mầm non Hoa Hồng")]},
        )
        async with db.unit_of_work() as session:
            ids = {r.name: r.id for r in await session.scalars(select(Exemplar))}
        await db.dispose()
        return ids

    return asyncio.run(setup())


def _outbox(database_url: str) -> list[OutboxMessage]:
    async def read() -> list[OutboxMessage]:
        db = Database(database_url)
        async with db.unit_of_work() as session:
            found = list(await session.scalars(select(OutboxMessage)))
        await db.dispose()
        return found

    return asyncio.run(read())


def _lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("#")]


def test_list_gives_the_counts_then_each_record_of_the_sector(cli, reported):
    code, out, _err = cli("exemplars", "list")

    assert code == 0
    assert out.startswith(_("Exemplars in the register: {count}", count=4))
    assert _("In no pilot model: {count}", count=3) in out
    assert f"#{reported['Tổ Toán - Tin']}\tTHPT-VIET-TRI\tTổ Toán - Tin\t{_('collective')}\t" in out
    hoa_hong = next(line for line in _lines(out) if "Hoa Hồng" in line)
    assert hoa_hong.split("\t")[1:] == [
        "PGD-VIET-TRI",
        "Trường Mầm non Hoa Hồng",
        _("collective"),
        _("fostered"),  # a pilot model's report: fostered in model 7
        "7",
    ]
    huong = next(line for line in _lines(out) if "Hương" in line)
    assert huong.split("\t")[3:] == [_("individual"), _("found"), ""]
    assert len(_lines(out)) == 4


def test_list_searches_without_diacritics_and_narrows_to_a_unit_or_a_stage(cli, reported):
    _code, out, _err = cli("exemplars", "list", "--search", "nguyen thi huong")
    assert [line.split("\t")[2] for line in _lines(out)] == ["Nguyễn Thị Hương"]
    _code, out, _err = cli("exemplars", "list", "--search", "TO TOAN")
    assert [line.split("\t")[2] for line in _lines(out)] == ["Tổ Toán - Tin"]
    _code, out, _err = cli("exemplars", "list", "--search", "hung vuong")  # the unit's name
    assert [line.split("\t")[2] for line in _lines(out)] == ["Đoàn trường"]

    _code, out, _err = cli("exemplars", "list", "--unit", "thpt-viet-tri")
    assert out.startswith(_("Exemplars in the register: {count}", count=2))
    assert {line.split("\t")[2] for line in _lines(out)} == {"Tổ Toán - Tin", "Nguyễn Thị Hương"}

    _code, out, _err = cli("exemplars", "list", "--stage", "fostered")
    assert [line.split("\t")[2] for line in _lines(out)] == ["Trường Mầm non Hoa Hồng"]
    _code, out, _err = cli("exemplars", "list", "--stage", "honoured")
    assert _lines(out) == [] and _("No record matches.") in out

    code, _out, err = cli("exemplars", "list", "--unit", "NOPE")
    assert (code, err) == (2, f"thidua: {_('Unknown unit {code}.', code='NOPE')}\n")


def test_show_prints_the_card_with_its_history(cli, reported):
    code, out, _err = cli("exemplars", "show", str(reported["Tổ Toán - Tin"]))

    assert code == 0
    assert out.startswith("🔍 Tổ Toán - Tin\n")
    assert _("Field: {field}", field="Giảng dạy") in out
    assert _("Stage: {stage}", stage=_("found")) in out
    assert "Báo cáo nội dung, chương trình, biện pháp xây dựng điển hình tiên tiến" in out
    assert _("History:") in out
    assert "01/10/2016 · " in out  # reported on the test clock's day

    code, _out, err = cli("exemplars", "show", "999")
    assert (code, err) == (2, f"thidua: {_('No exemplar record #{id}.', id=999)}\n")


def test_check_changes_the_stage_keeps_the_note_and_tells_the_unit(cli, reported, database_url):
    record_id = reported["Tổ Toán - Tin"]

    code, out, _err = cli(
        "exemplars", "check", str(record_id), "--stage", "replicated", "--note", " Đã kiểm tra "
    )

    assert code == 0
    assert f"#{record_id}" in out and "Tổ Toán - Tin" in out and _("replicated") in out
    assert out.rstrip().endswith("1.")  # the one head of THPT Việt Trì
    _code, card, _err = cli("exemplars", "show", str(record_id))
    assert _("Stage: {stage}", stage=_("replicated")) in card
    assert card.rstrip().endswith(
        _("stage {before} → {after}", before=_("found"), after=_("replicated")) + ": Đã kiểm tra"
    )
    [notice] = _outbox(database_url)
    record = Exemplar(name="Tổ Toán - Tin", stage=ExemplarStage.REPLICATED)
    expected = checked_notice(record, ExemplarStage.FOUND, "Đã kiểm tra", _)
    assert notice.payload["text"] == expected
    assert "Đã kiểm tra" in expected and _("replicated") in expected

    # A note alone is kept too, and the unit told again.
    assert cli("exemplars", "check", str(record_id), "--note", "Tiếp tục nhân rộng")[0] == 0
    assert len(_outbox(database_url)) == 2
    _code, card, _err = cli("exemplars", "show", str(record_id))
    assert card.rstrip().endswith(_("note") + ": Tiếp tục nhân rộng")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("--stage", "honoured"), "An exemplar is honoured by the award decision that names it."),
        ((), "Nothing to change: give a note or another stage."),
        (("--stage", "found", "--note", "  "), "Nothing to change: give a note or another stage."),
    ],
)
def test_a_refused_check_says_why_changes_nothing_and_tells_no_one(
    cli, reported, database_url, args, reason
):
    record_id = str(reported["Nguyễn Thị Hương"])
    _code, before, _err = cli("exemplars", "show", record_id)

    code, out, err = cli("exemplars", "check", record_id, *args)

    assert (code, out, err) == (2, "", f"thidua: {_(reason)}\n")
    assert cli("exemplars", "show", record_id)[1] == before
    assert _outbox(database_url) == []


def test_checking_an_unknown_record_is_refused(cli, reported):
    code, _out, err = cli("exemplars", "check", "999", "--note", "x")
    assert (code, err) == (2, f"thidua: {_('No exemplar record #{id}.', id=999)}\n")
    with pytest.raises(SystemExit):
        cli("exemplars", "check", "abc", "--note", "x")


def test_select_steers_a_teacher_as_a_pilot_and_tells_the_unit(cli, reported, database_url):
    teacher = str(reported["Nguyễn Thị Hương"])

    code, out, _err = cli("exemplars", "select", teacher, "--model", "2", "--year", "2017-2018")

    assert code == 0 and "mô hình 2" in out and "2017-2018" in out and out.rstrip().endswith("1.")
    _code, card, _err = cli("exemplars", "show", teacher)
    assert "Giai đoạn: bồi dưỡng" in card
    assert "chọn chỉ đạo điểm mô hình 2, năm học 2017-2018" in card
    [notice] = _outbox(database_url)
    assert "để chỉ đạo điểm mô hình 2." in notice.payload["text"]

    code, _out, err = cli("exemplars", "select", teacher, "--model", "2", "--year", "2017-2018")
    assert code == 2 and "đã được chọn cho mô hình này" in err
    code, _out, err = cli("exemplars", "select", teacher, "--model", "9", "--year", "2017-2018")
    assert code == 2 and "Không có mô hình điểm 9 trong năm học 2017-2018" in err
    code, _out, err = cli("exemplars", "select", teacher, "--model", "2", "--year", "2031-2032")
    assert code == 2 and "năm học 2031-2032" in err
