"""A synthetic national store: 34 provinces, each its own committee under the central one, their
departments and communes, items, assignments."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from domain.deadlines import Deadline, parse_deadline

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# The 34 provinces and cities after the 2025 merger.
PROVINCES = (
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ",
    "Bắc Ninh", "Hưng Yên", "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi",
    "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh",
    "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
)
CITIES = {"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}
DEPARTMENTS = (
    "Sở Nội vụ", "Sở Tài chính", "Sở Tư pháp", "Sở Công Thương", "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường", "Sở Y tế", "Sở Giáo dục và Đào tạo",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ", "Sở Ngoại vụ",
    "Sở Dân tộc và Tôn giáo", "Thanh tra", "Văn phòng Ủy ban nhân dân", "Công an",
    "Bộ Chỉ huy Quân sự", "Văn phòng Tỉnh ủy", "Ban Tổ chức Tỉnh ủy",
    "Ban Tuyên giáo và Dân vận Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy", "Ban Nội chính Tỉnh ủy",
    "Ban Quản lý các Khu công nghiệp", "Báo và Phát thanh, Truyền hình",
    "Ủy ban Mặt trận Tổ quốc Việt Nam", "Bảo hiểm xã hội",
)
SYLLABLES = (
    "An", "Bình", "Hòa", "Phú", "Thạnh", "Long", "Tân", "Hưng", "Đông", "Tây", "Nam", "Bắc",
    "Minh", "Quang", "Yên", "Thành", "Sơn", "Hà", "Lộc", "Phước", "Trung", "Vĩnh", "Mỹ", "Kim",
    "Cát", "Diễn", "Nghĩa", "Đức", "Xuân", "Thịnh", "Hải", "Lâm", "Gia", "Châu", "Thủy", "Bảo",
)
ACTIONS = (
    "Triển khai", "Hoàn thiện", "Xây dựng", "Ban hành", "Tổ chức thực hiện", "Rà soát",
    "Đẩy mạnh", "Nâng cấp", "Số hóa", "Đánh giá", "Tuyên truyền", "Kết nối",
)
OBJECTS = (
    "hệ thống quản lý văn bản và điều hành", "cơ sở dữ liệu chuyên ngành", "bệnh án điện tử",
    "dịch vụ công trực tuyến toàn trình", "nền tảng chia sẻ, tích hợp dữ liệu",
    "chuyển đổi số trong cơ quan nhà nước", "hạ tầng mạng 5G", "kế hoạch đào tạo nhân lực số",
    "trung tâm giám sát điều hành thông minh", "chữ ký số cho cán bộ, công chức",
    "thanh toán không dùng tiền mặt", "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "đề án phát triển khoa học, công nghệ và đổi mới sáng tạo", "an toàn thông tin mạng",
)
INDICATORS = (
    "Tỷ lệ phủ sóng 5G", "Tỷ lệ hồ sơ trực tuyến toàn trình", "Tỷ lệ dân số trưởng thành có "
    "danh tính điện tử", "Tỷ trọng kinh tế số trong GRDP", "Tỷ lệ doanh nghiệp sử dụng hóa đơn "
    "điện tử", "Số doanh nghiệp khoa học và công nghệ",
)
# (weight, written deadline): most dated at month, quarter or year ends, as in the seeds.
TASK_DEADLINES = (
    (4, "Tháng 7/2025"), (4, "Tháng 8/2025"), (5, "Tháng 9/2025"), (5, "Tháng 10/2025"),
    (4, "Tháng 11/2025"), (4, "Tháng 12/2025"), (5, "Quý II/2025"), (9, "Quý III/2025"),
    (14, "Quý IV/2025"), (16, "Năm 2025"), (4, "Quý I/2026"), (3, "Quý II/2026"),
    (4, "Năm 2026"), (6, "ngày"), (2, "Giai đoạn 2026-2030"), (5, "Thường xuyên"),
    (1, "Hằng tháng"), (1, "Hằng quý"), (1, "2 tuần/1 lần"), (5, "Theo tiến độ TW"),
    (1, "Theo kế hoạch của Bộ"), (1, "Khi có hướng dẫn"),
)
INDICATOR_DEADLINES = ((6, "Năm 2025"), (2, "Năm 2030"), (2, "Giai đoạn 2026-2030"))
# (weight, lead pattern): one department, two, a department with a group, or whole groups.
LEAD_PATTERNS = ((54, "one"), (12, "two"), (5, "one+departments"), (16, "departments"),
                 (8, "communes"), (5, "all"))

COLUMNS: dict[str, tuple[str, ...]] = {
    # Each province's committee under the central one (id 1, made by migration 0020).
    "committee": ("id", "code", "name", "short_name", "parent_id"),
    "document": ("id", "key", "code", "title", "issued_on", "committee_id"),
    "agency": ("id", "key", "name", "is_group"),
    "agency_membership": ("group_id", "member_id"),
    "item": ("id", "code", "identity", "kind", "number", "section", "text", "document_id",
             "lead_agencies", "support_agencies", "deadline_raw", "deadline_kind", "due",
             "every", "assessment", "note", "source", "source_lines", "created_at",
             "updated_at", "committee_id"),
    "assignment": ("id", "item_id", "agency_id", "via_group_id", "active", "status", "percent",
                   "note", "done_on", "extended_due", "status_changed_at"),
    "focal_person": ("id", "agency_id", "role", "channel", "chat_id", "name", "active",
                     "reachable", "unreachable_reason", "linked_at", "committee_id"),
    "status_change": ("id", "assignment_id", "at", "actor", "focal_person_id", "message_ref",
                      "message_text", "reply_to_outbox_id", "old_status", "new_status",
                      "percent", "note"),
    "indicator_report": ("id", "assignment_id", "at", "reported_by", "assessment", "value_text",
                         "value", "unit", "final"),
    "reminder_log": ("id", "assignment_id", "kind", "anchor", "day", "answered", "outbox_id"),
}


# The central committee: migration 0020's default one.
CENTRAL = 1


@dataclass
class Ids:
    """The next id of every table, so rows can reference each other before they are loaded."""

    next: dict[str, int] = field(default_factory=lambda: {**dict.fromkeys(COLUMNS, 1),
                                                          "committee": CENTRAL + 1})

    def take(self, table: str) -> int:
        """A new id for that table."""
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class Chunk:
    """Rows for some tables, in COLUMNS order."""

    rows: dict[str, list[tuple[Any, ...]]] = field(
        default_factory=lambda: {table: [] for table in COLUMNS})

    def add(self, table: str, *values: Any) -> None:
        """Append one row."""
        self.rows[table].append(values)


@dataclass(frozen=True)
class OpenAssignment:
    """What the history generator needs to know of an assignment."""

    assignment_id: int
    item_kind: str
    deadline: Deadline
    status: str
    done_on: date | None
    focal_id: int | None


def at_local(day: date, rng: random.Random) -> datetime:
    """A moment inside office hours on that day, in UTC."""
    minutes = rng.randrange(8 * 60, 17 * 60)
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=TZ)
    return local.astimezone(UTC)


def _weighted(rng: random.Random, choices: tuple[tuple[int, str], ...]) -> str:
    return rng.choices([c for _, c in choices], weights=[w for w, _ in choices])[0]


@lru_cache(maxsize=4096)
def _deadline(raw: str) -> Deadline:
    return parse_deadline(raw, 2025)


def _status(rng: random.Random, deadline: Deadline, item_kind: str, today: date) -> str:
    if item_kind == "indicator" or deadline.due is None or deadline.kind != "date":
        weights = (20, 70, 5, 5)
    else:
        late = (today - deadline.due).days
        weights = ((8, 18, 4, 70) if late > 60 else (10, 35, 5, 50) if late > 0
                   else (20, 50, 5, 25) if late > -45 else (45, 45, 2, 8))
    return rng.choices(("not_started", "in_progress", "blocked", "done"), weights=weights)[0]


def _commune_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        base = f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
        name = base if base not in seen else f"{base} {len(names)}"
        seen.add(name)
        names.append(f"{rng.choice(('Xã', 'Xã', 'Phường'))} {name}")
    return names


def national_store(assignments: int, today: date, updates_before: date, seed: int = 57,
                   committees: int = 35) -> Iterator[tuple[Chunk, list[OpenAssignment]]]:
    """Rows province by province until `assignments` assignments exist; and their summaries."""
    # committees=1: the same rows (same seed, same draws) all under the central committee, the
    # store's shape before issue #22, so the two shapes compare on the same data.
    if committees not in (1, 35):
        raise ValueError(f"committees: 1 or 35, not {committees}")
    rng = random.Random(seed)
    ids = Ids()
    linked = datetime(2025, 5, 1, tzinfo=UTC)
    chat = 100_000
    for index, province in enumerate(PROVINCES):
        quota = assignments // len(PROVINCES) + (index < assignments % len(PROVINCES))
        chunk = Chunk()
        unit = "thành phố" if province in CITIES else "tỉnh"
        committee = CENTRAL
        if committees == 35:
            committee = ids.take("committee")
            chunk.add("committee", committee, f"p{index + 1:02d}", f"BCĐ {unit} {province}",
                      province, CENTRAL)
        departments = [ids.take("agency") for _ in range(rng.randint(20, 25))]
        department_names = [f"{name} {unit} {province}" for name in
                            rng.sample(DEPARTMENTS, len(departments))]
        communes = [ids.take("agency") for _ in range(rng.randint(100, 130))]
        commune_names = [f"{name}, {unit} {province}" for name in
                         _commune_names(rng, len(communes))]
        names = dict(zip(departments + communes, department_names + commune_names, strict=True))
        for agency_id, name in names.items():
            chunk.add("agency", agency_id, f"a{agency_id}", name, False)
        groups = {}
        for label, members in (("departments", departments), ("communes", communes),
                               ("all", departments + communes)):
            group_id = ids.take("agency")
            wording = {"departments": "Các sở, ban, ngành", "communes": "Các xã, phường",
                       "all": "Các sở, ban, ngành, địa phương"}[label]
            groups[label] = (group_id, f"{wording} {unit} {province}", members)
            chunk.add("agency", group_id, f"a{group_id}", groups[label][1], True)
            for member in members:
                chunk.add("agency_membership", group_id, member)
        focal: dict[int, int] = {}
        for agency_id in departments + communes:
            # A few agencies have registered nobody yet: their reminders go to the secretariat.
            if rng.random() < 0.97:
                chat += 1
                focal[agency_id] = ids.take("focal_person")
                chunk.add("focal_person", focal[agency_id], agency_id, "focal", "telegram",
                          str(chat), f"Cán bộ {chat}", True, True, None, linked, None)
            if rng.random() < (0.6 if agency_id in departments else 0.15):
                chat += 1
                chunk.add("focal_person", ids.take("focal_person"), agency_id, "leader",
                          "telegram", str(chat), f"Lãnh đạo {chat}", True, True, None, linked,
                          None)
        chat += 1
        chunk.add("focal_person", ids.take("focal_person"), None, "secretariat", "telegram",
                  str(chat), f"Văn phòng BCĐ {province}", True, True, None, linked, committee)
        documents = []
        for number in range(8):
            document_id = ids.take("document")
            issued = date(2025, 3 + number // 2, 1 + 3 * number)
            code = f"{300 + 7 * number + index}-KH/TU"
            documents.append(document_id)
            chunk.add("document", document_id, f"d{document_id}", code,
                      f"Kế hoạch số {code} ngày {issued:%d/%m/%Y} ({province})", issued,
                      committee)
        summaries: list[OpenAssignment] = []
        made = 0
        while made < quota:
            made += _item(chunk, ids, rng, today, updates_before, documents, departments, names,
                          groups, focal, summaries, quota - made, committee)
        yield chunk, summaries


def _leads(rng: random.Random, departments: list[int],
           groups: dict[str, tuple[int, str, list[int]]]) -> list[tuple[int, int | None, str]]:
    pattern = _weighted(rng, LEAD_PATTERNS)
    chosen = rng.sample(departments, 2)
    if pattern == "one":
        return [(chosen[0], None, "")]
    if pattern == "two":
        return [(chosen[0], None, ""), (chosen[1], None, "")]
    label = "departments" if pattern == "one+departments" else pattern
    group_id, group_name, members = groups[label]
    leads: list[tuple[int, int | None, str]] = [(m, group_id, group_name) for m in members]
    if pattern == "one+departments":
        leads = [(chosen[0], None, "")] + [lead for lead in leads if lead[0] != chosen[0]]
    return leads


def _item(chunk: Chunk, ids: Ids, rng: random.Random, today: date, updates_before: date,
          documents: list[int], departments: list[int], names: dict[int, str],
          groups: dict[str, tuple[int, str, list[int]]], focal: dict[int, int],
          summaries: list[OpenAssignment], room: int, committee: int) -> int:
    item_id = ids.take("item")
    kind = "indicator" if rng.random() < 0.15 else "task"
    raw = _weighted(rng, INDICATOR_DEADLINES if kind == "indicator" else TASK_DEADLINES)
    if raw == "ngày":
        raw = f"ngày {rng.randint(1, 28)}/{rng.randint(7, 12)}/2025"
    deadline = _deadline(raw)
    if kind == "indicator":
        text = f"{rng.choice(INDICATORS)} đạt {rng.randint(50, 100)}% vào năm 2025"
    else:
        text = (f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)}; {rng.choice(ACTIONS).lower()}"
                f" {rng.choice(OBJECTS)} theo Nghị quyết số 57-NQ/TW")
    leads = _leads(rng, departments, groups)[:room]
    lead_names = sorted({group_name or names[agency] for agency, _, group_name in leads})
    created = datetime(2025, 5, 2, 3, tzinfo=UTC)
    code = f"{'NV' if kind == 'task' else 'CT'}{item_id}"
    chunk.add("item", item_id, code, hashlib.sha256(code.encode()).hexdigest(), kind,
              str(item_id), "I", text, rng.choice(documents), json.dumps(lead_names,
              ensure_ascii=False), "[]", raw, deadline.kind, deadline.due, deadline.every,
              None, None, "bench", "", created, created, committee)
    for agency_id, group_id, _ in leads:
        _assignment(chunk, ids, rng, today, updates_before, item_id, kind, deadline, agency_id,
                    group_id, focal, summaries)
    return len(leads)


def _assignment(chunk: Chunk, ids: Ids, rng: random.Random, today: date, updates_before: date,
                item_id: int, kind: str, deadline: Deadline, agency_id: int, group_id: int | None,
                focal: dict[int, int], summaries: list[OpenAssignment]) -> None:
    assignment_id = ids.take("assignment")
    status = _status(rng, deadline, kind, today)
    due = deadline.due
    done_on = extended = None
    if status == "done":
        latest = min(due + timedelta(days=20), updates_before) if due else updates_before
        done_on = latest - timedelta(days=rng.randrange(0, 60))
    elif due is not None and deadline.kind == "date" and due < today and rng.random() < 0.03:
        extended = due + timedelta(days=rng.randrange(30, 120))  # an approved extension
    percent = 100 if status == "done" else rng.randrange(10, 95, 5) \
        if status == "in_progress" else None
    person = focal.get(agency_id)
    changed = None
    if status != "not_started":
        day = done_on or updates_before - timedelta(days=rng.randrange(1, 120))
        changed = at_local(day, rng)
        chunk.add("status_change", ids.take("status_change"), assignment_id, changed, "focal",
                  person, None, "bench", None, "not_started", status, percent, None)
    if kind == "indicator" and rng.random() < 0.5:
        final = rng.random() < 0.1
        chunk.add("indicator_report", ids.take("indicator_report"), assignment_id,
                  at_local(updates_before - timedelta(days=rng.randrange(1, 90)), rng), person,
                  rng.choice(("achieved", "not_achieved", "not_assessable")),
                  f"{rng.randint(40, 100)}%", None, "%", final)
    active = rng.random() > 0.003
    chunk.add("assignment", assignment_id, item_id, agency_id, group_id, active, status, percent,
              None, done_on, extended, changed)
    if active:
        effective = Deadline(deadline.raw, deadline.kind, extended or due, deadline.every)
        summaries.append(OpenAssignment(assignment_id, kind, effective, status, done_on, person))
