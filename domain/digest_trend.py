"""The digest's recent weeks, as the chart and the console's overview both show them."""

from __future__ import annotations

from domain.digest import Digest
from domain.digest_inputs import Figures

TREND_WEEKS = 8


def trend_weeks(digest: Digest, weeks: int = TREND_WEEKS) -> list[tuple[str, Figures]]:
    """The last `weeks` weeks' figures, oldest first, each labelled by its last day (dd/mm)."""
    found = [(f"{p.end:%d/%m}", p.figures) for p in digest.history[-(weeks - 1):]]
    found.append((f"{digest.period.today:%d/%m}", digest.figures))
    return found
