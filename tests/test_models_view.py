"""/models: each pilot model with its steering department, units and report status."""

from __future__ import annotations

from bot.db.models import Role, SubmissionStatus
from tests.helpers import Person, issue_code, record_submission


async def test_models_list_units_with_their_report_status(app, clock):
    await record_submission(app.db, clock, "THPT-CHUYEN-HUNG-VUONG", "model_report")
    await record_submission(
        app.db, clock, "TRUONG-BDNG-CBQLGD", "model_report", SubmissionStatus.RETURNED
    )
    council = Person.new(app)
    await council.says(f"/start {await issue_code(app.db, clock, Role.COUNCIL)}")

    await council.says("/models")

    text = council.text
    assert "15/01/2017" in text  # the pilot-model report is the next model deadline
    model_six = text.split("6. ")[1].split("\n\n")[0]
    assert "đơn vị chỉ đạo: Phòng Đào tạo Bồi dưỡng" in model_six
    assert "Trường THPT Chuyên Hùng Vương ✅" in model_six
    assert "Trường Bồi dưỡng Nhà giáo và CBQLGD ❌" in model_six  # returned counts as owing
    assert text.count("\n\n") >= 8  # all eight models


async def test_a_unit_head_is_refused_models(app, clock):
    head = Person.new(app)
    await head.says(f"/start {await issue_code(app.db, clock, Role.HEAD, 'THPT-VIET-TRI')}")
    await head.says("/models")
    assert "không dành cho bạn" in head.text
