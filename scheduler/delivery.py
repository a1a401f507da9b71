"""What a sender is told (its policy) and what it reports: shared by the sender's modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.messenger import Button, Buttons


@dataclass(frozen=True)
class DeliveryPolicy:
    """How the sender claims, leads and retries.

    `lease` bounds how long a crashed sender's rows and lead wait before another sender takes
    them; a live sender renews both every `lease / 3` (its heartbeat). A leader starts no send
    within `guard` of its lead's end, and hands the lead back `guard` in the future, so the
    next leader's first send is at least `guard` after this one's last answer (per-chat
    spacing and the one-second window hold across the change).
    """

    lease: timedelta = timedelta(seconds=30)
    guard: timedelta = timedelta(seconds=2)
    batch: int = 200
    in_flight: int = 10  # sends answered or awaited but not yet recorded, at most
    retry_base: timedelta = timedelta(seconds=30)
    retry_bound: timedelta = timedelta(minutes=30)
    rate_limit_retries: int = 5
    # A send that got no answer (time-out, network fault) may still reach the platform after
    # we gave up on it: its chat is held this long, not just the per-chat interval from the
    # give-up, so the chat's next message does not land right behind it.
    unanswered_hold: timedelta = timedelta(seconds=5)
    # Attempts before a message that keeps failing (5xx, time-outs, our faults) is given up and
    # the secretariat told: with the back-off above, about six hours.
    max_attempts: int = 16

    def __post_init__(self) -> None:
        if self.guard * 2 >= self.lease:
            raise ValueError("the lead's guard must be under half the lease")


class LeadLost(Exception):
    """This sender no longer leads the channel: a send not yet made must not be made."""


@dataclass
class DrainReport:
    """What one drain did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: int = 0
    lost_lease: int = 0
    standby: list[str] = field(default_factory=list)  # channels another sender leads
    errors: list[str] = field(default_factory=list)


def to_buttons(raw: list[list[dict[str, str]]] | None) -> Buttons:
    """Outbox JSON buttons -> Messenger buttons."""
    return tuple(tuple(Button(b["text"], b["data"]) for b in row) for row in raw or [])
