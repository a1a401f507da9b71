"""`dondoc digest`: write a period's digest (text, chart, workbook) to a folder, sending nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

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


async def write_digest(settings: Settings, day: date, out: Path) -> WrittenDigest:
    """Build the digest of the period containing `day` and write its three files into `out`."""
    from cli.database import open_database
    from domain.digest_inputs import digest_period
    from domain.digest_text import render_digest, title
    from scheduler.digest_job import build_for, render_files

    period = digest_period(day, settings.digest_every_weeks)
    async with open_database(settings) as sessions, sessions() as session:
        digest = await build_for(period, settings.tz, session=session)
    files = await render_files(digest)
    out.mkdir(parents=True, exist_ok=True)
    written = WrittenDigest(title(period), out / f"bao-cao-tien-do-{period.key}.txt",
                            out / files.chart_name, out / files.workbook_name)
    written.text.write_text(render_digest(digest) + "\n", encoding="utf-8")
    written.chart.write_bytes(files.chart)
    written.workbook.write_bytes(files.workbook)
    return written


def digest_command(
    today: Annotated[str | None, typer.Option(help="Build as on this day (YYYY-MM-DD)")] = None,
    out: Annotated[Path, typer.Option(help="Folder to write the files to")] = Path("."),
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
        written = await write_digest(settings, day, out)
        print(f"Đã ghi {written.title}:")
        for path in (written.text, written.chart, written.workbook):
            print(f"- {path}")

    run(go(), settings)
