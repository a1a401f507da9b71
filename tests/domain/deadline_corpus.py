"""A labelled corpus of deadline cells, grouped by kind, each with the parse a person reads.

Written from the phrasing of real appendices and plans (Công văn 4362-CV/TU and its Kế hoạch
331-KH/TU, the committee's meeting reports): the cells as secretariats type them, with their
capitals, labels, stray punctuation and notes. The default year is 2025 (the document's).

Expected parses are written compactly (see `label`):
  "2025-09-30"                 a due date
  "2025-12-31 +yearly"         a first due date, then recurring
  "monthly"  "monthly d25"     recurring, with its day of the period (PeriodDay.encoded)
  "dependent"                  no fixed date: reminded like "Theo tiến độ TW"
  "unknown"                    not read: flagged at import, set with /thoihan
"""

from __future__ import annotations

from domain.deadline_model import Deadline

YEAR = 2025


def label(deadline: Deadline) -> str:
    """The compact form of a parse, as the corpus writes its expectations."""
    if deadline.kind == "date" and deadline.due is not None:
        then = f" +{deadline.every}" if deadline.every else ""
        return deadline.due.isoformat() + then + (f" {deadline.on.encoded()}" if deadline.on
                                                  else "")
    if deadline.kind == "recurring":
        return f"{deadline.every}" + (f" {deadline.on.encoded()}" if deadline.on else "")
    return deadline.kind


CORPUS: dict[str, list[tuple[str, str]]] = {
    "month": [
        ("Tháng 9", "2025-09-30"),
        ("Tháng 7/2025.", "2025-07-31"),
        ("Tháng 12/2025", "2025-12-31"),
        ("tháng 10 năm 2025", "2025-10-31"),
        ("Trong tháng 11/2025", "2025-11-30"),
        ("Hoàn thành trong tháng 10/2025", "2025-10-31"),
        ("Chậm nhất trong tháng 12/2025", "2025-12-31"),
        ("Cuối tháng 9/2025", "2025-09-30"),
        ("Đến hết tháng 6/2026", "2026-06-30"),
        ("T11/2025", "2025-11-30"),
        ("Tháng 02/2026", "2026-02-28"),
        ("THÁNG 8", "2025-08-31"),
    ],
    "quarter": [
        ("Quý IV", "2025-12-31"),
        ("Quý III", "2025-09-30"),
        ("Quý IV/2025", "2025-12-31"),
        ("Quý I/2026", "2026-03-31"),
        ("Quý II năm 2026", "2026-06-30"),
        ("Trong Quý IV năm 2025", "2025-12-31"),
        ("Hoàn thành trong quý I/2026", "2026-03-31"),
        ("Quý 4/2025", "2025-12-31"),
        ("Q1/2026", "2026-03-31"),
        ("Cuối quý IV/2025", "2025-12-31"),
        ("quý III - 2025", "2025-09-30"),
        ("Thời hạn: Quý II", "2025-06-30"),
    ],
    "year": [
        ("Năm 2025", "2025-12-31"),
        ("2025", "2025-12-31"),
        ("Trong năm 2025", "2025-12-31"),
        ("Năm 2026", "2026-12-31"),
        ("Trong năm 2026.", "2026-12-31"),
        ("Cuối năm 2025", "2025-12-31"),
        ("Hoàn thành trong năm 2025", "2025-12-31"),
        ("Đến hết năm 2026", "2026-12-31"),
        ("Trong năm", "2025-12-31"),
        ("Năm nay", "2025-12-31"),
    ],
    "half-year": [
        ("6 tháng đầu năm 2026", "2026-06-30"),
        ("6 tháng cuối năm", "2025-12-31"),
        ("06 tháng cuối năm 2025", "2025-12-31"),
        ("Nửa đầu năm 2026", "2026-06-30"),
    ],
    "day": [
        ("Trước ngày 30/9/2025", "2025-09-30"),
        ("Trước ngày 31/3/2026", "2026-03-31"),
        ("Đến ngày 15/9/2025", "2025-09-15"),
        ("ngày 30/10/2025", "2025-10-30"),
        ("Hoàn thành trước ngày 15/11/2025", "2025-11-15"),
        ("Trước 31/12/2025", "2025-12-31"),
        ("30/11/2025", "2025-11-30"),
        ("15-10-2025", "2025-10-15"),
        ("ngày 20 tháng 10 năm 2025", "2025-10-20"),
        ("Chậm nhất ngày 30/9/2025", "2025-09-30"),
        ("trước ngày 05/12/2025.", "2025-12-05"),
        ("31/12/25", "2025-12-31"),
    ],
    "day without year": [
        ("chậm nhất 15/02", "2025-02-15"),
        ("Chậm nhất ngày 15/11", "2025-11-15"),
        ("Trước ngày 30/9", "2025-09-30"),
        ("trước 20/12", "2025-12-20"),
        ("Ngày 31/10", "2025-10-31"),
        ("ngày 5 tháng 12", "2025-12-05"),
        ("Hoàn thành trước ngày 25/11", "2025-11-25"),
        ("Xong trước 10/10", "2025-10-10"),
        ("Đến ngày 15/9", "2025-09-15"),
        ("hạn chót 30/11", "2025-11-30"),
    ],
    "range": [
        ("2026 - 2027", "2027-12-31"),
        ("Giai đoạn 2026-2030", "2030-12-31"),
        ("2025-2026", "2026-12-31"),
        ("tháng 11-12/2025", "2025-12-31"),
        ("Tháng 9 - 10/2025", "2025-10-31"),
        ("Quý III/2025 - Quý II/2026", "2026-06-30"),
        ("Quý III-IV/2025", "2025-12-31"),
        ("Quý IV/2025 - Quý I/2026", "2026-03-31"),
        ("Từ tháng 9 đến tháng 12/2025", "2025-12-31"),
        ("Từ quý IV/2025 đến hết quý II/2026", "2026-06-30"),
        ("Tháng 10/2025 - tháng 3/2026", "2026-03-31"),
        ("Từ năm 2025 đến năm 2027", "2027-12-31"),
        ("Năm 2025 - 2026", "2026-12-31"),
        ("30/9 - 15/10/2025", "2025-10-15"),
        ("Quý IV/2025 – Quý I/2026", "2026-03-31"),
    ],
    "open start": [
        ("từ nay đến hết quý I/2026", "2026-03-31"),
        ("Từ nay đến cuối năm 2025", "2025-12-31"),
        ("Từ nay đến hết năm 2026", "2026-12-31"),
        ("Từ nay đến tháng 12/2025", "2025-12-31"),
        ("Từ nay đến ngày 30/11/2025", "2025-11-30"),
        ("Kể từ nay đến hết tháng 10/2025", "2025-10-31"),
        ("Từ bây giờ đến hết quý IV", "2025-12-31"),
        ("từ nay đến cuối năm", "2025-12-31"),
    ],
    "assessment": [
        ("Quá hạn (Thời gian hoàn thành: Quý II)", "2025-06-30"),
        ("Quá hạn (Thời hạn: Tháng 7/2025)", "2025-07-31"),
        ("Quá hạn (Thời gian hoàn thành: tháng 8/2025)", "2025-08-31"),
        ("Đang thực hiện (Thời hạn hoàn thành: Quý III/2025)", "2025-09-30"),
    ],
    "status note": [
        ("Quý III/2025 (chậm)", "2025-09-30"),
        ("Tháng 9/2025 (đã hoàn thành)", "2025-09-30"),
        ("Quý IV (đang thực hiện)", "2025-12-31"),
        ("Năm 2025 (chưa hoàn thành)", "2025-12-31"),
        ("Tháng 7/2025 (quá hạn)", "2025-07-31"),
        ("Quý II/2025 [chậm tiến độ]", "2025-06-30"),
        ("30/9/2025 (trễ hạn)", "2025-09-30"),
        ("Quý IV/2025 (đang triển khai)", "2025-12-31"),
    ],
    "recurring": [
        ("Thường xuyên", "biweekly"),
        ("Thường xuyên, liên tục", "biweekly"),
        ("Thực hiện thường xuyên", "biweekly"),
        ("Hằng tháng", "monthly"),
        ("Hàng quý", "quarterly"),
        ("Hằng năm", "yearly"),
        ("Định kỳ hằng tháng", "monthly"),
        ("2 tuần/1 lần", "biweekly"),
        ("1 lần/tuần", "weekly"),
        ("Hằng tuần", "weekly"),
        ("Định kỳ hằng quý", "quarterly"),
        ("Mỗi tháng một lần", "monthly"),
        ("Thường xuyên; báo cáo định kỳ hằng quý", "quarterly"),
        ("Cuối mỗi tháng", "monthly"),
    ],
    "recurring, day of the month": [
        ("trước ngày 25 hằng tháng", "monthly d25"),
        ("Trước ngày 20 hàng tháng", "monthly d20"),
        ("Ngày 25 hằng tháng", "monthly d25"),
        ("Hằng tháng, trước ngày 25", "monthly d25"),
        ("Định kỳ hằng tháng (trước ngày 20)", "monthly d20"),
        ("Báo cáo trước ngày 15 hằng tháng", "monthly d15"),
        ("Gửi báo cáo trước ngày 22 hàng tháng.", "monthly d22"),
        ("chậm nhất ngày 5 hằng tháng", "monthly d5"),
        ("Hằng tháng, chậm nhất ngày 10", "monthly d10"),
        ("Vào ngày 18 hằng tháng", "monthly d18"),
    ],
    "recurring, day of the quarter": [
        ("chậm nhất ngày 10 tháng cuối quý", "quarterly m3d10"),
        ("Hằng quý, trước ngày 15 tháng cuối quý", "quarterly m3d15"),
        ("Trước ngày 20 tháng cuối quý hằng quý", "quarterly m3d20"),
        ("Trước ngày 15 của tháng cuối quý", "quarterly m3d15"),
        ("Hằng quý (trước ngày 10 tháng đầu quý)", "quarterly m1d10"),
        ("Định kỳ hằng quý, chậm nhất ngày 18 tháng cuối quý", "quarterly m3d18"),
    ],
    "recurring, day of the year": [
        ("hằng năm, trước 20/12", "yearly m12d20"),
        ("Trước ngày 15/12 hằng năm", "yearly m12d15"),
        ("Hằng năm, trước ngày 30/11", "yearly m11d30"),
        ("Ngày 15 tháng 12 hằng năm", "yearly m12d15"),
        ("Định kỳ hằng năm (trước 15/01)", "yearly m1d15"),
        ("Tháng 12 hằng năm", "yearly m12"),
        ("hàng năm, chậm nhất ngày 25/12", "yearly m12d25"),
    ],
    "recurring, day of the week": [
        ("thứ Hai hằng tuần", "weekly w1"),
        ("Sáng thứ Sáu hằng tuần", "weekly w5"),
        ("Thứ 6 hàng tuần", "weekly w5"),
        ("Hằng tuần, vào thứ Năm", "weekly w4"),
        ("Chiều thứ Năm hằng tuần", "weekly w4"),
        ("Trước thứ Sáu hằng tuần", "weekly w5"),
    ],
    "half-yearly": [
        ("6 tháng một lần", "half_yearly"),
        ("6 tháng/lần", "half_yearly"),
        ("06 tháng/lần", "half_yearly"),
        ("Định kỳ 6 tháng", "half_yearly"),
        ("Định kỳ 6 tháng, hằng năm", "half_yearly"),
        ("6 tháng 1 lần", "half_yearly"),
        ("Mỗi 6 tháng", "half_yearly"),
        ("Nửa năm một lần", "half_yearly"),
        ("Báo cáo 6 tháng và năm", "half_yearly"),
    ],
    "date then recurring": [
        ("Quý IV/2025 và hằng năm", "2025-12-31 +yearly"),
        ("Năm 2025 và các năm tiếp theo", "2025-12-31 +yearly"),
        ("Năm 2025 và những năm tiếp theo", "2025-12-31 +yearly"),
        ("Tháng 12/2025, sau đó hằng quý", "2025-12-31 +quarterly"),
        ("Quý IV/2025; định kỳ hằng năm", "2025-12-31 +yearly"),
        ("Tháng 10/2025 và hằng tháng", "2025-10-31 +monthly"),
        ("Năm 2025 và hằng năm", "2025-12-31 +yearly"),
        ("Quý I/2026 và các quý tiếp theo", "2026-03-31 +quarterly"),
        ("30/11/2025, sau đó trước ngày 25 hằng tháng", "2025-11-30 +monthly d25"),
    ],
    "dependent, central schedule": [
        ("Theo tiến độ TW", "dependent"),
        ("Theo tiến độ của Trung ương", "dependent"),
        ("Theo lộ trình của Trung ương", "dependent"),
        ("Theo hướng dẫn của TW", "dependent"),
        ("Theo chỉ đạo của Chính phủ", "dependent"),
        ("Theo hướng dẫn của Bộ Khoa học và Công nghệ", "dependent"),
        ("Theo lộ trình của Bộ", "dependent"),
        ("Thực hiện theo tiến độ của TW", "dependent"),
    ],
    "dependent, on an event": [
        ("sau khi Bộ ban hành hướng dẫn", "dependent"),
        ("khi Đề án được duyệt", "dependent"),
        ("Ngay khi có hướng dẫn của Trung ương", "dependent"),
        ("Sau khi có hướng dẫn", "dependent"),
        ("Sau khi Nghị định được ban hành", "dependent"),
        ("Ngay sau khi UBND tỉnh phê duyệt", "dependent"),
        ("Khi có chủ trương của Tỉnh ủy", "dependent"),
        ("Trong vòng 30 ngày kể từ khi có quyết định", "dependent"),
        ("30 ngày sau khi Kế hoạch được ban hành", "dependent"),
        ("Chờ hướng dẫn của Bộ", "dependent"),
        ("Thực hiện sau khi sắp xếp tổ chức bộ máy", "dependent"),
        ("Hoàn thành sau khi có Nghị quyết của HĐND tỉnh", "dependent"),
        ("Phụ thuộc vào tiến độ dự án", "dependent"),
    ],
    "unknown": [
        ("", "unknown"),
        ("Theo tiến độ", "unknown"),
        ("trước tháng 9", "unknown"),
        ("trước năm 2026", "unknown"),
        ("Quý IV (dự kiến)", "unknown"),
        ("Quý III/2025 (gia hạn đến Quý IV/2025)", "unknown"),
        ("Tháng 9 hoặc tháng 10", "unknown"),
        ("Đầu năm 2026", "unknown"),
        ("Định kỳ", "unknown"),
        ("3 tuần/lần", "unknown"),
        ("2 lần/tháng", "unknown"),
        ("Kế hoạch số 328-KH/TU ngày 24/4/2025", "unknown"),
        ("Sớm nhất có thể", "unknown"),
        ("khi nào xong thì báo", "unknown"),
        ("2030-2026", "unknown"),
        ("Quý IV/2026 - Quý I/2026", "unknown"),
        ("Tháng 13", "unknown"),
        ("31/4", "unknown"),
        ("Chưa đạt", "unknown"),
        ("ngày 32 hằng tháng", "unknown"),
        ("Quá hạn (Thời gian hoàn thành: sớm)", "unknown"),
        ("Hằng quý, ngày 15", "unknown"),  # which month of the quarter? not guessed
        ("Trước ngày 30/2 hằng năm", "unknown"),
        ("trước tháng 12 hằng năm", "unknown"),  # by 30/11 or by 31/12? not guessed
        ("Quý IV/2025 và hằng", "unknown"),
        ("...", "unknown"),
        ("Tháng 9/2025 " + "." * 30_000 + " x", "unknown"),
    ],
}
