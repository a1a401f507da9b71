"""The overview's digest and the list's search keys, kept in memory until the data changes.

A national store's digest takes seconds to build (bench/console.py): the console builds it once
per day and change mark (`storage.console_marks.change_mark`), and at least every `MAX_AGE`.
When the last build took longer than `SLOW_BUILD` the page shows the previous digest, with the
time its figures were taken, while the new one is built in the background; a quicker build is
waited for, so a small store always shows the figures of the moment.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.digest_inputs import digest_period
from storage.console_list import AgencyChoice, DocumentChoice, filter_choices, search_keys
from storage.console_marks import CHOICE_MARKS, ITEM_MARKS, change_mark
from storage.console_queries import Overview, Scope, overview_of
from storage.digest import load_digest_inputs

log = logging.getLogger(__name__)
# Rebuilt at least this often even when the mark did not move (a write it does not see).
MAX_AGE = 900.0
# Seconds: a build slower than this is redone in the background, the last one shown meanwhile.
SLOW_BUILD = 1.0
# Seconds after start-up before the first background build (see keep_warm).
WARM_DELAY = 30.0


def _settle() -> None:
    """Leave what is kept out of the garbage collector's full passes."""
    # A national digest is millions of objects: without this, a full collection walks them
    # all (seconds under load) in the middle of an unrelated request. They are freed by
    # reference counting when replaced; only cycles among them would stay (the digest's
    # dataclasses and tuples make none). No collection first: on a national heap that is
    # itself the pause this avoids.
    gc.freeze()


Choices = tuple[list[AgencyChoice], list[DocumentChoice]]


@dataclass(frozen=True)
class Snapshot:
    """A digest built at `taken` for `today`, from the data `mark` describes."""

    view: Overview
    classes: dict[int, str]
    today: date
    mark: tuple[Any, ...]
    taken: datetime
    started: float
    seconds: float


class OverviewCache:
    """Per scope, the latest digest; and the search keys of every item."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], tz: Any, every_weeks: int,
                 now: Callable[[], datetime],
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.sessions, self.tz, self.every_weeks = sessions, tz, every_weeks
        self.now, self.monotonic = now, monotonic
        self._snapshots: dict[Scope, Snapshot] = {}
        self._building: dict[Scope, asyncio.Task[Snapshot]] = {}
        self._keys: dict[Scope, tuple[tuple[Any, ...], dict[int, str]]] = {}
        self._choices: dict[Scope, tuple[tuple[Any, ...], Choices]] = {}

    async def mark(self) -> tuple[Any, ...]:
        """The change mark now: read it once per request and pass it to the methods below."""
        async with self.sessions() as session:
            return await change_mark(session=session)

    def _age_bucket(self) -> int:
        # Kept lists are read again at least every MAX_AGE (a rename moves no count).
        return int(self.monotonic() // MAX_AGE)

    def _fresh(self, snapshot: Snapshot | None, today: date, mark: tuple[Any, ...]) -> bool:
        return (snapshot is not None and snapshot.today == today and snapshot.mark == mark
                and self.monotonic() - snapshot.started < MAX_AGE)

    async def digest(self, scope: Scope, today: date,
                     mark: tuple[Any, ...] | None = None) -> tuple[Snapshot, bool]:
        """The digest to show, and whether a newer one is being built."""
        mark = mark or await self.mark()
        snapshot = self._snapshots.get(scope)
        if self._fresh(snapshot, today, mark):
            assert snapshot is not None
            return snapshot, False
        task = self._building.get(scope)
        if task is None:
            task = asyncio.create_task(self._build(scope, today, mark))
            self._building[scope] = task
            task.add_done_callback(lambda done: self._done(scope, done))
        if snapshot is not None and snapshot.today == today and snapshot.seconds >= SLOW_BUILD:
            return snapshot, True
        built = await asyncio.shield(task)
        if built.mark != mark or built.today != today:
            return await self.digest(scope, today)  # a build of older data was under way
        return built, False

    def _done(self, scope: Scope, task: asyncio.Task[Snapshot]) -> None:
        if self._building.get(scope) is task:
            del self._building[scope]
        if task.cancelled():
            return
        if task.exception() is not None:
            log.error("console: the overview's digest could not be built",
                      exc_info=task.exception())

    async def _build(self, scope: Scope, today: date, mark: tuple[Any, ...]) -> Snapshot:
        started, taken = self.monotonic(), self.now()
        async with self.sessions() as session:
            inputs = await load_digest_inputs(digest_period(today, self.every_weeks), self.tz,
                                              scope, session=session)
        # Pure CPU work: in a thread, so the web server keeps answering meanwhile.
        view = await asyncio.to_thread(overview_of, inputs)
        classes = {status.item.item_id: status.cls for status in view.digest.items}
        snapshot = Snapshot(view, classes, today, mark, taken, started,
                            self.monotonic() - started)
        self._snapshots[scope] = snapshot
        _settle()
        log.info("console: overview digest built in %.2f s", snapshot.seconds)
        return snapshot

    async def search_keys(self, scope: Scope,
                          marks: tuple[Any, ...] | None = None) -> dict[int, str]:
        """The scope's items' search keys, recomputed when an item was added or changed."""
        mark = (*(marks or await self.mark())[ITEM_MARKS], self._age_bucket())
        kept = self._keys.get(scope)
        if kept is None or kept[0] != mark:
            async with self.sessions() as session:
                kept = self._keys[scope] = mark, await search_keys(None, scope, session=session)
            _settle()
        return kept[1]

    async def choices(self, scope: Scope, marks: tuple[Any, ...] | None = None) -> Choices:
        """The list's filter choices, read again when an agency or document was added."""
        marks = marks or await self.mark()
        mark = (*(marks[i] for i in CHOICE_MARKS), self._age_bucket())
        kept = self._choices.get(scope)
        if kept is None or kept[0] != mark:
            async with self.sessions() as session:
                kept = self._choices[scope] = mark, await filter_choices(scope, session=session)
        return kept[1]

    async def keep_warm(self, every: float) -> None:
        """Work out each known scope's overview every `every` seconds (the default committee's
        from the start), so a new day's or a changed store's digest is ready before anyone asks."""
        # Not during start-up itself: a service that fails to start must not be building.
        await asyncio.sleep(min(every, WARM_DELAY))
        while True:
            today = self.now().astimezone(self.tz).date()
            for scope in list(self._snapshots) or [Scope()]:
                try:
                    await self.digest(scope, today)
                except Exception:
                    log.exception("console: warming the overview of committee %s failed",
                                  scope.committee_id)
            await asyncio.sleep(every)

    async def close(self) -> None:
        """Stop the builds under way and wait for them (the server is shutting down): a build
        left to finish after the database engine is disposed would never close its session."""
        tasks = list(self._building.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
