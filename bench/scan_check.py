"""What the measured scan sent the secretariats, read back from the outbox: each chat's
escalations and unreachable lists must name only its own committee's items (issue #22)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from storage.models import FocalPerson, Item, Outbox

# An item's line: "• NV123 – …" (domain.reminder_text.item_line); the bench's codes are
# NV/CT and the item's id, one code per item across the whole store.
ITEM_CODE = re.compile(r"^\W*\s*((?:NV|CT)\d+) – ", re.MULTILINE)
KINDS = ("escalation", "unreachable_list")


async def last_outbox_id(sessions: Any) -> int:
    """The outbox's highest id: the scan's rows come after it."""
    async with sessions() as session:
        return int((await session.exec(select(func.max(Outbox.id)))).one() or 0)


async def secretariat_messages(sessions: Any, after: int) -> dict[str, Any]:
    """Messages, parts and characters the secretariat chats got after outbox row `after`,
    the items they name, and how many of those are another committee's (leaks)."""
    async with sessions() as session:
        owner = {code: committee for code, committee in (await session.exec(
            select(Item.code, Item.committee_id))).all()}
        secretariat = {person_id: committee for person_id, committee in (await session.exec(
            select(FocalPerson.id, FocalPerson.committee_id)
            .where(FocalPerson.role == "secretariat"))).all()}
        rows = await session.stream(
            select(Outbox.kind, Outbox.key, Outbox.text, Outbox.focal_person_id)
            .where(col(Outbox.id) > after, col(Outbox.kind).in_(KINDS),
                   col(Outbox.focal_person_id).in_(list(secretariat))))
        figures: dict[str, Any] = {kind: Counter() for kind in KINDS}
        chats: set[int] = set()
        named = leaks = unknown = 0
        leak_examples: list[str] = []
        async for kind, key, text, person_id in rows:
            counter = figures[kind]
            counter["parts"] += 1
            counter["chars"] += len(text)
            counter["messages"] += key.endswith(":1")  # a message's first part
            chats.add(person_id)
            for code in ITEM_CODE.findall(text):
                named += 1
                if code not in owner:
                    unknown += 1
                elif owner[code] != secretariat[person_id]:
                    leaks += 1
                    if len(leak_examples) < 5:
                        leak_examples.append(f"{code} (committee {owner[code]}) to secretariat "
                                             f"{person_id} (committee {secretariat[person_id]})")
    return {**{kind: dict(figures[kind]) for kind in KINDS},
            "secretariat_chats": len(secretariat), "chats_told": len(chats),
            "committees_of_secretariats": len(set(secretariat.values())),
            "items_named": named, "codes_unknown": unknown, "leaks": leaks,
            "leak_examples": leak_examples}
