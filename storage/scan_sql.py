"""SQL pieces shared by the scan's candidate search and its reads: tables, conditions, helpers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any, cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import bindparam, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.reminder_steps import FOLLOW_UP
from storage.models import (
    Agency,
    Assignment,
    ExtensionRequest,
    IndicatorReport,
    Item,
    ReminderLog,
    StatusChange,
)

assignment_t = cast(sa.Table, Assignment.__table__)  # type: ignore[attr-defined]
item_t = cast(sa.Table, Item.__table__)  # type: ignore[attr-defined]
agency_t = cast(sa.Table, Agency.__table__)  # type: ignore[attr-defined]
log_t = cast(sa.Table, ReminderLog.__table__)  # type: ignore[attr-defined]
change_t = cast(sa.Table, StatusChange.__table__)  # type: ignore[attr-defined]
report_t = cast(sa.Table, IndicatorReport.__table__)  # type: ignore[attr-defined]
request_t = cast(sa.Table, ExtensionRequest.__table__)  # type: ignore[attr-defined]


def is_open() -> Any:
    """An active assignment that is not done."""
    return sa.and_(assignment_t.c.active.is_(True), assignment_t.c.status != "done")


def effective_due() -> Any:
    """The deadline reminders follow: an approved extension, else the item's."""
    # The digest still judges by item.due.
    return func.coalesce(assignment_t.c.extended_due, item_t.c.due)


def is_reminder(row: Any) -> Any:
    """A question put to the focal person: any step but an escalation."""
    return ~row.c.kind.startswith("escalation_")


# Any constant shared by every dondoc instance: the key of the scanner's advisory lock.
SCAN_LOCK_KEY = 57_2025


async def try_scan_lock(session: AsyncSession) -> bool:
    """Whether this transaction may scan (PostgreSQL: one instance at a time, by advisory lock)."""
    if dialect_name(session) != "postgresql":
        return True  # SQLite has one writer at a time; the history's unique key does the rest.
    result = await session.exec(sa.text("SELECT pg_try_advisory_xact_lock(:key)")  # type: ignore[call-overload]
                                .bindparams(key=SCAN_LOCK_KEY))
    return bool(result.scalar_one())


async def prepare_bulk_reads(session: AsyncSession) -> None:
    """Session settings for the scan's few large queries (PostgreSQL: no JIT, custom plans)."""
    # PostgreSQL compiles every query whose estimated cost is high; for queries that run
    # once and for a second, compiling them costs a tenth to a quarter of that second.
    # asyncpg prepares every statement, and after five runs PostgreSQL may switch to a
    # generic plan that ignores the array parameters' sizes: the history read at deadlines
    # went from 0.5 s to 16 s a chunk from the sixth chunk of a refresh on (and would, from the
    # sixth scan on a pooled connection).
    if dialect_name(session) == "postgresql":
        for setting in ("jit = off", "plan_cache_mode = force_custom_plan"):
            await session.exec(sa.text(f"SET LOCAL {setting}"))  # type: ignore[call-overload]


def waiting_reminder(row: Any) -> Any:
    """A reminder not answered yet, in the exact terms of the partial index on such rows."""
    # Literals, not bound parameters: SQLite uses a partial index only when the query repeats
    # its condition term for term.
    return sa.and_(sa.not_(row.c.answered), row.c.kind != sa.literal_column(f"'{FOLLOW_UP}'"),
                   is_reminder(row))


def dialect_name(session: AsyncSession) -> str:
    """"sqlite" or "postgresql"."""
    return session.get_bind().dialect.name


def little_table(session: AsyncSession, name: str, columns: Sequence[tuple[str, Any]],
                 rows: Sequence[tuple[Any, ...]]) -> Any:
    """A little table passed as one parameter: unnest() arrays, or json_each() on SQLite."""
    if dialect_name(session) == "postgresql":
        arrays = [bindparam(f"{name}_{column}", [row[index] for row in rows], type_=ARRAY(kind))
                  for index, (column, kind) in enumerate(columns)]
        return func.unnest(*arrays).table_valued(
            *(sa.column(column, kind) for column, kind in columns)).render_derived(name)
    dated = any(kind is sa.Date or isinstance(kind, sa.Date) for _, kind in columns)
    each = func.json_each(bindparam(f"{name}_json", _json_rows(rows, dated))).table_valued(
        "value")
    # Materialised, so SQLite reads the JSON once and indexes it instead of per joined row.
    return select(*(func.json_extract(each.c.value, f"$[{index}]").label(column)
                    for index, (column, _) in enumerate(columns))).select_from(each).cte(
        name).prefix_with("MATERIALIZED")


def _json_rows(rows: Sequence[tuple[Any, ...]], dated: bool) -> str:
    # Tens of thousands of rows a scan: dates are converted once per distinct value.
    texts: dict[date, str] = {}

    def cell(value: Any) -> Any:
        if isinstance(value, date):
            text = texts.get(value)
            if text is None:
                text = texts[value] = value.isoformat()
            return text
        return value

    if not dated:
        return json.dumps(rows)  # tuples are JSON arrays already
    return json.dumps([[cell(value) for value in row] for row in rows])


def among(session: AsyncSession, column: Any, ids: Sequence[int], *, name: str = "ids") -> Any:
    """The condition that `column` is one of `ids` (tens of thousands of them, one parameter).

    `name` names the parameter (and on SQLite its CTE): two in one statement need two names.
    """
    if dialect_name(session) == "postgresql":
        # `= ANY(array)` lets PostgreSQL hash the array and read the table in its own order:
        # the scan's state read went 1.5 -> 0.9 s at 72,000 of 1,000,000 assignments, against
        # an IN over unnest() probed in hash order, all over the heap.
        return column == sa.any_(bindparam(name, list(ids), type_=ARRAY(sa.Integer), unique=True))
    table = little_table(session, name, [("id", sa.Integer)], [(i,) for i in ids])
    return column.in_(select(table.c.id))


def local_midnight(session: AsyncSession, day: Any, tz: tzinfo) -> Any:
    """The UTC instant a local day starts; on SQLite, with the zone's smallest offset."""
    if dialect_name(session) == "postgresql" and isinstance(tz, ZoneInfo):
        return sa.cast(day, sa.DateTime).op("AT TIME ZONE")(tz.key)
    seconds = _smallest_offset(tz)
    if dialect_name(session) == "postgresql":
        return (sa.cast(day, sa.DateTime).op("AT TIME ZONE")("UTC")
                - sa.text(f"interval '{seconds} seconds'"))
    return func.datetime(day, f"{-seconds:+d} seconds")


@lru_cache(maxsize=16)
def _smallest_offset(tz: tzinfo) -> int:
    # A later bound only keeps more candidates (and marks fewer reminders answered): the
    # zone's smallest UTC offset errs on the safe side, and is exact for a zone without DST.
    offset = min(datetime(year, month, 1, tzinfo=UTC).astimezone(tz).utcoffset() or timedelta()
                 for year in range(1970, 2101) for month in range(1, 13))
    return int(offset.total_seconds())


def as_date(value: date | str) -> date:
    """A date column's value as a date (SQLite hands some back as ISO text)."""
    # Columns read through json/unnest helpers keep their type; plain ones come back as dates.
    return value if isinstance(value, date) else date.fromisoformat(value)
