"""kill -9 of real sender processes at random points: nothing lost, only what was in flight
repeated (one row per chat at most, `DeliveryPolicy.in_flight` answered-but-unrecorded at most).

The harness is `bench.crash` (which runs 100 trials for docs/BENCHMARKS.md); here 30 per
database, with a one-second lease so a standby takes over quickly.
"""

from __future__ import annotations

from bench.crash import crash_trials
from sandbox import running_sandbox
from scheduler.sender import DeliveryPolicy

TRIALS = 30


async def test_kill_9_loses_nothing_and_repeats_only_what_was_in_flight(sessions,
                                                                        database_url):
    async with running_sandbox(rate_limits=None) as sandbox:
        result = await crash_trials(sessions, database_url, sandbox, trials=TRIALS, seed=19)

    assert len(result.kills) == TRIALS, result.violations
    assert result.lost == [] and result.not_sent == 0
    assert result.violations == []
    # Every kill held at most one row per chat (checked in violations) and repeated at most
    # the sends whose answer had not been recorded.
    assert max(result.repeats_per_kill) <= DeliveryPolicy().in_flight
    assert sum(result.repeated.values()) <= sum(result.repeats_per_kill) + \
        sum(result.stalled.values())
    assert all(kill.redelivered_in is not None for kill in result.kills)
