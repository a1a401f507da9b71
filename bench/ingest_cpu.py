"""Where the CPU went during a measured window: per process, PostgreSQL, and the whole machine."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


def _machine() -> tuple[float, float]:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) / _TICK, idle / _TICK


@dataclass
class CpuWindow:
    """CPU seconds used between `start()` and `stop()` by named processes and by PostgreSQL."""

    pids: dict[str, int]
    _before: dict[str, float] = field(default_factory=dict)
    _postgres: dict[int, float] = field(default_factory=dict)
    _machine: tuple[float, float] = (0.0, 0.0)

    def start(self, postgres_pids: list[int]) -> None:
        """Take the first reading (with the server processes of our database's connections)."""
        self._before = {name: process_seconds(pid) for name, pid in self.pids.items()}
        self._postgres = {pid: process_seconds(pid) for pid in postgres_pids}
        self._machine = _machine()

    def stop(self) -> dict[str, float]:
        """CPU seconds per process and PostgreSQL's; the machine's busy seconds and percent."""
        used = {name: round(process_seconds(pid) - self._before[name], 2)
                for name, pid in self.pids.items()}
        used["postgres"] = round(sum(max(0.0, process_seconds(pid) - seconds)
                                     for pid, seconds in self._postgres.items()), 2)
        total, idle = _machine()
        spent = total - self._machine[0]
        busy = spent - (idle - self._machine[1])
        used["machine_busy"] = round(busy, 2)
        used["machine_busy_pct"] = round(100 * busy / spent, 1) if spent > 0 else 0.0
        return used
