"""The usual design, for comparison: one APScheduler job per reminder in a SQLAlchemy job store."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import create_engine, event

from bench.synthetic import TZ
from domain.calendar import WorkCalendar
from domain.deadlines import Deadline
from domain.reminder_steps import (
    ReminderPolicy,
    checkin_every,
    deadline_step_on,
    escalation_on,
    period_start,
)

# A job scheduler gives each deadline a finite run of jobs: up to this far past the deadline.
OVERDUE_HORIZON_DAYS = 10


def send_reminder(assignment_id: int, kind: str, anchor: str) -> None:
    """What each job would run (never called here: every job lies in the future)."""


@dataclass
class Steps:
    """Future reminder days per deadline and per cadence, as the policy would have them."""

    today: date
    calendar: WorkCalendar
    policy: ReminderPolicy

    def __post_init__(self) -> None:
        self._by_due: dict[date, list[tuple[str, date]]] = {}

    def deadline(self, due: date) -> list[tuple[str, date]]:
        """Each step of a deadline still to come: (kind, first day it is current)."""
        if due not in self._by_due:
            steps: list[tuple[str, date]] = []
            seen: set[str] = set()
            last = self.calendar.add_working_days(due, OVERDUE_HORIZON_DAYS)
            day = self.calendar.next_working_day(self.today)
            while day <= last:
                for current in (deadline_step_on(due, day, self.calendar, self.policy),
                                escalation_on(due, day, self.calendar, self.policy)):
                    if current is not None and current[0] not in seen:
                        seen.add(current[0])
                        steps.append((current[0], day))
                day = self.calendar.next_working_day(day)
            self._by_due[due] = steps
        return self._by_due[due]

    def jobs(self, assignment_id: int, item_kind: str,
             deadline: Deadline) -> Iterator[tuple[str, str, datetime]]:
        """(job id, kind, run time) of every future reminder of one assignment."""
        every = checkin_every(item_kind, deadline, self.policy)
        if every is not None:
            start = period_start(self.today, every, self.policy.fortnight_epoch)
            following = period_start(start + timedelta(days=400 if every == "yearly" else 95
                                                       if every == "quarterly" else 32
                                                       if every == "monthly" else 15
                                                       if every == "biweekly" else 8),
                                     every, self.policy.fortnight_epoch)
            day = self.calendar.on_or_after(following)
            yield f"{assignment_id}:checkin:{following}", "checkin", _at(day)
            return
        if deadline.due is None:
            return
        for kind, day in self.deadline(deadline.due):
            yield f"{assignment_id}:{kind}:{deadline.due}", kind, _at(day)


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time().replace(hour=8), tzinfo=TZ)


def _store(url: str) -> SQLAlchemyJobStore:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        # The same durability dondoc runs SQLite with (storage/db.py): WAL, synchronous=NORMAL.
        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()
    return SQLAlchemyJobStore(engine=engine)


def run_baseline(url: str, assignments: list[tuple[int, str, Deadline]],
                 steps: Steps) -> dict[str, Any]:
    """Schedule every future reminder as a job, then start a new scheduler on that store."""
    # The measured day may lie in the past: move every job by whole weeks into the real future,
    # so a scheduler that starts finds nothing overdue to run, as in production.
    real_today = datetime.now(TZ).date()
    shift = timedelta(weeks=max(0, (real_today - steps.today).days // 7 + 1))
    scheduler = BackgroundScheduler(jobstores={"default": _store(url)}, timezone=TZ)
    scheduler.start(paused=True)
    started = time.perf_counter()
    jobs = 0
    for assignment_id, item_kind, deadline in assignments:
        for job_id, kind, run_at in steps.jobs(assignment_id, item_kind, deadline):
            scheduler.add_job(send_reminder, "date", run_date=run_at + shift, id=job_id,
                              args=(assignment_id, kind, job_id), misfire_grace_time=None)
            jobs += 1
    schedule_seconds = time.perf_counter() - started
    scheduler.shutdown(wait=False)

    started = time.perf_counter()
    again = BackgroundScheduler(jobstores={"default": _store(url)}, timezone=TZ)
    again.start()
    start_seconds = time.perf_counter() - started
    loaded = len(again.get_jobs())
    restart_seconds = time.perf_counter() - started
    again.shutdown(wait=False)
    return {"baseline_assignments": len(assignments), "baseline_jobs": jobs,
            "baseline_jobs_loaded": loaded,
            "baseline_schedule_seconds": round(schedule_seconds, 2),
            "baseline_start_seconds": round(start_seconds, 3),
            "baseline_restart_seconds": round(restart_seconds, 2)}
