"""Filled submissions of each form, with Vietnamese diacritics, for the document tests."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Deadline, Submission, Unit
from bot.services.paperwork import documents
from bot.services.reporting.review import item
from tests.helpers import submit_report

SCHOOL = "THPT-CHUYEN-HUNG-VUONG"
PDF = {
    "channel": "telegram",
    "file_ref": "file-1",
    "file_name": "bản-ký.pdf",
    "mime_type": "application/pdf",
    "size": 200_000,
    "is_photo": False,
}
EXEMPLARS = [
    {
        "name": "Tổ Toán - Tin",
        "kind": "collective",
        "field": "Giảng dạy",
        "achievements": "Đổi mới phương pháp dạy học; 12 giải học sinh giỏi cấp tỉnh.",
    },
    {
        "name": "Nguyễn Thị Hương",
        "kind": "individual",
        "field": "Quản lý",
        "achievements": "Xây dựng thư viện thân thiện.",
    },
]
# Per form: the deadline it answers and a filled submission.
FILLED = {
    "registration": (
        "registration-2016",
        {
            "collective_title": "tap_the_lao_dong_xuat_sac",
            "collective_commendation": "bang_khen_ubnd_tinh",
            "individuals": [
                {
                    "full_name": "Nguyễn Văn Đức",
                    "position": "Giáo viên",
                    "title": "chien_si_thi_dua_co_so",
                    "commendation": "giay_khen",
                },
                {
                    "full_name": "Trần Thị Ánh",
                    "position": "Phó hiệu trưởng",
                    "title": "lao_dong_tien_tien",
                },
                {
                    "full_name": "Lê Hoàng Yến",
                    "position": "Tổ trưởng",
                    "title": "chien_si_thi_dua_cap_tinh",
                },
            ],
            "key_targets": (
                "100% giáo viên đạt chuẩn; 30 giải học sinh giỏi.\nGiữ vững trường chuẩn quốc gia."
            ),
            "has_initiatives": "yes",
            "initiatives": [{"author": "Phạm Quốc Việt", "topic": "Ứng dụng bản đồ tư duy"}],
            "signed_copy": PDF,
        },
    ),
    "phase1_report": (
        "phase1-report",
        {
            "programme": "Phát động phong trào thi đua “Dạy tốt, học tốt” trong toàn trường.",
            "plan_signed_on": "2016-09-05",
            "exemplars": EXEMPLARS,
            "signed_plan": PDF,
        },
    ),
    "model_report": (
        "model-report",
        {"models": ["1"], "selected": EXEMPLARS[:1], "progress": "Đã triển khai ở 3 khối lớp."},
    ),
    "model_review": (
        "model-review",
        {
            "models": ["1"],
            "results": "Chất lượng giáo dục mũi nhọn được nâng lên rõ rệt.",
            "exemplars_count": 4,
            "replication": "Nhân rộng ra các trường trong huyện.",
            "shortcomings": "Kinh phí còn hạn chế.",
        },
    ),
    "annual_report": (
        "annual-report-2017",
        {
            "carried_out": "Triển khai đầy đủ kế hoạch 941.",
            "models_built": "Mô hình “Trường học thân thiện”.",
            "new_exemplars": 2,
            "exemplars": EXEMPLARS,
            "awards": [
                {"award": "bang_khen_ubnd_tinh", "count": 3},
                {"award": "co_thi_dua_ubnd_tinh", "count": 1},
            ],
            "shortcomings": "Việc tuyên truyền chưa thường xuyên.",
            "next_year": "Tiếp tục bồi dưỡng điển hình.",
            "signed_report": PDF,
        },
    ),
    "nominations": (
        "nominations",
        {
            "nominees": [
                {
                    "name": "Đỗ Thị Thủy",
                    "kind": "individual",
                    "achievements": "5 năm liền Chiến sĩ thi đua cơ sở.",
                    "proposed_award": "bang_khen_bo_gddt",
                },
                {"name": "Tổ Ngữ văn", "kind": "collective", "achievements": "Tập thể xuất sắc."},
            ]
        },
    ),
}


async def submission_id(db: Database, deadline_code: str, unit_code: str = SCHOOL) -> int:
    async with db.unit_of_work() as session:
        return await session.scalar(
            select(Submission.id)
            .join(Deadline, Deadline.id == Submission.deadline_id)
            .join(Unit, Unit.id == Submission.unit_id)
            .where(Deadline.code == deadline_code, Unit.code == unit_code)
        )


async def built(db: Database, deadline_code: str, version: int | None = None, unit=SCHOOL):
    identifier = await submission_id(db, deadline_code, unit)
    async with db.unit_of_work() as session:
        return await documents.build(session, await item(session, identifier), version=version)


async def resubmit(db: Database, clock, deadline_code: str, answers: dict, unit=SCHOOL) -> None:
    """The unit's next version of a submission, saved through the real service."""
    await submit_report(db, clock, unit, deadline_code, answers)
