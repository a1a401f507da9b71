"""Recording status in chat: button presses, free-text replies, evidence files."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import date
from typing import Any, cast

from bot import texts
from bot.blocker_flow import decide, forward, raise_blocker
from bot.commands import import_upload
from bot.extension_decision import decide_and_tell
from bot.keyboards import Choice, buttons_kind, decode, encode, item_buttons
from bot.messenger import Button, Buttons
from bot.metrics import observe_parse
from bot.turn import ConversationConfig, Outgoing, Turn, notify
from domain.indicator_values import declines_value, parse_indicator_value
from domain.permissions import READ_ONLY, may_administer, may_update
from domain.replies import MAX_REPLY_CHARS, Reply, find_item_codes, parse_reply
from domain.reply_answers import percent_answer, requested_date
from domain.text import tidy
from storage.chat import AssignmentCard, cards, reminded_in, save_state
from storage.committees import extension_in_scope, person_scope, secretariat_for
from storage.status import (
    Actor,
    EvidenceIn,
    Source,
    Status,
    StatusError,
    attach_evidence,
    latest_change,
    record_indicator,
    record_status,
    request_extension,
)

log = logging.getLogger(__name__)
# A link is evidence as it stands; other text is kept as evidence only when the person agrees.
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def _actor(turn: Turn) -> Actor:
    return Actor(cast(Any, turn.person.role), turn.person.id)


def _source(turn: Turn, reply_to_outbox_id: int | None = None) -> Source:
    incoming = turn.incoming
    ref = f"{incoming.channel}:{incoming.chat_id}:{incoming.message_id or incoming.update_id}"
    return Source(ref, incoming.text or incoming.callback, reply_to_outbox_id)


async def _card(turn: Turn, assignment_id: int) -> AssignmentCard | None:
    # The secretariat acts on its own committee's assignments only (a button may be forged).
    committee = person_scope(turn.person) if may_administer(turn.person.role) else None
    found = await cards(session=turn.session, assignment_ids=[assignment_id],
                        committee=committee)
    if not found:
        return None
    card = found[0]
    if not may_update(turn.person.role, turn.person.agency_id, card.agency_id):
        log.warning("person %s (%s) refused update of assignment %s", turn.person.id,
                    turn.person.role, assignment_id)
        return None
    return card


async def _remember(config: ConversationConfig, turn: Turn, state: dict[str, Any]) -> None:
    await save_state(turn.incoming.channel, turn.incoming.chat_id, state,
                     turn.now + config.state_valid_for, session=turn.session)


async def _forget(turn: Turn) -> None:
    await save_state(turn.incoming.channel, turn.incoming.chat_id, {}, turn.now,
                     session=turn.session)


def _buttons(card: AssignmentCard) -> Buttons:
    """The item's status buttons (an ongoing item has no "done")."""
    return item_buttons([(card.assignment_id, buttons_kind(card.kind, card.deadline_kind),
                          card.code)])


def _refusal(turn: Turn) -> list[Outgoing]:
    return turn.say(texts.LEADER_READ_ONLY if turn.person.role in READ_ONLY
                    else texts.NOT_ALLOWED)


async def record(config: ConversationConfig, turn: Turn, card: AssignmentCard, status: Status,
                 *, percent: int | None = None, note: str | None = None,
                 evidence: tuple[str, ...] = (), reply_to: int | None = None,
                 expected_on: date | None = None) -> list[Outgoing]:
    """Record a status and say so; after "done", the next file or reference is its evidence."""
    change = await record_status(
        card.assignment_id, status, turn.now, turn.today, _actor(turn), session=turn.session,
        percent=percent, note=note, source=_source(turn, reply_to),
        evidence=[EvidenceIn(reference=ref) for ref in evidence], expected_on=expected_on)
    if status == "done":
        await _remember(config, turn, {"await": "evidence", "change": change.id,
                                       "assignment": card.assignment_id})
    else:
        await _forget(turn)
    if status == "blocked":
        await raise_blocker(turn, card, change.id, note)
    return turn.say(texts.confirm_status(card, status, change.percent, note, turn.today))


async def _ask_extension_decision(turn: Turn, card: AssignmentCard, request_id: int,
                                  new_due: Any, reason: str | None) -> None:
    text = texts.extension_notice(card, turn.actor_name, new_due, reason)
    buttons = ((Button("✅ Đồng ý", encode(Choice("extension_decision", request_id, "y"))),
                Button("❌ Không đồng ý", encode(Choice("extension_decision", request_id, "n")))),)
    for person in await secretariat_for(card.assignment_id, session=turn.session):
        await notify(turn.session, person, f"extension:{request_id}:{person.id}", text,
                     turn.now, buttons)


async def extension(turn: Turn, card: AssignmentCard, reply: Reply) -> list[Outgoing]:
    """Record a request for more time and put it before the secretariat."""
    request = await request_extension(card.assignment_id, reply.new_due, reply.note or None,
                                      turn.now, _actor(turn), session=turn.session)
    await _forget(turn)
    await _ask_extension_decision(turn, card, request.id or 0, reply.new_due, reply.note or None)
    return turn.say(texts.extension_requested(card, reply.new_due))


async def apply_reply(config: ConversationConfig, turn: Turn, card: AssignmentCard,
                      reply: Reply, reply_to: int | None = None) -> list[Outgoing]:
    """Act on a parsed free-text reply for one item; never "done" on a guess."""
    log.info("reply for assignment %s read as %s: %s", card.assignment_id, reply.status,
             reply.why)
    if card.kind == "indicator":
        await _remember(config, turn, {"await": "indicator_value", "value": reply.note})
        return turn.say(texts.unclear(card), _buttons(card))
    if reply.status == "unclear":
        return turn.say(texts.unclear(card), _buttons(card))
    if reply.status == "extension":
        return await extension(turn, card, reply)
    if reply.status == "disputed":
        return await _disputed(config, turn, card, reply, reply_to)
    return await record(config, turn, card, cast(Status, reply.status), percent=reply.percent,
                        note=_noted(reply), evidence=reply.evidence, reply_to=reply_to,
                        expected_on=reply.expected_on)


def _noted(reply: Reply) -> str:
    """The reply's note, with the completion date it expects said plainly."""
    if reply.expected_on is None:
        return reply.note
    return f"{reply.note} (dự kiến hoàn thành {reply.expected_on:%d/%m/%Y})"


async def _disputed(config: ConversationConfig, turn: Turn, card: AssignmentCard, reply: Reply,
                    reply_to: int | None) -> list[Outgoing]:
    """The item is not this agency's, says the person: blocked, and the secretariat is told."""
    change = await record_status(card.assignment_id, "blocked", turn.now, turn.today,
                                 _actor(turn), session=turn.session, note=reply.note,
                                 source=_source(turn, reply_to))
    await _forget(turn)
    # The secretariat's action item, like any blocker: "handled" or "forward" under it, and the
    # item rests (no nagging) until then.
    await raise_blocker(turn, card, change.id, reply.note,
                        texts.disputed_notice(card, turn.actor_name, reply.note))
    return turn.say(texts.disputed_forwarded(card))


async def _evidence_or_status(config: ConversationConfig, turn: Turn,
                              state: dict[str, Any]) -> list[Outgoing]:
    """The message after "done": evidence, a new status for the item, or a question first."""
    text = turn.incoming.text
    reply = parse_reply(text, turn.today)
    references = reply.evidence or ((text.strip(),) if _LINK.search(text) else ())
    if references:
        await attach_evidence(state["change"], [EvidenceIn(reference=r) for r in references],
                              session=turn.session)
        await _forget(turn)
        return turn.say(f"Đã đính kèm minh chứng: {'; '.join(references)}.")
    card = await _card(turn, int(state["assignment"])) if state.get("assignment") else None
    if card is None or reply.codes:
        await _forget(turn)
        return await _status_reply(config, turn, reply)
    if reply.status != "unclear":  # "đang triển khai 60%": a new status, not proof
        await _forget(turn)
        return await apply_reply(config, turn, card, reply)
    await _remember(config, turn, {**state, "await": "evidence_confirm", "text": text.strip()})
    buttons = ((Button("📎 Lưu làm minh chứng", encode(Choice("evidence", state["change"], "y"))),
                Button("Không lưu", encode(Choice("evidence", state["change"], "n")))),)
    return turn.say(texts.confirm_evidence(card.code, text), buttons)


async def _confirm_evidence(turn: Turn, choice: Choice) -> list[Outgoing]:
    state = turn.state
    if state.get("await") != "evidence_confirm" or state.get("change") != choice.target:
        return turn.say("Nút này không còn hiệu lực. Gõ /nhiemvu để xem danh sách.")
    await _forget(turn)
    if choice.value != "y":
        return turn.say("Đã bỏ qua, không lưu làm minh chứng.")
    await attach_evidence(choice.target, [EvidenceIn(reference=state["text"])],
                          session=turn.session)
    return turn.say(f"Đã đính kèm minh chứng: {state['text']}.")


async def _pick(config: ConversationConfig, turn: Turn, options: list[AssignmentCard],
                reply: Reply, reply_to: int | None) -> list[Outgoing]:
    await _remember(config, turn, {"await": "pick", "text": turn.incoming.text,
                                   "reply_to": reply_to})
    buttons = tuple((Button(f"{c.code} – {c.mark}{c.text[:40]}",
                            encode(Choice("pick", c.assignment_id))),)
                    for c in options[:20])
    return turn.say(texts.which_item(options[:20], turn.today), buttons)


async def _answer_awaited(config: ConversationConfig, turn: Turn,
                          state: dict[str, Any]) -> list[Outgoing] | None:
    """Free text that answers the question the bot asked last; None if it asked nothing."""
    awaiting = state.get("await")
    text = turn.incoming.text
    if awaiting in ("evidence", "evidence_confirm"):
        return await _evidence_or_status(config, turn, state)
    if awaiting == "forward":
        return await forward(config, turn, state)
    if awaiting not in ("in_progress", "blocked", "extension", "indicator"):
        return None
    card = await _card(turn, int(state["assignment"]))
    if card is None:
        await _forget(turn)
        return _refusal(turn)
    reply = parse_reply(text, turn.today)
    if awaiting == "in_progress":  # "45" answers "how many percent?"
        percent = reply.percent if reply.percent is not None else percent_answer(text)
        return await record(config, turn, card, "in_progress", percent=percent,
                            note=_noted(reply), evidence=reply.evidence,
                            expected_on=reply.expected_on)
    if awaiting == "blocked":
        return await record(config, turn, card, "blocked", note=reply.note)
    if awaiting == "extension":  # "30/11/2025", "đến 15/01/2026" answer "until when?"
        due = reply.new_due or requested_date(text, turn.today)
        if due is None:
            return turn.say(texts.ASK_DATE_AGAIN)
        return await extension(turn, card, replace(reply, new_due=due))
    value_text = None if declines_value(text) else text.strip()
    return await _indicator(turn, card, state["assessment"], value_text)


async def _indicator(turn: Turn, card: AssignmentCard, assessment: str,
                     value_text: str | None) -> list[Outgoing]:
    value, unit = parse_indicator_value(value_text or "")
    await record_indicator(card.assignment_id, cast(Any, assessment), turn.now, _actor(turn),
                           session=turn.session, value_text=value_text, value=value, unit=unit)
    await _forget(turn)
    return turn.say(texts.confirm_indicator(card, assessment, value_text))


async def handle_text(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    """A typed message: the answer to a question, or a status reply in the person's own words."""
    length = len(tidy(turn.incoming.text))
    if length > MAX_REPLY_CHARS:
        return turn.say(texts.too_long(length, MAX_REPLY_CHARS))
    answered = await _answer_awaited(config, turn, turn.state)
    if answered is not None:
        return answered
    return await _status_reply(config, turn, parse_reply(turn.incoming.text, turn.today))


async def _status_reply(config: ConversationConfig, turn: Turn, reply: Reply) -> list[Outgoing]:
    """A status reply in the person's own words: for the item it names, answers or is about."""
    if turn.person.role in READ_ONLY:
        return turn.say(texts.LEADER_READ_ONLY)
    observe_parse(str(reply.status))
    scope = None if may_administer(turn.person.role) else turn.person.agency_id
    # The secretariat acts on its own committee's items; an agency's people on their agency's.
    committee = person_scope(turn.person) if scope is None else None
    reply_to, options = None, []
    if reply.codes:
        options = await cards(session=turn.session, agency_id=scope, codes=list(reply.codes),
                              committee=committee)
        if not options:
            return turn.say(texts.unknown_codes(reply.codes))
    elif turn.incoming.reply_to_message_id:
        reply_to, listed = await reminded_in(
            turn.incoming.channel, turn.incoming.chat_id, turn.incoming.reply_to_message_id,
            session=turn.session)
        options = await cards(session=turn.session, agency_id=scope, assignment_ids=listed,
                              open_only=True, committee=committee) if listed else []
    if not options and scope is not None:
        options = await cards(session=turn.session, agency_id=scope, open_only=True)
        if not options:
            return turn.say(texts.NO_OPEN_ITEMS)
    if not options:
        return turn.say(texts.ASK_CODE)
    if len(options) > 1:
        return await _pick(config, turn, options, reply, reply_to)
    return await apply_reply(config, turn, options[0], reply, reply_to)


async def handle_button(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    """A pressed inline button (or a numbered choice on channels without buttons)."""
    choice = decode(turn.incoming.callback or "")
    if choice is None:
        return turn.say("Nút này không còn hiệu lực. Gõ /nhiemvu để xem danh sách.")
    if choice.action == "extension_decision":
        return await _decide(turn, choice)
    if choice.action == "evidence":
        return await _confirm_evidence(turn, choice)
    if choice.action == "blocker":
        return await decide(config, turn, choice)
    if turn.person.role in READ_ONLY:
        return turn.say(texts.LEADER_READ_ONLY)
    card = await _card(turn, choice.target)
    if card is None:
        return _refusal(turn)
    if choice.action == "pick":
        state = turn.state
        if state.get("await") != "pick":
            return turn.say(texts.ASK_CODE)
        reply = parse_reply(state.get("text", ""), turn.today)
        return await apply_reply(config, turn, card, reply, state.get("reply_to"))
    if choice.action == "indicator":
        state = turn.state
        if state.get("await") == "indicator_value":
            return await _indicator(turn, card, choice.value, state.get("value") or None)
        await _remember(config, turn, {"await": "indicator", "assignment": card.assignment_id,
                                       "assessment": choice.value})
        return turn.say(texts.ask_for("indicator", card))
    if choice.value == "done":
        return await record(config, turn, card, "done")
    await _remember(config, turn, {"await": choice.value, "assignment": card.assignment_id})
    return turn.say(texts.ask_for(choice.value, card))


async def _decide(turn: Turn, choice: Choice) -> list[Outgoing]:
    if not may_administer(turn.person.role) or not await extension_in_scope(
            choice.target, person_scope(turn.person), session=turn.session):
        return turn.say(texts.NOT_ALLOWED)
    try:
        request, card = await decide_and_tell(choice.target, choice.value == "y", turn.now,
                                              _actor(turn), session=turn.session)
    except StatusError as refusal:
        return turn.say(str(refusal))
    approved = request.state == "approved"
    verdict = "đồng ý" if approved else "không đồng ý"
    return turn.say(f"Đã {verdict} đề nghị gia hạn {card.code} của {card.agency_name}.")


async def handle_file(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    """A document or photo: an appendix to import (secretariat) or evidence."""
    file = turn.incoming.file
    assert file is not None
    if may_administer(turn.person.role) and file.name.lower().endswith((".docx", ".xlsx",
                                                                        ".csv")):
        return await import_upload(config, turn, file)
    proof = EvidenceIn(file_id=file.file_id, file_name=file.name, file_size=file.size,
                       data=file.data, content_type=file.content_type)
    state = turn.state
    change_id = state.get("change") if state.get("await") == "evidence" else None
    codes = find_item_codes(turn.incoming.text)
    if change_id is None and codes and turn.person.role != "leader":
        scope = None if may_administer(turn.person.role) else turn.person.agency_id
        found = await cards(session=turn.session, agency_id=scope, codes=list(codes),
                            committee=person_scope(turn.person) if scope is None else None)
        if found:
            change = await latest_change(found[0].assignment_id, session=turn.session)
            change_id = change.id if change else None
    if change_id is None:
        return turn.say("Đồng chí gửi tệp này làm minh chứng cho nhiệm vụ nào? Hãy báo tình trạng "
                        "trước (vd: “NV12 đã hoàn thành”) rồi gửi tệp, hoặc gửi tệp kèm chú thích "
                        "là mã nhiệm vụ.")
    await attach_evidence(change_id, [proof], session=turn.session)
    return turn.say(f"Đã đính kèm minh chứng: {file.name}.")

