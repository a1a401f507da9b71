"""One sending leader per channel's bot: the platform's limit is per bot, not per process."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import SendLead
from storage.outbox import insert_ignoring_duplicates


async def take_lead(channel: str, worker: str, now: datetime, until: datetime, *,
                    session: AsyncSession) -> bool:
    """Lead this channel until `until` if it is ours or free; renewing is taking it again."""
    created = await session.exec(
        insert_ignoring_duplicates(session, SendLead)
        .values(channel=channel, worker=worker, lease_until=until)
        .on_conflict_do_nothing(index_elements=["channel"]))
    if created.rowcount == 1:
        return True
    result = await session.exec(
        update(SendLead).where(col(SendLead.channel) == channel,
                               or_(col(SendLead.worker) == worker,
                                   col(SendLead.lease_until) < now))
        .values(worker=worker, lease_until=until))
    return bool(result.rowcount == 1)


async def hand_back(channel: str, worker: str, free_at: datetime, *,
                    session: AsyncSession) -> None:
    """Stop leading: another sender may take the channel from `free_at` on."""
    await session.exec(update(SendLead).where(col(SendLead.channel) == channel,
                                              col(SendLead.worker) == worker)
                       .values(lease_until=free_at))
