"""The ``thidua`` command as the office and the operator use it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from thidua.cli import main

CODE = re.compile(r"Mã mời: ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})")


def test_plan_load_then_show_lists_the_calendar(cli):
    code, out, _ = cli("plan", "load")
    assert code == 0
    assert "941/KH-SGD&ĐT" in out

    code, out, _ = cli("plan", "show")
    assert code == 0
    # Fixed by the plan: no asterisk; "trước ngày 20/10/2016" is said, and its last day shown.
    assert "  19/10/2016 (trước ngày 20/10/2016)  " in out
    assert "  15/01/2017*  " in out  # the office's date for "end of semester I"
    assert "  04/06/2017* (trước ngày 05/06/2017)  " in out  # no annual report in 2017 by the plan
    assert "  04/06/2018 (trước ngày 05/06/2018)  " in out
    assert "Cờ thi đua UBND tỉnh: 72 (khối huyện, thành, thị 60, khối trực thuộc Sở 12)" in out
    assert "Huân chương Độc lập: 1 (chỉ tính tập thể)" in out
    assert "trao cho chính Sở được tính vào tổng của toàn ngành, không thuộc khối nào" in out


def test_a_broken_plan_file_is_refused_with_the_key_and_nothing_loaded(cli, tmp_path):
    broken = tmp_path / "plan.toml"
    from bot.plan import default_plan_path

    broken.write_text(default_plan_path().read_text().replace("target = 72", "target = 70", 1))
    code, _, err = cli("plan", "load", str(broken))
    assert code == 2
    assert err.startswith("thidua: plan.toml: targets[")
    assert "split" in err

    _, out, _ = cli("units", "list")
    assert out == ""


def test_invite_create_prints_a_code_expiry_and_deep_link(cli):
    cli("plan", "load")
    code, out, _ = cli(
        "invite",
        "create",
        "--unit",
        "THPT-HUNG-VUONG",
        "--role",
        "head",
        "--bot-username",
        "thidua_phutho_bot",
    )
    assert code == 0
    invite = CODE.search(out).group(1)
    assert f"https://t.me/thidua_phutho_bot?start={invite.replace('-', '')}" in out
    assert "Hiệu lực đến:" in out
    # The role as the bot names it, in the session's language: not the code typed after --role.
    assert "Dành cho: thủ trưởng đơn vị · Trường THPT Hùng Vương" in out
    assert "head" not in out

    _, listing, _ = cli("invite", "list")
    assert "#1\tthủ trưởng đơn vị\tTHPT-HUNG-VUONG\tcòn hiệu lực" in listing
    assert invite.replace("-", "") not in listing

    assert cli("invite", "revoke", "#1")[0] == 0
    _, listing, _ = cli("invite", "list")
    assert "#1\tthủ trưởng đơn vị\tTHPT-HUNG-VUONG\tđã thu hồi" in listing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("invite", "create", "--role", "head"), "vai trò head cần có --unit"),
        (("invite", "create", "--role", "head", "--unit", "NOPE"), "không có đơn vị NOPE"),
        (("invite", "revoke", "ZZZZ"), "không có mã mời chưa dùng nào khớp với 'ZZZZ'"),
        (("roles", "grant", "--person", "99", "--role", "office"), "không có người nào mang số 99"),
        (("remind", "--at", "31/02/2017"), "--at: '31/02/2017' không phải là ngày hợp lệ"),
    ],
)
def test_bad_requests_exit_2_with_one_line(cli, args, message):
    cli("plan", "load")
    code, _, err = cli(*args)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_in_english_the_same_refusal_is_english(cli, monkeypatch):
    cli("plan", "load")
    monkeypatch.setenv("DEFAULT_LOCALE", "en")

    code, out, err = cli("invite", "create", "--role", "head", "--unit", "NOPE")

    assert (code, out) == (2, "")
    assert err == "thidua: unknown unit NOPE: load the plan or import units\n"
    code, out, _ = cli("invite", "create", "--role", "council")
    assert "For: member of the Emulation and Commendation Council · Sở Giáo dục" in out


def test_bad_arguments_are_refused_by_the_parser(cli):
    with pytest.raises(SystemExit) as exited:
        cli("invite", "create", "--role", "king", "--unit", "SO")
    assert exited.value.code == 2


def test_units_import_extends_the_plan_and_a_second_import_changes_nothing(cli):
    example = Path(__file__).parent.parent / "examples" / "units-extra-schools.csv"
    cli("plan", "load")

    code, out, _ = cli("units", "import", str(example))
    assert (code, out.strip()) == (0, "Đã nhập đơn vị: 7 mới, 0 cập nhật, 0 không đổi.")
    _, out, _ = cli("units", "import", str(example))
    assert out.strip() == "Đã nhập đơn vị: 0 mới, 0 cập nhật, 7 không đổi."

    _, listing, _ = cli("units", "list")
    assert "THCS-VAN-LANG\tTrường\tKhối huyện\tPGD-VIET-TRI\tTrường THCS Văn Lang" in listing
    assert "TTGDTX-TINH\tTrung tâm\tKhối trực thuộc Sở\tSO\t" in listing


def test_a_file_with_bad_rows_names_them_and_imports_nothing(cli, tmp_path):
    bad = tmp_path / "units.csv"
    bad.write_text(
        "code,name,kind,parent_code\n"
        "TH-A,Trường A,school,PGD-VIET-TRI\n"
        "TH-B,Trường B,castle,PGD-VIET-TRI\n"
        "TH-C,,school,PGD-VIET-TRI\n"
    )
    cli("plan", "load")
    _, before, _ = cli("units", "list")

    code, _, err = cli("units", "import", str(bad))

    assert code == 2
    assert "row 3" in err and "row 4" in err
    assert cli("units", "list")[1] == before


def test_roles_grant_to_a_bound_person(cli, database_url):
    import asyncio

    from bot.clock import SystemClock
    from bot.db.database import Database
    from bot.db.repositories import PeopleRepository

    cli("plan", "load")

    async def bind() -> int:
        db = Database(database_url)
        async with db.unit_of_work() as session:
            identity = await PeopleRepository(session).add_person(
                full_name="Nguyễn Văn A",
                locale="vi",
                channel="telegram",
                user_id="7",
                chat_id="7",
                now=SystemClock().now(),
            )
        await db.dispose()
        return identity.person_id

    person_id = asyncio.run(bind())
    code, out, _ = cli("roles", "grant", "--person", str(person_id), "--role", "council")
    assert (code, out.strip()) == (0, "Đã cấp vai trò.")
    _, people, _ = cli("people", "list")
    assert (
        f"{person_id}\tNguyễn Văn A\tthành viên Hội đồng Thi đua – Khen thưởng @ SO\ttelegram"
        in people
    )


def test_remind_preview_lists_who_would_be_reminded_and_sends_nothing(cli, database_url):
    import asyncio

    from sqlalchemy import func, select

    from bot.db.database import Database
    from bot.db.models import OutboxMessage

    cli("plan", "load")
    _bind_head(database_url, "THPT-VIET-TRI", "Nguyễn Văn Bình")

    code, out, _ = cli("remind", "--preview", "--at", "13/10/2016 08:00")

    assert code == 0
    # A week before each last day: 19/10 for the phase-1 report, 20/10 for the registration.
    assert "08:00 12/10/2016\tphase1-report\tTHPT-VIET-TRI\tNguyễn Văn Bình\ttelegram" in out
    assert "08:00 13/10/2016\tregistration-2016\tTHPT-VIET-TRI\tNguyễn Văn Bình\ttelegram" in out
    assert out.strip().endswith("Số nhắc nhở đến hạn lúc 08:00 13/10/2016: 2")

    async def queued() -> int:
        db = Database(database_url)
        async with db.unit_of_work() as session:
            count = await session.scalar(select(func.count()).select_from(OutboxMessage))
        await db.dispose()
        return count

    assert asyncio.run(queued()) == 0
    assert cli("remind", "--at", "31/02/2016")[0] == 2


def _bind_head(database_url: str, unit_code: str, name: str) -> None:
    import asyncio

    from bot.clock import SystemClock
    from bot.db.database import Database
    from bot.db.models import Role
    from bot.db.repositories import PeopleRepository, UnitRepository

    async def bind() -> None:
        db = Database(database_url)
        async with db.unit_of_work() as session:
            people = PeopleRepository(session)
            identity = await people.add_person(
                full_name=name,
                locale="vi",
                channel="telegram",
                user_id="77",
                chat_id="77",
                now=SystemClock().now(),
            )
            unit = await UnitRepository(session).by_code(unit_code)
            await people.grant(
                identity.person, Role.HEAD, unit, now=SystemClock().now(), granted_by="t"
            )
        await db.dispose()

    asyncio.run(bind())


def test_models_assign_sets_a_years_pilots_and_says_what_changes(cli):
    cli("plan", "load")

    code, out, _ = cli(
        "models", "assign", "--year", "2018-2019", "--model", "7", "PGD-LAM-THAO", "PGD-PHU-THO"
    )

    assert code == 0
    assert "➕ Phòng GD&ĐT thị xã Phú Thọ: nay phải nộp Tổng kết công tác" in out
    assert "➖ Phòng GD&ĐT thành phố Việt Trì: không còn phải nộp báo cáo" in out
    _, before, _ = cli("models", "show", "--year", "2017-2018")
    _, after, _ = cli("models", "show", "--year", "2019-2020")  # carried on
    for shown, present, absent in ((before, "VIET-TRI", "PHU-THO"), (after, "PHU-THO", "VIET-TRI")):
        model_seven = shown.split("mô hình 7.")[1].split("mô hình 8.")[0]
        assert f"PGD-{present}" in model_seven and f"PGD-{absent}" not in model_seven


def test_models_assign_refuses_a_year_or_unit_not_in_the_plan(cli):
    cli("plan", "load")
    code, _, err = cli("models", "assign", "--year", "2021-2022", "--model", "7")
    assert code == 2
    assert "2021-2022 không phải là năm học của kế hoạch (2016-2017, 2017-2018" in err
    code, _, err = cli("models", "assign", "--year", "2017-2018", "--model", "7", "PGD-X")
    assert (code, err) == (2, "thidua: Không có đơn vị PGD-X có thể chọn chỉ đạo điểm.\n")
    code, _, err = cli("models", "assign", "--year", "2017-2018", "--model", "9", "PGD-X")
    assert "Kế hoạch không có mô hình 9 (các mô hình: 1, 2, 3, 4, 5, 6, 7, 8)." in err


def test_a_listing_piped_into_head_ends_quietly(cli, monkeypatch):
    """`thidua units list | head -1`: the reader has gone before the listing ends; the
    command stops quietly, exit code 0, instead of a BrokenPipeError traceback."""
    import os

    assert cli("plan", "load")[0] == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # head has read its line and left
    with os.fdopen(write_end, "w", buffering=1) as gone:  # a line at a time, as a tty
        monkeypatch.setattr("sys.stdout", gone)
        assert main(["units", "list"]) == 0
