"""The plan as data: the shipped plan 941/KH-SGD&ĐT, the calendar, and errors on bad plan files."""

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.plan import Plan, PlanError, default_plan_path, load_plan

FILE_NAME = default_plan_path().name
DEFAULT_TEXT = default_plan_path().read_text(encoding="utf-8")
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# A small plan for checks the shipped file cannot show; tests append tables to it.
MINIMAL = """
code = "1/KH-TEST"
title = "Kế hoạch thử"
title_en = "Test plan"
issued_on = 2020-01-10
start_year = 2020
end_year = 2021

[[award_types]]
code = "giay_khen"
name = "Giấy khen"
name_en = "Certificate of Commendation"
kind = "both"

[[units]]
code = "SO"
name = "Sở"
kind = "department"

[[units]]
code = "PGD-A"
name = "Phòng GD&ĐT A"
kind = "district_office"
parent = "SO"

[[units]]
code = "SCHOOL-A1"
name = "Trường A1"
kind = "school"
parent = "PGD-A"

[[models]]
number = 1
name = "Mô hình"
name_en = "Model"
steering = "Phòng GDTrH"
steering_en = "Secondary Education Department"
units = ["PGD-A"]
"""

DEADLINE = """
[[deadlines]]
code = "report"
title = "Báo cáo"
title_en = "Report"
form = "annual_report"
due = 2020-06-05
due_rule = "by"
fixed = true
school_year = "2019-2020"
source = "test"
"""


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


def write_plan(tmp_path: Path, text: str) -> Path:
    path = tmp_path / FILE_NAME
    path.write_text(text, encoding="utf-8")
    return path


def edited_default(old: str, new: str) -> str:
    """The shipped plan with one exact passage replaced (which must occur exactly once)."""
    assert DEFAULT_TEXT.count(old) == 1, old
    return DEFAULT_TEXT.replace(old, new)


def error_lines(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        load_plan(write_plan(tmp_path, text))
    return str(caught.value).splitlines()


def deadline_for_models(numbers: str) -> str:
    """DEADLINE, owed by the units of the models listed in `numbers` (TOML, e.g. "[1, 2]")."""
    return DEADLINE.replace(
        "fixed = true", f'fixed = true\naudience = "models"\nmodels = {numbers}'
    )


def unit_index(plan: Plan, code: str) -> int:
    return [unit.code for unit in plan.units].index(code)


def deadline_index(plan: Plan, code: str) -> int:
    return [deadline.code for deadline in plan.declared_deadlines].index(code)


# --- the shipped plan ---------------------------------------------------------------------------


def test_default_plan_loads_with_its_header(plan: Plan) -> None:
    assert plan.code == "941/KH-SGD&ĐT"
    assert plan.issued_on == date(2016, 6, 13)
    assert (plan.start_year, plan.end_year) == (2016, 2020)
    assert plan.tz == VIETNAM


def test_default_plan_has_the_eight_pilot_models(plan: Plan) -> None:
    assert [model.number for model in plan.models] == list(range(1, 9))
    assert plan.models[4].units == (
        "TTHTCD-MINH-TIEN",
        "TTHTCD-VAN-LINH",
        "TTHTCD-DUU-LAU",
        "TTHTCD-XUAN-LUNG",
    )
    assert plan.models[7].units == ("PGD-PHU-THO",)


def test_default_plan_has_the_ten_targets_of_the_plan(plan: Plan) -> None:
    # The plan's ten target lines; "strive to have Nhà giáo Nhân dân, Nhà giáo Ưu tú" names two
    # titles, so it is two entries (one per award) and the file holds eleven.
    assert len(plan.targets) == 11
    assert {target.note for target in plan.targets if target.strive} == {
        "Phấn đấu có Nhà giáo Nhân dân, Nhà giáo Ưu tú"
    }
    numbers = {target.award: target.target for target in plan.targets}
    assert numbers["co_thi_dua_chinh_phu"] == 3
    assert numbers["bang_khen_bo_gddt"] == 150
    assert numbers["nha_giao_nhan_dan"] is None
    assert {target.award for target in plan.targets} <= {award.code for award in plan.award_types}


def test_provincial_flag_target_splits_60_district_and_12_so_direct(plan: Plan) -> None:
    flag = next(target for target in plan.targets if target.award == "co_thi_dua_ubnd_tinh")
    assert flag.target == 72
    assert flag.split == {"district": 60, "so_direct": 12}


def test_default_plan_has_thirteen_district_offices(plan: Plan) -> None:
    offices = [unit for unit in plan.units if unit.kind == "district_office"]
    assert len(offices) == 13
    assert all(unit.parent == plan.root.code for unit in offices)
    assert plan.unit("PGD-HA-HOA").name == "Phòng GD&ĐT huyện Hạ Hòa"


def test_root_is_the_so(plan: Plan) -> None:
    assert plan.root.code == "SO"
    assert plan.root.kind == "department"
    assert len(plan.children("SO")) == 13 + 17  # district offices and Sở-direct schools


def test_community_centres_sit_under_their_district_office(plan: Plan) -> None:
    assert plan.unit("TTHTCD-DUU-LAU").parent == "PGD-VIET-TRI"
    assert [unit.code for unit in plan.children("PGD-LAM-THAO")] == ["TTHTCD-XUAN-LUNG"]


def test_block_is_derived_from_the_tree(plan: Plan) -> None:
    assert plan.block_of("TTHTCD-MINH-TIEN") == "district"
    assert plan.block_of("PGD-DOAN-HUNG") == "district"
    assert plan.block_of("THPT-CHUYEN-HUNG-VUONG") == "so_direct"
    assert plan.block_of("TRUONG-BDNG-CBQLGD") == "so_direct"
    assert plan.block_of("SO") is None


def test_a_block_given_in_the_file_wins(tmp_path: Path) -> None:
    text = MINIMAL.replace('parent = "PGD-A"', 'parent = "PGD-A"\nblock = "so_direct"')
    plan = load_plan(write_plan(tmp_path, text))
    assert plan.block_of("SCHOOL-A1") == "so_direct"
    assert plan.block_of("PGD-A") == "district"


def test_plan_survives_a_round_trip_through_json(plan: Plan) -> None:
    # The file's shape comes back with by_alias=True ("deadlines" as declared, not expanded).
    copy = Plan.model_validate_json(plan.model_dump_json(by_alias=True))
    assert copy == plan
    assert copy.deadlines == plan.deadlines


def test_lookups_name_the_unknown_code(plan: Plan) -> None:
    assert plan.award_type("nha_giao_uu_tu").name == "Nhà giáo Ưu tú"
    assert plan.deadline("annual-report-2018").due == date(2018, 6, 5)
    with pytest.raises(KeyError, match='unknown unit "NOPE"'):
        plan.unit("NOPE")
    with pytest.raises(KeyError, match='unknown deadline "annual-report"'):
        plan.deadline("annual-report")


# --- the calendar --------------------------------------------------------------------------------


def test_the_plan_fixes_the_annual_report_only_in_phase_two(plan: Plan) -> None:
    # "trước ngày 05/6 hàng năm" stands under phase 2: school years 2017-2018 and 2018-2019.
    reports = {d.code: d for d in plan.deadlines if d.form == "annual_report"}
    fixed = sorted(code for code, report in reports.items() if report.fixed)
    assert fixed == ["annual-report-2018", "annual-report-2019"]
    assert [reports[code].school_year for code in fixed] == ["2017-2018", "2018-2019"]
    # The 2017 and 2020 reports are the office's own dates, kept but not marked as the plan's.
    assert not reports["annual-report-2017"].fixed and not reports["annual-report-2020"].fixed
    assert "Văn phòng Sở" in reports["annual-report-2017"].source
    assert all(
        report.last_day.day == 4 and report.last_day.month == 6 for report in reports.values()
    )


def test_every_deadline_says_how_its_date_is_meant(tmp_path: Path) -> None:
    text = MINIMAL + DEADLINE.replace('due_rule = "by"\n', "")
    with pytest.raises(PlanError) as raised:
        load_plan(write_plan(tmp_path, text))
    assert "deadlines[0] (report).due_rule: Field required" in str(raised.value)


def test_registration_is_due_each_school_year_by_default(plan: Plan) -> None:
    registrations = [deadline for deadline in plan.deadlines if deadline.form == "registration"]
    assert [(r.code, r.due, r.school_year) for r in registrations] == [
        (f"registration-{y}", date(y, 10, 20), f"{y}-{y + 1}") for y in range(2016, 2020)
    ]
    assert not any(registration.fixed for registration in registrations)


def test_calendar_matches_the_plan(plan: Plan) -> None:
    calendar = {deadline.code: (deadline.due, deadline.fixed) for deadline in plan.deadlines}
    assert calendar["phase1-report"] == (date(2016, 10, 20), True)
    assert calendar["model-report"] == (date(2017, 1, 15), False)
    assert calendar["model-review"] == (date(2017, 5, 31), False)
    assert calendar["model-review-office"] == (date(2017, 6, 15), False)
    assert calendar["model-summary"] == (date(2019, 6, 5), False)
    assert calendar["nominations"] == (date(2020, 1, 15), False)
    assert len(calendar) == len(plan.deadlines) == 14
    assert [d.due for d in plan.deadlines] == sorted(d.due for d in plan.deadlines)
    assert all(deadline.source for deadline in plan.deadlines)


def test_before_20_october_means_the_last_day_is_19_october_vietnam_time(plan: Plan) -> None:
    report = plan.deadline("phase1-report")
    assert (report.due, report.due_rule, report.last_day) == (
        date(2016, 10, 20),
        "before",
        date(2016, 10, 19),
    )
    due_at = report.due_at(plan.tz)
    assert due_at == datetime(2016, 10, 19, 23, 59, 59, tzinfo=VIETNAM)
    assert due_at.astimezone(UTC) == datetime(2016, 10, 19, 16, 59, 59, tzinfo=UTC)
    # A date the office chose "by" keeps its own day.
    assert plan.deadline("registration-2016").last_day == date(2016, 10, 20)


def test_pilot_model_report_goes_to_exactly_the_model_units(plan: Plan) -> None:
    model_units = {code for model in plan.models for code in model.units}
    assert plan.audience_unit_codes(plan.deadline("model-report")) == model_units
    assert len(model_units) == 30
    assert "PGD-TAN-SON" not in model_units


def test_audience_all_is_every_unit_but_the_so(plan: Plan) -> None:
    audience = plan.audience_unit_codes(plan.deadline("phase1-report"))
    assert audience == {unit.code for unit in plan.units} - {"SO"}


def test_audience_can_name_some_models(tmp_path: Path) -> None:
    text = MINIMAL + deadline_for_models("[1]")
    plan = load_plan(write_plan(tmp_path, text))
    assert plan.audience_unit_codes(plan.deadline("report")) == {"PGD-A"}


# --- bad plan files ------------------------------------------------------------------------------


def test_toml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    text = edited_default("start_year = 2016\n", "start_year = \n")
    line = text.splitlines().index("start_year = ") + 1
    assert error_lines(tmp_path, text) == [f"{FILE_NAME}: line {line}, column 14: Invalid value"]


def test_wrong_type_names_the_key_path(tmp_path: Path, plan: Plan) -> None:
    text = edited_default("due = 2017-05-31", 'due = "31/05/2017"')
    index = deadline_index(plan, "model-review")
    [line] = error_lines(tmp_path, text)
    assert line.startswith(
        f"{FILE_NAME}: deadlines[{index}] (model-review).due: Input should be a valid date"
    )


def test_unknown_parent_names_the_unit(tmp_path: Path, plan: Plan) -> None:
    text = edited_default('parent = "PGD-LAM-THAO"', 'parent = "PGD-X"')
    index = unit_index(plan, "TTHTCD-XUAN-LUNG")
    assert error_lines(tmp_path, text) == [
        f'{FILE_NAME}: units[{index}] (TTHTCD-XUAN-LUNG).parent: unknown unit "PGD-X"'
    ]


def test_duplicate_unit_code(tmp_path: Path, plan: Plan) -> None:
    text = edited_default('code = "PGD-TAN-SON"', 'code = "PGD-THANH-SON"')
    index, first = unit_index(plan, "PGD-TAN-SON"), unit_index(plan, "PGD-THANH-SON")
    assert error_lines(tmp_path, text) == [
        f"{FILE_NAME}: units[{index}] (PGD-THANH-SON).code: "
        f'duplicate code "PGD-THANH-SON" (first at units[{first}])'
    ]


def test_split_not_summing_to_its_target(tmp_path: Path) -> None:
    text = edited_default("district = 60", "district = 59")
    assert error_lines(tmp_path, text) == [
        f"{FILE_NAME}: targets[2].split: the split adds up to 71, but the target is 72"
    ]


def test_unknown_unit_in_a_model(tmp_path: Path) -> None:
    text = edited_default('"THPT-PHONG-CHAU",', '"THPT-XYZ",')
    assert error_lines(tmp_path, text) == [
        f'{FILE_NAME}: models[3].units[5]: unknown unit "THPT-XYZ"'
    ]


def test_unknown_award_in_a_target(tmp_path: Path) -> None:
    text = edited_default('award = "co_thi_dua_bo"', 'award = "co_thi_dua_so"')
    assert error_lines(tmp_path, text) == [
        f'{FILE_NAME}: targets[1].award: unknown award type "co_thi_dua_so"'
    ]


def test_extra_key_is_refused(tmp_path: Path, plan: Plan) -> None:
    text = edited_default('code = "nominations"', 'code = "nominations"\ndue_date = 2020-01-15')
    index = deadline_index(plan, "nominations")
    assert error_lines(tmp_path, text) == [
        f"{FILE_NAME}: deadlines[{index}] (nominations).due_date: Extra inputs are not permitted"
    ]


def test_every_problem_is_listed_on_its_own_line(tmp_path: Path) -> None:
    text = edited_default('"THPT-PHONG-CHAU",', '"THPT-XYZ",').replace(
        'award = "co_thi_dua_bo"', 'award = "co_thi_dua_so"'
    )
    lines = error_lines(tmp_path, text)
    assert len(lines) == 2
    assert all(line.startswith(f"{FILE_NAME}: ") for line in lines)


def test_plan_error_carries_no_traceback_chain(tmp_path: Path) -> None:
    with pytest.raises(PlanError) as caught:
        load_plan(write_plan(tmp_path, "code = "))
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match=r"^nope\.toml: cannot read the file"):
        load_plan(tmp_path / "nope.toml")


def test_cycle_in_the_unit_tree(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        'kind = "district_office"\nparent = "SO"', 'kind = "district_office"\nparent = "SCHOOL-A1"'
    )
    assert error_lines(tmp_path, text) == [
        f"{FILE_NAME}: units[1] (PGD-A).parent: the parents form a cycle: "
        "PGD-A -> SCHOOL-A1 -> PGD-A"
    ]


def test_second_unit_without_parent(tmp_path: Path) -> None:
    text = MINIMAL.replace('kind = "district_office"\nparent = "SO"', 'kind = "district_office"')
    assert error_lines(tmp_path, text) == [
        f'{FILE_NAME}: units[1] (PGD-A).parent: missing: only the root unit "SO" may have no parent'
    ]


def test_target_needs_a_number_or_strive(tmp_path: Path) -> None:
    text = MINIMAL + '\n[[targets]]\naward = "giay_khen"\n'
    assert error_lines(tmp_path, text) == [
        f'{FILE_NAME}: targets[0]: a target needs a number ("target = 15") or "strive = true"'
    ]


def test_deadline_for_an_unknown_model(tmp_path: Path) -> None:
    text = MINIMAL + deadline_for_models("[2]")
    assert error_lines(tmp_path, text) == [
        f"{FILE_NAME}: deadlines[0] (report).models[0]: unknown model 2"
    ]


def test_dates_outside_the_plan_years(tmp_path: Path) -> None:
    text = MINIMAL + DEADLINE.replace("due = 2020-06-05", "due = 2026-06-05")
    assert error_lines(tmp_path, text) == [
        f"{FILE_NAME}: deadlines[0] (report).due: 2026-06-05 is outside the plan's years 2019-2022"
    ]


def test_yearly_code_clashing_with_a_declared_code(tmp_path: Path) -> None:
    yearly = DEADLINE.replace('source = "test"', 'source = "test"\nrepeat_yearly_until = 2021')
    clash = DEADLINE.replace('code = "report"', 'code = "report-2021"')
    assert error_lines(tmp_path, MINIMAL + yearly + clash) == [
        f"{FILE_NAME}: deadlines[1] (report-2021).code: "
        'duplicate deadline code "report-2021" (also made by deadlines[0])'
    ]


def test_reminders_inside_quiet_hours(tmp_path: Path) -> None:
    text = MINIMAL + DEADLINE + "reminders = { at = 22:30:00 }\n"
    assert error_lines(tmp_path, text) == [
        f"{FILE_NAME}: deadlines[0] (report).reminders: "
        "reminders at 22:30 would fall in the quiet hours 21:00-07:00"
    ]
