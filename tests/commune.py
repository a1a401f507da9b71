"""A commune's two-item appendix, for the tests of two committees beside the province's."""

from datetime import datetime
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.importer import import_appendix
from storage.models import Committee


def commune_appendix(second_lead: str) -> str:
    """Both items name Hưng Nguyên; the first is Công an tỉnh's (an agency both committees
    share), the second `second_lead`'s."""
    return f"""PHỤ LỤC
NHIỆM VỤ CỦA BAN CHỈ ĐẠO XÃ

II- Danh sách nhiệm vụ phải hoàn thành

STT\tNhiệm vụ\tVăn bản giao nhiệm vụ\tCơ quan chủ trì thực hiện\tThời hạn hoàn thành
1.\tSố hóa hồ sơ hộ tịch của xã Hưng Nguyên\tKế hoạch 5-KH/UBND, ngày 1/7/2025\t\
Công an tỉnh\tTháng 7/2025
2.\tLắp camera giám sát tại trụ sở xã Hưng Nguyên\tKế hoạch 5-KH/UBND, ngày 1/7/2025\t\
{second_lead}\tTháng 7/2025
"""


async def add_commune(session: AsyncSession, folder: Path, appendix: str, at: datetime) -> int:
    """The commune committee under the default one, its appendix imported; its id."""
    path = folder / "phu-luc-xa.txt"
    path.write_text(appendix, encoding="utf-8")
    commune = Committee(code="xa", name="BCĐ xã Hưng Nguyên", short_name="Xã", parent_id=1)
    session.add(commune)
    await session.flush()
    assert commune.id is not None
    await import_appendix(path, 2025, at, session=session, committee_id=commune.id)
    return commune.id
