"""`dondoc digest`: write a period's digest (text, chart, workbook) to a folder, sending nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.committee_choice import CommitteeOption

if TYPE_CHECKING:
    from config import Settings

# The digest pulls in matplotlib and openpyxl: imported when it is written, not when the
# `dondoc` command starts.


@dataclass(frozen=True)
class WrittenDigest:
    """The files a digest was written to."""

    title: str
    text: Path
    chart: Path
    workbook: Path


def _named(path: Path, code: str | None) -> Path:
    """`path` with the committee's code before its suffix (several committees, one folder)."""
    return path.with_name(f"{path.stem}-{code}{path.suffix}") if code else path


async def write_digest(settings: Settings, day: date, out: Path,
                       committee: str | None = None) -> WrittenDigest:
    """Build one committee's digest (`--committee`, default the only one) of the period
    containing `day` and write its three files into `out`."""
    from cli.committee_choice import chosen_committee, several
    from cli.database import open_database
    from domain.digest_inputs import digest_period
    from domain.digest_text import render_digest, title
    from scheduler.digest_job import build_for, render_files
    from storage.committees import CommitteeScope

    period = digest_period(day, settings.digest_every_weeks)
    async with open_database(settings) as sessions, sessions() as session:
        owner = await chosen_committee(committee, session=session)
        digest = await build_for(period, settings.tz, CommitteeScope(owner.id or 0),
                                 session=session)
        # With several committees the files carry the code: two digests never overwrite.
        code = owner.code if await several(session=session) else None
    heading = f"{title(period)} – {owner.name}" if code else title(period)
    files = await render_files(digest)
    out.mkdir(parents=True, exist_ok=True)
    written = WrittenDigest(heading, _named(out / f"bao-cao-tien-do-{period.key}.txt", code),
                            _named(out / files.chart_name, code),
                            _named(out / files.workbook_name, code))
    written.text.write_text(render_digest(digest) + "\n", encoding="utf-8")
    written.chart.write_bytes(files.chart)
    written.workbook.write_bytes(files.workbook)
    return written


def digest_command(
    today: Annotated[str | None, typer.Option(help="Build as on this day (YYYY-MM-DD)")] = None,
    out: Annotated[Path, typer.Option(help="Folder to write the files to")] = Path("."),
    committee: CommitteeOption = None,
) -> None:
    """Write the weekly digest (text, PNG chart, XLSX workbook) to a folder; sends nothing."""
    # cli.main registers this command, so its helpers are imported when the command runs.
    from cli.main import fail, run, settings_or_exit

    settings = settings_or_exit()
    try:
        day = date.fromisoformat(today) if today else datetime.now(settings.tz).date()
    except ValueError:
        raise fail(f"Ngày không hợp lệ: {today!r} (cần dạng YYYY-MM-DD)") from None

    async def go() -> None:
        written = await write_digest(settings, day, out, committee)
        print(f"Đã ghi {written.title}:")
        for path in (written.text, written.chart, written.workbook):
            print(f"- {path}")

    run(go(), settings)
