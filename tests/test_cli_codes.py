"""Item codes carry the appendix's own row numbers, in `dondoc export` and `dondoc tasks`."""

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.appendix_files import WRITERS, Layout, Table
from tests.conftest import EXAMPLE_APPENDIX, EXAMPLE_REGISTRY

runner = CliRunner()


@pytest.fixture(autouse=True)
def database(monkeypatch, tmp_path) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    return tmp_path / "cli.db"


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def exported() -> list[dict]:
    return json.loads(invoke("export", "--format", "json").stdout)


def test_every_seed_code_carries_its_row_number():
    invoke("agencies", "import", str(EXAMPLE_REGISTRY))
    invoke("import", str(EXAMPLE_APPENDIX))
    items = exported()
    assert len(items) == 93
    for item in items:
        prefix = "NV" if item["kind"] == "task" else "CT"
        assert item["code"] == f"{prefix}{item['number']}", item
        assert item["appendix_number"] == int(item["number"])
    by_code = {item["code"]: item for item in items}
    # The examples: section II row 47 and row 2, section I row 5.
    assert by_code["NV47"]["text"] == "Triển khai bệnh án điện tử"
    assert by_code["NV2"]["text"].startswith("Xây dựng kế hoạch để mỗi người dân có danh tính")
    assert by_code["CT5"]["text"] == "Công trình khoa học và công nghệ cấp tỉnh được nghiệm thu"
    # Section I's overdue rows 21-22 are section II's rows 1-2 (merged): one item, one code.
    assert "CT21" not in by_code and by_code["NV1"]["assessment"].startswith("Quá hạn")


def _two_task_sections() -> Layout:
    """Another office's layout: agency before the task, two task sections numbered from 1."""
    header = ["STT", "Cơ quan chủ trì", "Nội dung nhiệm vụ", "Thời gian hoàn thành",
              "Văn bản giao"]
    first = Table(header, "A. Nhiệm vụ về thể chế", [
        ["1", "Sở Tư pháp", "Ban hành quy chế chia sẻ dữ liệu", "Tháng 11/2025",
         "Kế hoạch 331-KH/TU"],
        ["2", "Sở Nội vụ", "Rà soát thủ tục hành chính trên môi trường số", "Quý IV/2025",
         "Kế hoạch 331-KH/TU"]])
    second = Table(header, "B. Nhiệm vụ về hạ tầng", [
        ["1", "Sở Khoa học và Công nghệ", "Nâng cấp trung tâm dữ liệu tỉnh", "Năm 2026",
         "Kế hoạch 331-KH/TU"],
        ["2", "Sở Khoa học và Công nghệ", "Phủ sóng 5G khu công nghiệp", "Quý II/2026",
         "Kế hoạch 331-KH/TU"],
        ["3", "Sở Khoa học và Công nghệ", "Kết nối cáp quang các xã", "Năm 2026",
         "Kế hoạch 331-KH/TU"]])
    return Layout(["PHỤ LỤC", "DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ NĂM 2026",
                   "(kèm theo Kế hoạch số 12-KH/BCĐ ngày 05/01/2026 của Ban Chỉ đạo)"],
                  [first, second])


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_codes_of_another_layout_and_a_second_appendix(tmp_path, suffix):
    invoke("import", str(EXAMPLE_APPENDIX))
    path = tmp_path / f"phu-luc-12-KH-BCD{suffix}"
    WRITERS[suffix](_two_task_sections(), path)
    invoke("import", str(path), "--year", "2026")
    items = [item for item in exported() if item["deadline"]["raw"] and
             item["text"] in {"Ban hành quy chế chia sẻ dữ liệu",
                              "Rà soát thủ tục hành chính trên môi trường số",
                              "Nâng cấp trung tâm dữ liệu tỉnh", "Phủ sóng 5G khu công nghiệp",
                              "Kết nối cáp quang các xã"}]
    codes = {item["text"]: item["code"] for item in items}
    # NV1, NV2, NV3 are the seed's; this appendix's section A takes the next thousand, section
    # B (all its rows) the one after: every code still ends in its own row number.
    assert codes == {"Ban hành quy chế chia sẻ dữ liệu": "NV1001",
                     "Rà soát thủ tục hành chính trên môi trường số": "NV1002",
                     "Nâng cấp trung tâm dữ liệu tỉnh": "NV2001",
                     "Phủ sóng 5G khu công nghiệp": "NV2002", "Kết nối cáp quang các xã": "NV2003"}
    for item in exported():
        assert re.fullmatch(r"(NV|CT)\d{1,4}", item["code"])
        assert item["appendix_number"] == int(item["number"]), item


def test_tasks_shows_vietnamese_status_names(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    invoke("agencies", "import", str(EXAMPLE_REGISTRY))
    invoke("import", str(EXAMPLE_APPENDIX))
    output = invoke("tasks", "--agency", "Sở Y tế").stdout
    assert "Chưa báo cáo" in output
    assert "not_started" not in output and "in_progress" not in output
