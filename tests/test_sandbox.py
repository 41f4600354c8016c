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
    assert "not a date" in out or "ngày" in out
    assert "/as office, /as council" in out
