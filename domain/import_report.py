"""What an import did, and its summary in Vietnamese for the secretariat."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.text import tidy

_SHOWN_CHARS = 80


@dataclass(frozen=True)
class UnknownDeadline:
    """An item whose deadline text was not understood: the secretariat must fix it."""

    code: str
    number: str
    section: str
    raw: str
    reason: str | None = None


@dataclass
class ImportReport:
    """Counts and changes of one import (or of a dry run)."""

    source: str
    dry_run: bool = False
    tasks: int = 0
    indicators: int = 0
    agencies: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    assignments_created: int = 0
    assignments_closed: int = 0
    new_agencies: list[str] = field(default_factory=list)
    unknown_deadlines: list[UnknownDeadline] = field(default_factory=list)
    without_deadline: int = 0
    changes: list[str] = field(default_factory=list)
    # What the file looked wrong in without stopping the import (merged rows, repeated numbers).
    warnings: list[str] = field(default_factory=list)
    # (item code, group wording): led by a group the registry cannot expand into members.
    unexpanded_groups: list[tuple[str, str]] = field(default_factory=list)

    @property
    def items(self) -> int:
        """Items in the file."""
        return self.tasks + self.indicators


def render_import_summary(report: ImportReport) -> str:
    """The import summary a secretariat reads, in Vietnamese."""
    head = "Chạy thử (không ghi vào cơ sở dữ liệu)" if report.dry_run else "Đã nhập"
    lines = [
        f"{head}: {report.source}",
        f"- {report.items} mục: {report.tasks} nhiệm vụ, {report.indicators} chỉ tiêu",
        f"- {report.agencies} cơ quan chủ trì"
        + (f" ({len(report.new_agencies)} cơ quan mới)" if report.new_agencies else ""),
        f"- Mới: {report.created} · Cập nhật: {report.updated} · Không đổi: {report.unchanged}",
        f"- Thời hạn chưa hiểu được: {len(report.unknown_deadlines)}",
    ]
    if report.without_deadline:
        lines.append(f"- Mục không ghi thời hạn: {report.without_deadline}")
    if report.assignments_created or report.assignments_closed:
        lines.append(
            f"- Phân công: thêm {report.assignments_created}, bỏ {report.assignments_closed}"
        )
    if report.new_agencies:
        lines.append("Cơ quan mới (chưa có trong danh mục): " + "; ".join(report.new_agencies))
    if report.unknown_deadlines:
        lines.append("Cần sửa thời hạn:")
        lines.extend(
            f"  {u.code} (STT {u.number}{', ' + u.section if u.section else ''}):"
            f" “{_shown(u.raw)}”" + (f" — {u.reason}" if u.reason else "")
            for u in report.unknown_deadlines
        )
        lines.append("  (đặt thời hạn: /thoihan MÃ THỜI_HẠN, ví dụ /thoihan NV12 30/11/2025)")
    if report.warnings:
        lines.append("Cần kiểm tra:")
        lines.extend(f"  ⚠️ {warning}" for warning in report.warnings)
    if report.unexpanded_groups:
        by_group: dict[str, list[str]] = {}
        for code, group in report.unexpanded_groups:
            by_group.setdefault(group, []).append(code)
        lines.append("Cần phân công cơ quan chủ trì cụ thể (nhóm đơn vị chưa có danh sách thành"
                     " viên trong danh mục cơ quan):")
        lines.extend(f"  “{group}”: {', '.join(codes)}" for group, codes in by_group.items())
    if report.changes:
        lines.append("Thay đổi:")
        lines.extend(f"  {change}" for change in report.changes)
    return "\n".join(lines)


def _shown(raw: str) -> str:
    """A cell as quoted in the summary: one line, and a pasted page cut short."""
    text = tidy(raw)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"
