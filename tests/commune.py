"""A commune's two-item appendix, for the tests of two committees beside the province's."""


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
