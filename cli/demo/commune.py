"""`dondoc demo --committees 2`: a commune's committee beside the province, under it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import transaction
from storage.importer import import_appendix
from storage.models import DEFAULT_COMMITTEE_ID, Committee

NAME = "BCĐ xã Hưng Nguyên"
# Led by agencies nobody in the cast answers for: the province's story is left as it is, and
# the province's roll-up shows a commune that has not reported.
APPENDIX = """PHỤ LỤC
NHIỆM VỤ CỦA BAN CHỈ ĐẠO XÃ HƯNG NGUYÊN

II- Danh sách nhiệm vụ phải hoàn thành

STT\tNhiệm vụ\tVăn bản giao nhiệm vụ\tCơ quan chủ trì thực hiện\tThời hạn hoàn thành
201.\tSố hóa hồ sơ hộ tịch của xã\tKế hoạch 5-KH/UBND, ngày 1/7/2025\tCông an tỉnh\tTháng 9/2025
202.\tLắp camera giám sát tại trụ sở xã\tKế hoạch 5-KH/UBND, ngày 1/7/2025\tSở Xây dựng\t\
Tháng 10/2025
"""


async def add_commune(sessions: async_sessionmaker[AsyncSession], folder: Path,
                      now: datetime) -> str:
    """Create the commune's committee under the province and import its appendix."""
    path = folder / "phu-luc-xa-hung-nguyen.txt"
    path.write_text(APPENDIX, encoding="utf-8")
    async with transaction(sessions) as session:
        commune = Committee(code="xa-hung-nguyen", name=NAME, short_name="Xã Hưng Nguyên",
                            parent_id=DEFAULT_COMMITTEE_ID)
        session.add(commune)
        await session.flush()
        report = await import_appendix(path, now.year, now, session=session,
                                       committee_id=commune.id or 0)
    return (f"Ban Chỉ đạo thứ hai: {NAME} (thuộc tỉnh), {report.tasks} nhiệm vụ từ {path.name};"
            " số liệu của xã có trong bản tổng hợp gửi tỉnh mỗi thứ Sáu.")
