"""Who takes part in the demo, and what each of them does on which simulated day.

The people are invented; the agencies and items are the sample appendix's. Items are named by
the start of their wording, and their codes (NV47, CT1, …) are looked up after the import, so
the script never assumes an id. `{code}` in a message stands for that item's code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time


@dataclass(frozen=True)
class Person:
    """A simulated chat user and the account their invite gives them."""

    key: str
    chat_id: int
    name: str
    role: str  # "focal", "leader" or "secretariat"
    agency: str | None = None  # the registry's name; None for the secretariat

    @property
    def label(self) -> str:
        """How the transcript names them: given name and where they work."""
        given = self.name.split()[-1]
        where = self.agency or "Cơ quan thường trực"
        return f"{given} ({'lãnh đạo ' if self.role == 'leader' else ''}{where})"


SECRETARIAT = Person("ha", 900, "Nguyễn Thu Hà", "secretariat")
CAST: tuple[Person, ...] = (
    SECRETARIAT,
    Person("hoa", 101, "Lê Thị Hoa", "focal", "Sở Y tế"),
    Person("tuan", 102, "Ngô Minh Tuấn", "focal", "Sở Khoa học và Công nghệ"),
    Person("dung", 103, "Trần Văn Dũng", "focal", "Sở Nông nghiệp và Môi trường"),
    Person("lan", 104, "Phạm Thị Lan", "focal", "Sở Nội vụ"),
    Person("nam", 105, "Hoàng Văn Nam", "focal", "Văn phòng Tỉnh ủy"),
    Person("mai", 106, "Võ Thị Mai", "focal", "Sở Tài chính"),  # never answers
    Person("khanh", 201, "Đặng Quốc Khánh", "leader", "Sở Tài chính"),
)

# Items by the start of their wording in the appendix.
EHR = "Triển khai bệnh án điện tử"
BUSINESS_POLICY = "Xây dựng cơ chế, chính sách khuyến khích doanh nghiệp đổi mới công nghệ"
TALENT = "Xây dựng, triển khai cơ chế thu hút, trọng dụng, đãi ngộ các nhà khoa học"
HIGH_TECH_ZONE = "Đề án Thành lập khu nông nghiệp ứng dụng công nghệ cao"
CROPS = "Đề án phát triển cây trồng vật nuôi chủ lực"
PARTY_APPS = "Tiếp nhận, triển khai một số ứng dụng"
COVERAGE_5G = "Tỷ lệ phủ sóng 5G"


@dataclass(frozen=True)
class Write:
    """Type a message; `reply` makes it a reply to the newest reminder the person got."""

    text: str
    reply: bool = False


@dataclass(frozen=True)
class Press:
    """Press the item's button for this choice (a status, or an indicator's assessment)."""

    choice: str


@dataclass(frozen=True)
class SendFile:
    """Send a document (evidence)."""

    name: str
    content: bytes


@dataclass(frozen=True)
class Decide:
    """The secretariat answers the newest extension request."""

    approve: bool = True


@dataclass(frozen=True)
class Unblock:
    """The secretariat acts on the newest blocker notice: forward it to an agency, or handled."""

    forward_to: str | None = None


Step = Write | Press | SendFile | Decide | Unblock


@dataclass(frozen=True)
class Act:
    """What one person does at one simulated moment, about one item."""

    day: date
    at: time
    who: str
    item: str | None
    steps: tuple[Step, ...]


SCRIPT: tuple[Act, ...] = (
    Act(date(2025, 9, 17), time(9, 10), "hoa", EHR, (
        Press("in_progress"),
        Write("70%, đang chạy thử tại 3 bệnh viện tuyến tỉnh, dự kiến xong 26/09"))),
    Act(date(2025, 9, 17), time(10, 20), "nam", PARTY_APPS, (
        Press("blocked"),
        Write("Chưa được cấp kinh phí mua sắm máy chủ, đề nghị Sở Tài chính bố trí vốn"))),
    Act(date(2025, 9, 17), time(11, 0), "ha", None, (Unblock(forward_to="Sở Tài chính"),)),
    Act(date(2025, 9, 18), time(14, 30), "tuan", BUSINESS_POLICY, (
        Write("{code} đang thực hiện 80%, đã trình UBND tỉnh ban hành"),)),
    Act(date(2025, 9, 22), time(8, 45), "lan", TALENT, (
        Write("{code} dang thuc hien, duoc khoang 60%, dang lay y kien cac so nganh",
              reply=True),)),
    Act(date(2025, 9, 23), time(9, 30), "dung", HIGH_TECH_ZONE, (
        Write("{code} xin gia hạn đến 31/12/2025 do chờ Bộ Nông nghiệp và Môi trường thẩm định "
              "đề án"),)),
    Act(date(2025, 9, 23), time(14, 0), "ha", None, (Decide(approve=True),)),
    Act(date(2025, 9, 24), time(10, 0), "dung", CROPS, (
        Press("in_progress"), Write("Đạt 85%, đang hoàn thiện hồ sơ trình UBND tỉnh"))),
    Act(date(2025, 9, 23), time(15, 0), "ha", None, (Unblock(),)),
    Act(date(2025, 9, 25), time(15, 0), "tuan", COVERAGE_5G, (
        Press("not_achieved"), Write("5G phủ khoảng 35% dân số"))),
    Act(date(2025, 9, 29), time(15, 0), "hoa", EHR, (
        Press("done"),
        SendFile("QD-2345-SYT.pdf", b"%PDF-1.4\n% Quyet dinh 2345/QD-SYT ve trien khai benh an "
                                    b"dien tu\n"))),
    Act(date(2025, 10, 3), time(10, 0), "tuan", BUSINESS_POLICY, (
        Write("{code} đã hoàn thành, Quyết định số 1520/QĐ-UBND ngày 02/10/2025 của UBND tỉnh"),)),
    Act(date(2025, 10, 6), time(9, 0), "lan", TALENT, (
        Write("da hoan thanh {code}, cong van so 812/SNV-CCVC ngay 06/10/2025", reply=True),)),
    Act(date(2025, 10, 14), time(16, 30), "dung", CROPS, (
        Write("{code} đã hoàn thành, Quyết định số 3012/QĐ-UBND ngày 14/10/2025"),)),
)

FIRST_DAY = date(2025, 9, 17)  # the appendix's Công văn 4362-CV/TU is dated 17/9/2025
LAST_DAY = date(2025, 10, 17)  # a Friday: the run ends with that week's digest
