"""Chat commands: /nhiemvu, /capnhat, /huongdan, and the secretariat's own."""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path

from bot import texts
from bot.blocker_list import list_open
from bot.console_commands import CONSOLE_COMMANDS
from bot.evidence import send_evidence
from bot.keyboards import Choice, buttons_kind, encode, item_buttons
from bot.linking import choose_channel, link_code
from bot.messenger import Button
from bot.turn import ConversationConfig, FileRef, Outgoing, Turn, notify
from domain.digest import build_digest
from domain.digest_inputs import digest_period
from domain.digest_text import render_digest
from domain.import_report import render_import_summary
from domain.permissions import READ_ONLY, may_administer, may_read_all
from domain.replies import find_item_codes
from storage import deadlines
from storage.chat import AssignmentCard, cards
from storage.committees import CommitteeScope, committee_of, person_scope
from storage.deadlines import split_code
from storage.digest import load_digest_inputs
from storage.file_guard import MAX_FILE_BYTES
from storage.importer import ImportFailed, import_items
from storage.invites import create_invite
from storage.isolated_read import read_upload
from storage.queries import find_agency
from storage.status import pending_extensions

log = logging.getLogger(__name__)


async def handle_command(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    """Route a command by name and role."""
    command = turn.incoming.command or ""
    common = {"nhiemvu": _my_items, "capnhat": _update_one, "huongdan": _help, "help": _help,
              "lienket": link_code, "kenh": choose_channel}
    reading = {"tongquan": _overview, "quahan": _overdue, "coquan": _agency}
    admin = {"moi": _invite, "duyet": _pending, "minhchung": send_evidence,
             "thoihan": _set_deadline, "vuongmac": list_open}
    if command in common:
        return await common[command](config, turn)
    if command in reading:
        if not may_read_all(turn.person.role):
            log.info("person %s refused /%s", turn.person.id, command)
            return turn.say(texts.NOT_ALLOWED)
        return await reading[command](config, turn)
    if command in CONSOLE_COMMANDS:
        return await CONSOLE_COMMANDS[command](config, turn)
    if command in admin:
        if not may_administer(turn.person.role):
            log.info("person %s refused /%s", turn.person.id, command)
            return turn.say(texts.NOT_ALLOWED)
        return await admin[command](config, turn)
    return turn.say("Lệnh này không có trong hệ thống. Gõ /huongdan để xem các lệnh.")


def _committee(turn: Turn) -> CommitteeScope | None:
    """A committee role's own committee; None for an agency's people (they serve several)."""
    return person_scope(turn.person) if committee_of(turn.person.role, None) else None


async def _help(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    return turn.say(texts.help_text(turn.person.role))


async def _my_items(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    if turn.person.agency_id is None:
        return turn.say("Tài khoản này theo dõi mọi cơ quan: dùng /quahan, "
                        "/coquan <tên> hoặc /tongquan.")
    found = await cards(session=turn.session, agency_id=turn.person.agency_id, open_only=True)
    if not found:
        return turn.say(texts.NO_OPEN_ITEMS)
    return turn.say(texts.items_list(found, turn.today,
                                     f"Nhiệm vụ đang mở của {found[0].agency_name}:"))


async def _update_one(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    codes = find_item_codes(turn.incoming.args)
    if not codes:
        return turn.say("Gõ kèm mã nhiệm vụ, ví dụ: /capnhat NV12")
    if turn.person.role in READ_ONLY:
        return turn.say(texts.LEADER_READ_ONLY)
    scope = None if may_administer(turn.person.role) else turn.person.agency_id
    found = await cards(session=turn.session, agency_id=scope, codes=list(codes),
                        committee=_committee(turn))
    if not found:
        return turn.say(texts.unknown_codes(codes))
    card = found[0]
    # An ongoing item ("Thường xuyên") offers no "Hoàn thành", as in the reminders.
    kind = buttons_kind(card.kind, card.deadline_kind)
    return turn.say(texts.card_line(card, turn.today),
                    item_buttons([(card.assignment_id, kind, card.code)]))


async def _overview(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    period = digest_period(turn.today, config.digest_every_weeks)
    inputs = await load_digest_inputs(period, config.tz, person_scope(turn.person),
                                      session=turn.session)
    digest = build_digest(inputs)
    if config.digest_files is None:
        return turn.say(render_digest(digest, with_files=False))
    # The text promises a chart and a workbook: they follow it, through the outbox.
    incoming = turn.incoming
    for part, (name, data, caption) in enumerate(await config.digest_files(digest)):
        await notify(turn.session, turn.person,
                     f"overview:{incoming.channel}:{incoming.chat_id}:{incoming.update_id}:"
                     f"{part}"[:200], caption, turn.now, kind="overview_file",
                     attachment=(name, data))
    return turn.say(render_digest(digest))


async def _overdue(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    late = [c for c in await cards(session=turn.session, open_only=True,
                                   committee=person_scope(turn.person))
            if c.overdue(turn.today)]
    if not late:
        return turn.say("Không có nhiệm vụ quá hạn.")
    by_agency: dict[str, list[AssignmentCard]] = defaultdict(list)
    for card in late:
        by_agency[card.agency_name].append(card)
    # One item led by several agencies is one "nhiệm vụ" and several "lượt phân công".
    items = len({card.code for card in late})
    lines = [f"Nhiệm vụ quá hạn: {items} nhiệm vụ, {len(late)} lượt phân công:"]
    for agency, agency_cards in sorted(by_agency.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"{agency}:")
        lines += [texts.card_line(card, turn.today) for card in agency_cards]
    return turn.say("\n".join(lines))


async def _agency(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    name = turn.incoming.args.strip()
    agency = await find_agency(name, session=turn.session) if name else None
    if agency is None:
        return turn.say(f"Không tìm thấy cơ quan “{name}”." if name
                        else "Gõ kèm tên cơ quan, ví dụ: /coquan Sở Y tế")
    found = await cards(session=turn.session, agency_id=agency.id,
                        committee=person_scope(turn.person))
    if not found:
        return turn.say(f"{agency.name} chưa được giao nhiệm vụ nào.")
    return turn.say(texts.items_list(found, turn.today, f"Nhiệm vụ của {agency.name}:"))


async def _invite(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    words = turn.incoming.args.strip()
    role = "focal"
    for suffix in ("lanhdao", "lãnh đạo", "lanh dao"):
        if words.lower().endswith(suffix):
            role, words = "leader", words[: -len(suffix)].strip()
    agency = await find_agency(words, session=turn.session) if words else None
    if agency is None:
        return turn.say(f"Không tìm thấy cơ quan “{words}”." if words
                        else "Gõ kèm tên cơ quan, ví dụ: /moi Sở Y tế (thêm “lanhdao” để mời "
                             "lãnh đạo)")
    invite = await create_invite(agency, role, turn.now, config.invite_valid_for,
                                 session=turn.session, created_by=turn.person.id,
                                 committee_id=person_scope(turn.person).committee_id)
    expires = invite.expires_at.astimezone(config.tz).date()
    return turn.say(texts.invite_created(invite.code, agency.name, role, expires,
                                         config.link_for(invite.code)))


async def _pending(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    scope = person_scope(turn.person)
    requests = [(request, found[0]) for request in await pending_extensions(session=turn.session)
                if (found := await cards(session=turn.session,
                                         assignment_ids=[request.assignment_id],
                                         committee=scope))]
    if not requests:
        return turn.say("Không có đề nghị gia hạn nào chờ duyệt.")
    turn.say(f"Có {len(requests)} đề nghị gia hạn chờ duyệt:")
    for request, card in requests:
        text = texts.extension_notice(card, "đơn vị", request.new_due, request.reason)
        buttons = ((Button("✅ Đồng ý", encode(Choice("extension_decision", request.id or 0,
                                                       "y"))),
                    Button("❌ Không đồng ý", encode(Choice("extension_decision",
                                                           request.id or 0, "n")))),)
        turn.say(text, buttons)
    return turn.replies


async def _set_deadline(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    parts = split_code(turn.incoming.args)
    if parts is None:
        return turn.say(deadlines.USAGE)
    try:
        changed = await deadlines.set_deadline(
            *parts, turn.now, config.fallback_year(turn.today), session=turn.session,
            by=turn.person.name or f"person {turn.person.id}", via="chat",
            person_id=turn.person.id, committee_id=person_scope(turn.person).committee_id)
    except deadlines.DeadlineRefused as refused:
        return turn.say(str(refused))
    log.info("person %s set the deadline of %s to %r", turn.person.id, changed.code,
             changed.after.raw)
    return turn.say(changed.confirmation())


async def import_upload(config: ConversationConfig, turn: Turn, file: FileRef) -> list[Outgoing]:
    """An appendix sent in chat: imported like `dondoc import`, all or nothing."""
    fetch = config.fetchers.get(turn.incoming.channel)
    if fetch is None:
        return turn.say("Kênh này chưa hỗ trợ nhận tệp; hãy dùng lệnh dondoc import.")
    if file.size is not None and file.size > MAX_FILE_BYTES:
        return turn.say(f"Không nhập được: {file.name}: tệp quá lớn (tối đa "
                        f"{MAX_FILE_BYTES // 1024 // 1024} MB); hãy tách thành nhiều tệp")
    data = await fetch(file.file_id)
    try:
        # Off the event loop, capped in time and memory: other chats go on meanwhile.
        parsed = await read_upload(data, file.name, config.fallback_year(turn.today))
    except ImportFailed as failure:
        return turn.say(f"Không nhập được: {failure}")
    report = await import_items(parsed.items, Path(file.name).name, parsed.sha256, turn.now,
                                session=turn.session, heading=parsed.heading,
                                committee_id=person_scope(turn.person).committee_id)
    report.warnings.extend(parsed.warnings)
    return turn.say(render_import_summary(report))
