"""`thidua sandbox` (what `make demo` runs), driven as a newcomer would type into it."""

from __future__ import annotations

import os
import subprocess
import sys
import time


def sandbox(tmp_path, *lines: str) -> tuple[str, float]:
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DATABASE_URL"}}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--db", str(tmp_path / "sandbox.db")],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, time.monotonic() - started


def test_a_principal_is_bound_sees_deadlines_becomes_the_office_and_moves_the_clock(tmp_path):
    out, _ = sandbox(
        tmp_path,
        "1",  # the first menu button: deadlines
        "/as office",
        "/deadlines",
        "/clock 21/10/2016 09:00",
        "/as unit THPT-VIET-TRI",
        "/deadlines",
        "/quit",
    )
    assert "> /start " in out  # bound the real way, with an invite code
    assert "Liên kết thành công! Bạn là thủ trưởng đơn vị" in out
    assert "[1] 📅 Hạn nộp" in out
    assert "còn 19 ngày" in out
    assert "Liên kết thành công! Bạn là cán bộ Văn phòng Sở" in out
    assert "Đã nộp: 0/" in out
    assert "Đồng hồ: 09:00 21/10/2016" in out
    assert "⏰ Nhắc hạn: Đăng ký thi đua (2016-2017)" in out  # the scheduler ran on the new date
    assert "INFO" not in out
    assert "Hạn nộp của Trường THPT Việt Trì" in out
    assert "quá hạn 1 ngày" in out


def test_a_second_run_keeps_the_binding(tmp_path):
    sandbox(tmp_path, "/quit")
    out, _ = sandbox(tmp_path, "/quit")
    assert "Chào mừng" in out and "Liên kết thành công" not in out


def test_a_bad_clock_date_is_explained(tmp_path):
    out, _ = sandbox(tmp_path, "/clock 31/02/2016", "/as king", "/quit")
    assert "“31/02/2016” không phải là ngày hợp lệ. Dùng /clock NN/TT/NNNN [GG:PP]." in out
    assert "Dùng /as office, /as council hoặc /as unit MÃ-ĐƠN-VỊ." in out


def test_every_line_of_the_frame_speaks_vietnamese(tmp_path):
    out, _ = sandbox(
        tmp_path,
        "/clock 21/10/2016 09:00",  # the scheduler sends the principal two reminders
        "/as unit NOPE",
        "/file",
        "/file /no/such/file.pdf",
        "/quit",
    )
    # A message the bot sends on its own names its reader as the bot's greeting does.
    assert "📨 Tin nhắn gửi Hiệu trưởng THPT-CHUYEN-HUNG-VUONG:\n\n⏰ Nhắc hạn:" in out
    assert "Message for" not in out and "head:" not in out
    assert "— Bạn đang là: Hiệu trưởng NOPE —\nkhông có đơn vị NOPE: hãy nạp kế hoạch" in out
    assert "Dùng /file ĐƯỜNG_DẪN, đường dẫn của một tệp trên máy tính này." in out
    assert "Không có tệp /no/such/file.pdf. Dùng /file ĐƯỜNG_DẪN." in out
    assert "unknown" not in out and "not a date" not in out


PHASE_ONE_REPORT = [
    "/report",
    "1",  # the phase-1 report
    "Chương trình phát hiện, bồi dưỡng điển hình của trường",
    "01/09/2016",
    "thêm",
    "Tổ Toán",
    "1",  # a collective
    "Dạy học",
    "Nhiều giải học sinh giỏi",
    "xong",
    "/file {plan}",
    "gửi",
    "có",
]
MODEL_REPORT = [
    "/report",
    "1",  # the pilot-model report of semester I
    "1",  # model 1
    "xong",
    "thêm",
    "TO TOAN",  # the same exemplar, typed without accents
    "1",
    "Dạy học",
    "Đổi mới phương pháp",
    "xong",
    "Triển khai theo kế hoạch",
    "bỏ qua",
    "gửi",
    "có",
]


def test_played_through_the_years_the_register_shows_an_exemplars_history(tmp_path):
    plan = tmp_path / "ke-hoach.pdf"
    plan.write_bytes(b"%PDF-1.4\n%sandbox\n")
    out, _ = sandbox(
        tmp_path,
        *(line.format(plan=plan) for line in PHASE_ONE_REPORT),
        "/clock 05/01/2017 09:00",
        *MODEL_REPORT,
        "/clock 20/11/2018 09:00",
        "/as office",
        "/exemplars to toan",
        "1",  # the record
        "2",  # → replicated
        "/clock 01/05/2019 09:00",
        "/as unit THPT-CHUYEN-HUNG-VUONG",
        "/exemplars",
        "1",
        "/quit",
    )
    assert "Số điển hình trong sổ theo dõi: 1" in out
    card = out.rsplit("🔁 Tổ Toán\nTrường THPT Chuyên Hùng Vương · tập thể", 1)[1]
    assert "Giai đoạn: nhân rộng" in card
    assert "01/10/2016 · báo cáo trong Báo cáo nội dung" in card
    assert "05/01/2017 · báo cáo trong Báo cáo kết quả lựa chọn" in card and "“TO TOAN”" in card
    assert "05/01/2017 · giai đoạn phát hiện → bồi dưỡng" in card
    assert "20/11/2018 · giai đoạn bồi dưỡng → nhân rộng" in card
    assert "Văn phòng Sở đã kiểm tra điển hình “Tổ Toán” của đơn vị" in out
