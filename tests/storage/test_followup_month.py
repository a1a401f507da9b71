"""A scripted month of daily scans on the seed appendix, counted from the outbox (issue #15)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from domain.reminders import ReminderPolicy
from scheduler.holidays_vn import vietnam_calendar
from scheduler.scan import scan
from storage.blockers import mark_handled, open_blocker
from storage.db import transaction
from storage.models import Agency, Assignment, FocalPerson, Item, Outbox, ReminderLog
from storage.status import Actor, record_status

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = vietnam_calendar([2025, 2026])
POLICY = ReminderPolicy()
FIRST, LAST = date(2025, 9, 17), date(2025, 10, 17)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


async def _assignment(session, agency: str, text: str | None = None) -> Assignment:
    query = (select(Assignment).join(Item, col(Item.id) == col(Assignment.item_id))
             .join(Agency, col(Agency.id) == col(Assignment.agency_id))
             .where(Agency.name == agency, Item.deadline_kind == "date",
                    col(Item.due) >= date(2025, 9, 20)).order_by(col(Assignment.id)))
    if text is not None:
        query = query.where(col(Item.text).startswith(text))
    return (await session.exec(query)).first()


async def _person(session, chat_id: str) -> FocalPerson:
    return (await session.exec(select(FocalPerson).where(FocalPerson.chat_id == chat_id))).one()


async def test_a_scripted_month_follows_up_like_a_secretary(seeded):
    async with transaction(seeded) as session:
        ehr = await _assignment(session, "Sở Y tế", "Triển khai bệnh án điện tử")
        police = await _assignment(session, "Công an tỉnh")
        hoa = await _person(session, "101")
        nam = await _person(session, "102")
        secretariat = await _person(session, "900")
    assert ehr is not None and police is not None
    day = FIRST
    while day <= LAST:
        if CALENDAR.is_working_day(day):
            await scan(seeded, at(day, 8), TZ, CALENDAR, POLICY)
            async with transaction(seeded) as session:
                if day == FIRST:  # Hoa reports 70 %, the police's focal person a blocker
                    await record_status(ehr.id, "in_progress", at(day, 9, 10), day,
                                        Actor("focal", hoa.id), session=session, percent=70)
                    change = await record_status(police.id, "blocked", at(day, 10, 20), day,
                                                 Actor("focal", nam.id), session=session,
                                                 note="Chưa được cấp kinh phí")
                    blocker = await open_blocker(police.id, change.id, at(day, 10, 20),
                                                 nam.id, change.note, session=session)
                if day == date(2025, 9, 23):  # the secretariat removes the blocker
                    await mark_handled(blocker.id, at(day, 15), day, secretariat.id,
                                       session=session)
        day += timedelta(days=1)

    async with seeded() as session:
        rows = list((await session.exec(select(Outbox))).all())
        logs = list((await session.exec(select(ReminderLog))).all())
    # One message a day at most per person and kind (a long one in parts counts once).
    messages = {(row.chat_id, row.kind, row.key.rsplit(":", 1)[0]): row for row in rows}
    per_day = Counter((chat, kind, row.created_at.astimezone(TZ).date())
                      for (chat, kind, _), row in messages.items())
    assert per_day and max(per_day.values()) == 1
    # Focal persons: about a consolidated message a week plus the deadline steps.
    weeks = {FIRST + timedelta(days=n) - timedelta(days=(FIRST + timedelta(days=n)).weekday())
             for n in range((LAST - FIRST).days + 1)}
    contact: dict[str, set[date]] = defaultdict(set)
    for (chat, kind, _), row in messages.items():
        if kind == "reminder":
            contact[chat].add(row.created_at.astimezone(TZ).date())
    assert set(contact) == {"101", "102", "103"}
    average = sum(len(days) for days in contact.values()) / len(contact) / len(weeks)
    assert average <= 2
    # Chat 103 never answers: reached every week.
    assert {d - timedelta(days=d.weekday()) for d in contact["103"]} == weeks
    # The unregistered list: at most once a week; escalations at most one a day per chat.
    listed = {row.created_at.astimezone(TZ).date() for row in rows
              if row.kind == "unreachable_list"}
    assert listed and len({d - timedelta(days=d.weekday()) for d in listed}) == len(listed)
    # Hoa's 70 % (17/09) rests the item for 10 working days: the deadline steps still ask, but
    # "no answer" comes only once those went unanswered, after the quiet (to 01/10) is over.
    again = [log.day for log in logs if log.assignment_id == ehr.id and log.kind == "follow_up"]
    assert again == [date(2025, 10, 6), date(2025, 10, 13)]
    # The blocked item: nothing while blocked, its check-in once the secretariat handled the
    # blocker; that one unanswered, the item is back in the usual rhythm (weekly, Mondays).
    after_block = [(log.kind, log.day) for log in logs
                   if log.assignment_id == police.id and log.day > FIRST]
    assert after_block == [("blocker_handled", date(2025, 9, 24)),
                           ("follow_up", date(2025, 10, 6)), ("follow_up", date(2025, 10, 13))]
    texts = [row.text for row in rows if row.chat_id == "101" and row.kind == "reminder"]
    assert any("Lần báo cáo gần nhất 17/09: đang thực hiện 70%" in text for text in texts)
