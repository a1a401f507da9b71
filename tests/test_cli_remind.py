"""`dondoc remind` through the CLI entry: the dry run, the scan, the sending, the refusals."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import EXAMPLE_REGISTRY
from tests.fakes import FakeClock, RecordingMessenger

runner = CliRunner()
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Health's task is due on the day, home affairs' two months late, finance's due with nobody to tell.
APPENDIX = """PHỤ LỤC
NHIỆM VỤ THỬ

II- Danh sách nhiệm vụ phải hoàn thành

STT\tNhiệm vụ\tVăn bản giao nhiệm vụ\tCơ quan chủ trì thực hiện\tThời hạn hoàn thành
1.\tTriển khai bệnh án điện tử\tKế hoạch số 328-KH/TU ngày 24/4/2025\tSở Y tế\t29/9/2025
2.\tRà soát hạ tầng số\tKế hoạch số 328-KH/TU ngày 24/4/2025\tSở Nội vụ\t31/7/2025
3.\tSố hóa hồ sơ ngân sách\tKế hoạch số 328-KH/TU ngày 24/4/2025\tSở Tài chính\t29/9/2025
"""
DRY_RUN = """=== focal #1 Lê Thị Hoa · telegram:101
Kính gửi đồng chí Lê Thị Hoa, cán bộ đầu mối của Sở Y tế,
Ban Chỉ đạo đề nghị đồng chí cập nhật tình hình thực hiện 1 nhiệm vụ sau:
• NV1 – Triển khai bệnh án điện tử (hạn 29/09/2025, đến hạn hôm nay)
   Chưa có báo cáo. Đến hạn hôm nay: đề nghị báo cáo kết quả (kèm văn bản) hoặc xin gia hạn.
Trả lời tin nhắn này hoặc gõ mã nhiệm vụ kèm tình trạng, ví dụ: NV1 đã hoàn thành
--- vì sao:
  NV1: nhắc đúng ngày đến hạn (hạn 29/09/2025) [due_today]

=== secretariat #2 Văn phòng BCĐ · telegram:900
Kính gửi Cơ quan thường trực Ban Chỉ đạo,
Hệ thống đôn đốc báo cáo: có 1 nhiệm vụ quá hạn từ 40 ngày làm việc trở lên \
(đã thông báo tới lãnh đạo các đơn vị đã đăng ký):
Sở Nội vụ:
• NV2 – Rà soát hạ tầng số (hạn 31/07/2025, quá hạn 40 ngày làm việc)
   Chưa có báo cáo.
--- vì sao:
  NV2: báo lãnh đạo đơn vị và Cơ quan thường trực: quá hạn 40 ngày làm việc (hạn 31/07/2025); \
báo khi quá hạn từ 10 ngày làm việc, các lần báo cách nhau ít nhất 10 ngày làm việc \
[escalation_40]

=== secretariat · telegram:900
Kính gửi Cơ quan thường trực Ban Chỉ đạo,
Các đơn vị sau chưa đăng ký cán bộ đầu mối nên chưa nhận được nhắc việc ngày 29/09/2025:
Sở Nội vụ:
• NV2 – Rà soát hạ tầng số (hạn 31/07/2025, quá hạn 60 ngày)
Sở Tài chính:
• NV3 – Số hóa hồ sơ ngân sách (hạn 29/09/2025, đến hạn hôm nay)
Đề nghị đôn đốc các đơn vị đăng ký cán bộ đầu mối để nhận nhắc việc.

! agency 2 (Sở Nội vụ) has no leader registered: escalation goes to the secretariat only

! agency 2 (Sở Nội vụ) has no focal person registered: its reminders are listed for the \
secretariat

! agency 3 (Sở Tài chính) has no focal person registered: its reminders are listed for the \
secretariat
"""
PEOPLE = [("Sở Y tế", "focal", "101", "Lê Thị Hoa"), (None, "secretariat", "900", "Văn phòng BCĐ")]


class Clock:
    """The commands' wall clock, set by the test (the CLI reads `datetime.now`)."""

    at = datetime(2025, 9, 29, 8, 30, tzinfo=TZ)


class FrozenDatetime(datetime):
    """`datetime` whose now() is the test's clock."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> FrozenDatetime:
        moment = Clock.at.astimezone(tz or UTC)
        return cls.fromisoformat(moment.isoformat())


@pytest.fixture(autouse=True)
def database(monkeypatch, tmp_path) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("DONDOC_TELEGRAM_TOKEN", raising=False)
    monkeypatch.setattr("cli.main.datetime", FrozenDatetime)
    monkeypatch.setattr("cli.wiring.datetime", FrozenDatetime)  # remind reads service_clock
    monkeypatch.setattr(Clock, "at", datetime(2025, 9, 29, 8, 30, tzinfo=TZ))
    return tmp_path / "cli.db"


def invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def imported(database, tmp_path) -> Path:
    """The tasks imported on Monday 29/09/2025, a health focal person and a secretariat."""
    (tmp_path / "phu-luc.txt").write_text(APPENDIX, encoding="utf-8")
    assert invoke("agencies", "import", str(EXAMPLE_REGISTRY)).exit_code == 0
    assert invoke("import", str(tmp_path / "phu-luc.txt")).exit_code == 0
    with sqlite3.connect(database) as connection:
        for agency, role, chat, name in PEOPLE:
            agency_id = connection.execute("SELECT id FROM agency WHERE name = ?",
                                           (agency,)).fetchone() if agency else None
            connection.execute(
                "INSERT INTO focal_person (agency_id, role, channel, chat_id, name, active,"
                " reachable, linked_at, preferred, console_generation)"
                " VALUES (?, ?, 'telegram', ?, ?, 1, 1, '2025-09-01 00:00:00.000000', 0, 0)",
                (agency_id and agency_id[0], role, chat, name))
    return database


def outbox(database: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT chat_id, kind, status FROM outbox ORDER BY chat_id, id").fetchall()


def test_dry_run_prints_each_message_with_its_reason_and_queues_nothing(imported):
    result = invoke("remind", "--dry-run", "--today", "2025-09-29")
    assert result.exit_code == 0, result.output
    assert result.output == DRY_RUN
    assert outbox(imported) == []


def test_dry_run_on_a_quiet_day_says_so_in_one_line(imported):
    result = invoke("remind", "--dry-run", "--today", "2025-09-20")
    assert result.exit_code == 0, result.output
    assert result.output == "Ngày 20/09/2025: không có tin nhắc việc nào.\n"


def test_dry_run_without_a_day_plans_today_by_the_clock(imported):
    assert invoke("remind", "--dry-run").output == invoke(
        "remind", "--dry-run", "--today", "2025-09-29").output


def test_remind_without_a_token_queues_and_says_the_messages_wait(imported):
    result = invoke("remind")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Quét ngày 29/09/2025: 4 bước nhắc, 2 tin (2 phần), 1 tin báo đơn vị chưa có đầu mối.",
        "Chưa cấu hình DONDOC_TELEGRAM_TOKEN: tin nhắn nằm chờ trong hàng đợi.",
    ]
    assert outbox(imported) == [("101", "reminder", "queued"), ("900", "escalation", "queued"),
                                ("900", "unreachable_list", "queued")]
    again = invoke("remind")
    assert again.output.splitlines()[0] == (
        "Quét ngày 29/09/2025: 0 bước nhắc, 0 tin (0 phần), 0 tin báo đơn vị chưa có đầu mối.")
    assert len(outbox(imported)) == 3


def test_remind_after_hours_queues_and_names_the_next_opening(imported, monkeypatch):
    monkeypatch.setattr(Clock, "at", datetime(2025, 9, 29, 18, 0, tzinfo=TZ))
    result = invoke("remind")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "Ngoài giờ làm việc: tin nhắn chờ gửi lúc 08:00 30/09/2025."]
    assert [status for _, _, status in outbox(imported)] == ["queued"] * 3


def test_remind_sends_what_it_queued_through_the_configured_channel(imported, monkeypatch):
    messenger = RecordingMessenger(FakeClock())
    monkeypatch.setattr("cli.remind.configured_messengers",
                        lambda settings: {"telegram": messenger})
    result = invoke("remind")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "Đã gửi 3, thử lại sau 0, lỗi 0, không liên lạc được 0."]
    assert sorted(d.chat_id for d in messenger.deliveries) == ["101", "900", "900"]
    assert [status for _, _, status in outbox(imported)] == ["sent"] * 3


def test_a_day_is_only_for_the_dry_run_and_must_be_a_date():
    refused = invoke("remind", "--today", "2025-09-29")
    assert refused.exit_code == 1
    assert "--today chỉ dùng cùng --dry-run" in refused.output
    bad = invoke("remind", "--dry-run", "--today", "30/09/2025")
    assert bad.exit_code == 1
    assert "Ngày không hợp lệ: '30/09/2025' (cần dạng YYYY-MM-DD)" in bad.output


def test_a_token_gives_the_telegram_messenger_and_none_gives_none():
    from bot.telegram_messenger import TelegramMessenger
    from cli.remind import configured_messengers
    from config import Settings

    assert configured_messengers(Settings()) == {}
    messengers = configured_messengers(Settings(telegram_token="123:abc"))
    assert list(messengers) == ["telegram"]
    assert isinstance(messengers["telegram"], TelegramMessenger)
