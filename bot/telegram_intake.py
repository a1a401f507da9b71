"""Telegram updates handed to PTB's handlers one by one, with their outcome.

Polling and the webhook acknowledge an update to Telegram only when it is stored or has
definitively failed. When the database is unreachable the update is kept at Telegram (the
offset is not advanced; the webhook answers 503) and Telegram delivers it again.
"""

from __future__ import annotations

import time
from typing import Any

from telegram import Update
from telegram.ext import Application

_INTAKE = "dondoc.intake"
# A person whose messages wait for the database is told so once in this many seconds.
TOLD_EVERY = 600.0


class UpdateIntake:
    """Handles one update through the application's processor and says if it may be forgotten."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.application = application
        self._watched: dict[int, bool] = {}  # id(update) -> must be delivered again
        self._told: dict[int, float] = {}  # chat id -> when told of the outage (monotonic)

    async def handle(self, update: Update) -> bool:
        """Handle an update; False when Telegram must deliver it again (database unavailable).

        Nothing is awaited before the processor takes the update, so updates handed in one
        after another keep their order within a chat (see ChatOrderedProcessor).
        """
        application = self.application
        key = id(update)
        self._watched[key] = False
        try:
            await application.update_processor.process_update(
                update, application.process_update(update))
            return not self._watched[key]
        finally:
            del self._watched[key]

    def keep(self, update: object) -> bool:
        """Mark an update being handled here for redelivery; False when it is not ours to keep."""
        key = id(update)
        if key not in self._watched:
            return False
        self._watched[key] = True
        return True

    def tell_of_outage(self, chat_id: int) -> bool:
        """Whether to tell this chat its messages wait (once per TOLD_EVERY seconds)."""
        now = time.monotonic()
        told = self._told.get(chat_id)
        if told is not None and now - told < TOLD_EVERY:
            return False
        if len(self._told) > 10_000:
            self._told = {c: t for c, t in self._told.items() if now - t < TOLD_EVERY}
        self._told[chat_id] = now
        return True


def attach_intake(application: Application[Any, Any, Any, Any, Any, Any]) -> UpdateIntake:
    """Give an application its intake (one per application)."""
    intake = UpdateIntake(application)
    application.bot_data[_INTAKE] = intake
    return intake


def intake_of(application: Application[Any, Any, Any, Any, Any, Any]) -> UpdateIntake:
    """The application's intake (made by build_application)."""
    intake = application.bot_data[_INTAKE]
    assert isinstance(intake, UpdateIntake)
    return intake
