"""The weekly digest job: build the period's digest and queue it to every secretariat chat once.

Exactly once per period per chat, across restarts and instances: every outbox key carries the
period and the chat, and a chat whose first part is already queued gets nothing more (a second
instance's insert of that part waits for the first instance's commit, then finds it there).
The period's DigestRun row, written first, keeps the figures the next digest compares with.
The chart and workbook are rendered between two short transactions, off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.digest import Digest, build_digest
from domain.digest_inputs import Period, digest_period
from domain.digest_leader import leader_summary
from domain.digest_text import period_range, split_digest, split_sections
from domain.permissions import COMMITTEE
from domain.rollup import render_rollup
from scheduler.charts import render_chart
from scheduler.scan import TEXT_LIMITS
from storage.committees import DEFAULT_SCOPE, CommitteeScope, committees, person_scope
from storage.db import transaction
from storage.digest import (
    claim_digest_run,
    load_digest_inputs,
    queued_keys,
    save_digest_figures,
)
from storage.digest_workbook import build_workbook
from storage.models import Committee
from storage.outbox import NewMessage, enqueue
from storage.people import reachable_chats
from storage.rollup import child_figures, reported_child_figures

log = logging.getLogger(__name__)

KIND = "digest"
ROLLUP = "digest_rollup"


@dataclass(frozen=True)
class DigestFiles:
    """A digest with its attachments, ready to queue or to write to a folder."""

    digest: Digest
    chart: bytes
    workbook: bytes

    @property
    def chart_name(self) -> str:
        """The PNG's file name (ASCII: some chat clients mangle others)."""
        return f"bieu-do-tien-do-{self.digest.period.key}.png"

    @property
    def workbook_name(self) -> str:
        """The XLSX's file name."""
        return f"tien-do-nhiem-vu-{self.digest.period.key}.xlsx"


@dataclass
class DigestReport:
    """What one run of the job did."""

    period: Period
    skipped: str | None = None
    chats: int = 0
    messages: int = 0


def digest_key(period: Period, channel: str, chat_id: str, part: str) -> str:
    """The outbox key of one part of a period's digest to one chat."""
    return f"{KIND}:{period.key}:{channel}:{chat_id}:{part}"


async def render_files(digest: Digest) -> DigestFiles:
    """Chart and workbook, rendered in worker threads (both take CPU, not I/O)."""
    chart, workbook = await asyncio.gather(asyncio.to_thread(render_chart, digest),
                                           asyncio.to_thread(build_workbook, digest))
    return DigestFiles(digest, chart, workbook)


async def digest_attachments(digest: Digest) -> list[tuple[str, bytes, str]]:
    """The chart and the workbook of a digest as (file name, bytes, caption), for /tongquan."""
    files = await render_files(digest)
    return [(files.chart_name, files.chart, "Biểu đồ tiến độ theo cơ quan"),
            (files.workbook_name, files.workbook, "Bảng tổng hợp tiến độ từng nhiệm vụ (Excel)")]


async def build_for(period: Period, tz: tzinfo, scope: CommitteeScope = DEFAULT_SCOPE, *,
                    session: AsyncSession) -> Digest:
    """One committee's digest of a period, read-only."""
    return build_digest(await load_digest_inputs(period, tz, scope, session=session))


def _messages(files: DigestFiles, channel: str, chat_id: str, person_id: int,
              role: str = "secretariat") -> list[NewMessage]:
    period = files.digest.period
    limit = TEXT_LIMITS.get(channel, min(TEXT_LIMITS.values()))
    # A committee leader gets one screen; the secretariat the whole digest.
    texts = (split_sections([leader_summary(files.digest)], limit) if role == COMMITTEE
             else split_digest(files.digest, limit))
    caption = f"tuần {'–'.join(str(w) for w in period.weeks)} ({period_range(period)})"
    messages = [NewMessage(key=digest_key(period, channel, chat_id, str(number)), kind=KIND,
                           channel=channel, chat_id=chat_id, text=text,
                           focal_person_id=person_id)
                for number, text in enumerate(texts, start=1)]
    messages.append(NewMessage(
        key=digest_key(period, channel, chat_id, "chart"), kind=KIND, channel=channel,
        chat_id=chat_id,
        text=f"Biểu đồ tiến độ: toàn tỉnh, các tuần gần nhất, theo cơ quan, {caption}",
        focal_person_id=person_id, attachment_name=files.chart_name, attachment=files.chart))
    messages.append(NewMessage(
        key=digest_key(period, channel, chat_id, "xlsx"), kind=KIND, channel=channel,
        chat_id=chat_id, text=f"Bảng tổng hợp tiến độ từng nhiệm vụ (Excel), {caption}",
        focal_person_id=person_id, attachment_name=files.workbook_name,
        attachment=files.workbook))
    return messages


def closes_period(period: Period) -> bool:
    """True in the last week of the period: a digest of several weeks goes out at its end."""
    return period.end - period.today < timedelta(days=7)


async def send_digest(sessions: async_sessionmaker[AsyncSession], now: datetime, tz: tzinfo,
                      every_weeks: int = 1) -> DigestReport:
    """Queue each committee's digest of the period containing `now` to its own secretariat
    and leaders' chats not served yet."""
    period = digest_period(now.astimezone(tz).date(), every_weeks)
    report = DigestReport(period)
    if not closes_period(period):
        report.skipped = "not the last week of the period"
        return report
    async with transaction(sessions) as session:
        # Children first: a parent's roll-up then reads the figures they stored.
        scopes = [CommitteeScope(c.id or 0)
                  for c in children_first(await committees(session=session))]
    skipped: list[str] = []
    for scope in scopes:
        one = await send_committee_digest(sessions, now, tz, period, scope)
        report.chats += one.chats
        report.messages += one.messages
        if one.skipped is not None:
            skipped.append(one.skipped)
    if skipped and len(skipped) == len(scopes):
        report.skipped = skipped[0]
    return report


def children_first(found: list[Committee]) -> list[Committee]:
    """Committees deepest first (communes, provinces, then the centre), by id within a level."""
    parents = {c.id: c.parent_id for c in found}

    def depth(committee: Committee) -> int:
        level, above, seen = 0, committee.parent_id, {committee.id}
        while above is not None and above not in seen:  # a loop is not followed twice
            seen.add(above)
            level, above = level + 1, parents.get(above)
        return level

    return sorted(found, key=lambda c: (-depth(c), c.id or 0))


async def send_committee_digest(sessions: async_sessionmaker[AsyncSession], now: datetime,
                                 tz: tzinfo, period: Period, scope: CommitteeScope,
                                 stored_only: bool = False) -> DigestReport:
    """One committee's digest; `stored_only`: its roll-up reads only its children's stored
    figures and names those without (the scheduled run after its wait)."""
    report = DigestReport(period)
    async with transaction(sessions) as session:
        created = await claim_digest_run(period, now, scope, session=session)
        people = [p for role in ("secretariat", COMMITTEE)
                  for p in await reachable_chats(session=session, role=role)
                  if person_scope(p).committee_id == scope.committee_id]
        chats = [(p.channel, p.chat_id, p.id or 0, p.role) for p in people]
        served = await queued_keys([digest_key(period, channel, chat_id, "1")
                                    for channel, chat_id, _, _ in chats], session=session)
        waiting = [chat for chat in chats if digest_key(period, chat[0], chat[1], "1")
                   not in served]
        if not created and not waiting:
            report.skipped = "already queued to every secretariat chat"
            return report
        digest = await build_for(period, tz, scope, session=session)
        if created:
            await save_digest_figures(period, digest.figures, scope, session=session)
        rollup = (await _rollup_text(period, tz, scope, stored_only, session=session)
                  if waiting else "")
    if not waiting:
        report.skipped = "no secretariat chat to send to"
        log.warning("digest %s: committee %d has no reachable secretariat chat; figures kept",
                    period.key, scope.committee_id)
        return report
    files = await render_files(digest)
    async with transaction(sessions) as session:
        for channel, chat_id, person_id, role in waiting:
            messages = _messages(files, channel, chat_id, person_id, role)
            if rollup:
                messages.append(NewMessage(
                    key=digest_key(period, channel, chat_id, "rollup"), kind=ROLLUP,
                    channel=channel, chat_id=chat_id, text=rollup, focal_person_id=person_id))
            # The first part is the gate: if another run queued it, that run queues the rest.
            if await enqueue(messages[0], now, session=session) is None:
                continue
            for message in messages[1:]:
                await enqueue(message, now, session=session)
            report.chats += 1
            report.messages += len(messages)
    log.info("digest %s: committee %d: %d messages to %d chats", period.key,
             scope.committee_id, report.messages, report.chats)
    return report


async def _rollup_text(period: Period, tz: tzinfo, scope: CommitteeScope, stored_only: bool,
                       *, session: AsyncSession) -> str:
    """A parent committee's roll-up of its children's figures ("" without children)."""
    late: list[str] = []
    if stored_only:
        children, late = await reported_child_figures(scope.committee_id, period,
                                                      session=session)
    else:
        children = await child_figures(scope.committee_id, period, tz, session=session)
    if not children and not late:
        return ""
    parent = await session.get(Committee, scope.committee_id)
    return render_rollup(parent.name if parent else "Ban Chỉ đạo", children, period, late)
