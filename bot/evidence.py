"""/minhchung: the secretariat reads an item's evidence and gets its files sent to the chat.

A file dondoc keeps (a Zalo photo) is sent from the database; a file the platform holds (a
Telegram file id) is fetched through its channel first. Files follow through the outbox, so
they arrive with the next delivery, inside working hours like every notice.
"""

from __future__ import annotations

import logging

from bot import texts
from bot.turn import ConversationConfig, Outgoing, Turn
from domain.replies import find_item_codes
from storage.chat import AssignmentCard, cards
from storage.committees import person_scope
from storage.evidence import EvidenceItem, evidence_of
from storage.outbox import NewMessage, enqueue

log = logging.getLogger(__name__)
USAGE = "Gõ kèm mã nhiệm vụ, ví dụ: /minhchung NV12"
_IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".heic")


async def _file_bytes(config: ConversationConfig, proof: EvidenceItem) -> bytes | None:
    """The file's bytes: kept ones, else fetched from the platform that holds it."""
    if proof.data is not None:
        return proof.data
    fetch = config.fetchers.get(proof.channel or "")
    if fetch is None or not proof.file_id:
        return None
    try:
        return await fetch(proof.file_id)
    except Exception:
        log.warning("evidence %s could not be fetched from %s", proof.id, proof.channel,
                    exc_info=True)
        return None


async def send_evidence(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    """List an item's evidence and queue its files to this chat."""
    codes = find_item_codes(turn.incoming.args)
    if not codes:
        return turn.say(USAGE)
    found = await cards(session=turn.session, codes=list(codes),
                        committee=person_scope(turn.person))
    if not found:
        return turn.say(texts.unknown_codes(codes))
    proofs = await evidence_of([c.assignment_id for c in found], session=turn.session)
    for card in found:
        mine = [p for p in proofs if p.assignment_id == card.assignment_id]
        turn.say(await _listing(config, turn, card, mine))
    return turn.replies


async def _listing(config: ConversationConfig, turn: Turn, card: AssignmentCard,
                   proofs: list[EvidenceItem]) -> str:
    lines = [f"Minh chứng của {card.code} – {card.agency_name}:"]
    if not proofs:
        lines.append("• Chưa có minh chứng.")
    for proof in proofs:
        if proof.reference:
            lines.append(f"• {proof.reference}")
        if not proof.file_id:
            continue
        name = proof.file_name or "tep"
        label = "Ảnh" if name.lower().endswith(_IMAGES) else "Tệp"
        data = await _file_bytes(config, proof)
        if data is None:
            lines.append(f"• {label} {name} (không tải lại được tệp)")
            continue
        lines.append(f"• {label} {name} (gửi kèm ngay sau đây)")
        incoming = turn.incoming
        await enqueue(NewMessage(
            key=f"evidence:{proof.id}:{incoming.channel}:{incoming.chat_id}:"
                f"{incoming.update_id}"[:200],
            kind="evidence", channel=incoming.channel, chat_id=incoming.chat_id,
            text=f"Minh chứng {card.code} – {card.agency_name}: {name}",
            focal_person_id=turn.person.id, attachment_name=name, attachment=data),
            turn.now, session=turn.session)
    return "\n".join(lines)
