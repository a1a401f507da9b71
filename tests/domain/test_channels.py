"""One chat per person: the chosen chat, else the one used last."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.channels import LinkedChat, one_chat_per_person

MONDAY = datetime(2025, 9, 22, 1, 30, tzinfo=UTC)


def test_unlinked_chats_are_all_kept_in_order():
    chats = [LinkedChat(3, "zalo", "z3"), LinkedChat(1, "telegram", "1")]
    assert one_chat_per_person(chats) == chats


def test_the_chat_used_last_speaks_for_its_person():
    telegram = LinkedChat(1, "telegram", "1", identity_id=1, last_seen_at=MONDAY)
    zalo = LinkedChat(2, "zalo", "z", identity_id=1, last_seen_at=MONDAY + timedelta(hours=1))
    other = LinkedChat(5, "telegram", "5")
    assert one_chat_per_person([telegram, other, zalo]) == [other, zalo]


def test_a_chosen_chat_wins_and_a_chat_never_used_loses():
    telegram = LinkedChat(1, "telegram", "1", identity_id=1, preferred=True)
    zalo = LinkedChat(2, "zalo", "z", identity_id=1, last_seen_at=MONDAY)
    assert one_chat_per_person([telegram, zalo]) == [telegram]
    unused = LinkedChat(1, "telegram", "1", identity_id=1)
    assert one_chat_per_person([unused, zalo]) == [zalo]


def test_with_nothing_to_go_by_the_first_linked_chat_is_kept():
    first = LinkedChat(1, "telegram", "1", identity_id=1)
    second = LinkedChat(2, "zalo", "z", identity_id=1)
    assert one_chat_per_person([second, first]) == [first]
