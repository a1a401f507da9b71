"""A cheap mark of what the console's overview is built from: it changes when the data does."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Agency,
    AgencyMembership,
    Assignment,
    DeadlineChange,
    DigestRun,
    Document,
    ExtensionRequest,
    FocalPerson,
    ImportRun,
    IndicatorReport,
    Item,
    ReminderLog,
    StatusChange,
)

# Where change_mark's item columns are (max id, latest update, count): the search keys' mark.
ITEM_MARKS = slice(7, 10)
# Where its document and agency columns are: the list's filter choices' mark.
CHOICE_MARKS = (10, 11, 20, 21)


def _scalar(expression: Any, model: Any) -> Any:
    return sa.select(expression).select_from(model).scalar_subquery()


def _flag(column: Any) -> Any:
    return sa.func.sum(sa.case((column, 1), else_=0))


async def change_mark(*, session: AsyncSession) -> tuple[Any, ...]:
    """One row of maxima and counts that moves whenever the digest's inputs are written to.

    The big tables are append-only for what the digest reads (a status change, a report, a
    reminder is a new row; an assignment's status moves with a status_change row, its
    extension with a decided request, its `active` flag with an import run): their max(id)
    costs one index step. The small ones (people, agencies, requests) are summed whole. A write
    that bypasses all of these is caught by the cache's age limit, not by this mark.
    """
    marks = [
        _scalar(sa.func.max(col(StatusChange.id)), StatusChange),
        _scalar(sa.func.max(col(IndicatorReport.id)), IndicatorReport),
        _scalar(sa.func.max(col(ReminderLog.id)), ReminderLog),
        _scalar(sa.func.max(col(Assignment.id)), Assignment),
        _scalar(sa.func.max(col(DeadlineChange.id)), DeadlineChange),
        _scalar(sa.func.max(col(ImportRun.id)), ImportRun),
        _scalar(sa.func.max(col(DigestRun.id)), DigestRun),
        _scalar(sa.func.max(col(Item.id)), Item),
        _scalar(sa.func.max(col(Item.updated_at)), Item),
        _scalar(sa.func.count(), Item),
        _scalar(sa.func.max(col(Document.id)), Document),
        _scalar(sa.func.count(), Document),
        _scalar(sa.func.max(col(ExtensionRequest.id)), ExtensionRequest),
        _scalar(sa.func.max(col(ExtensionRequest.decided_at)), ExtensionRequest),
        _scalar(_flag(col(ExtensionRequest.state) == "pending"), ExtensionRequest),
        _scalar(sa.func.max(col(FocalPerson.id)), FocalPerson),
        _scalar(sa.func.count(), FocalPerson),
        _scalar(_flag(col(FocalPerson.active)), FocalPerson),
        _scalar(_flag(col(FocalPerson.reachable)), FocalPerson),
        _scalar(sa.func.sum(sa.func.coalesce(col(FocalPerson.agency_id), 0)), FocalPerson),
        _scalar(sa.func.max(col(Agency.id)), Agency),
        _scalar(sa.func.count(), Agency),
        _scalar(sa.func.count(), AgencyMembership),
    ]
    row = (await session.exec(sa.select(*marks))).one()  # type: ignore[call-overload]
    return tuple(str(value) for value in row)
