"""Telegram's updates read defensively: a server that is not quite Telegram must not stop us.

An update that cannot be read is logged and skipped (never retried forever); timestamps sent in
milliseconds (seen with an independent Bot API emulator) are read as seconds, with a warning.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, Update

log = logging.getLogger(__name__)
_DATE_KEYS = frozenset({"date", "edit_date", "forward_date"})
# Any Unix time in seconds before the year 5138 is below this; milliseconds of today are above.
_MILLISECONDS_FROM = 10**11
_MAX_UPDATE_ID = 2**63 - 1


@dataclass
class Batch:
    """What one getUpdates answer held: the updates read and the highest id seen."""

    updates: list[Update] = field(default_factory=list)
    last_id: int | None = None


def valid_update_id(value: object) -> bool:
    """An update id as Telegram sends it: a non-negative integer that fits 64 bits."""
    return isinstance(value, int) and not isinstance(value, bool) \
        and 0 <= value <= _MAX_UPDATE_ID


def in_seconds(value: Any) -> Any:
    """The same JSON with millisecond timestamps under date keys turned into seconds."""
    if isinstance(value, dict):
        return {key: (item // 1000 if key in _DATE_KEYS and isinstance(item, int)
                      and item >= _MILLISECONDS_FROM else in_seconds(item))
                for key, item in value.items()}
    if isinstance(value, list):
        return [in_seconds(item) for item in value]
    return value


def read_update(payload: object, bot: Bot) -> Update | None:
    """One update from its JSON; None (logged) when it cannot be read."""
    if not isinstance(payload, dict) or not valid_update_id(payload.get("update_id")):
        log.warning("not a Telegram update: %.200s", _shown(payload))
        return None
    try:
        return Update.de_json(payload, bot)
    except (ValueError, TypeError, KeyError, OverflowError, AttributeError) as first:
        fixed = in_seconds(payload)
        if fixed == payload:
            log.warning("update %s cannot be read (%s): skipped", payload["update_id"], first)
            return None
        try:
            update = Update.de_json(fixed, bot)
        except (ValueError, TypeError, KeyError, OverflowError, AttributeError) as error:
            log.warning("update %s cannot be read (%s): skipped", payload["update_id"], error)
            return None
        log.warning("update %s had its dates in milliseconds; read them as seconds",
                    payload["update_id"])
        return update


def read_updates(raw: object, bot: Bot) -> Batch:
    """A getUpdates answer as updates, skipping (and logging) what cannot be read."""
    batch = Batch()
    if not isinstance(raw, list):
        log.warning("getUpdates answered something that is not a list: %.200s", _shown(raw))
        return batch
    for payload in raw:
        update_id = payload.get("update_id") if isinstance(payload, dict) else None
        if valid_update_id(update_id):
            assert isinstance(update_id, int)
            batch.last_id = max(batch.last_id or 0, update_id)
        update = read_update(payload, bot)
        if update is not None:
            batch.updates.append(update)
    return batch


def _shown(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)[:200]
    except (ValueError, TypeError, RecursionError):
        return type(value).__name__
