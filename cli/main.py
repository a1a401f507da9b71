"""The `dondoc` command line: one entry point for every job."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.table import Table

from cli.database import open_database
from cli.demo import demo_command
from cli.digest import digest_command
from cli.invites import CommandError, print_invite
from cli.logs import configure_logging
from cli.remind import remind
from cli.service import NO_TOKEN, serve
from config import Settings, SettingsError, load_settings
from domain.import_report import render_import_summary
from storage.agencies import RegistryError, import_registry, read_registry
from storage.db import transaction
from storage.export import EXPORTERS
from storage.importer import ImportFailed, import_appendix
from storage.migrate import SchemaOutdated, upgrade
from storage.queries import find_agency, list_items

app = typer.Typer(help="dondoc: follow up the steering committee's tasks.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
agencies_app = typer.Typer(help="Agency registry.", no_args_is_help=True)
admin_app = typer.Typer(help="Secretariat accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(agencies_app, name="agencies")
app.add_typer(admin_app, name="admin")
console = Console()


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one line on stderr and return the exit to raise."""
    print(message, file=sys.stderr)
    return typer.Exit(code)


def settings_or_exit() -> Settings:
    """The settings, or exit with the sentence that names the bad variable."""
    try:
        return load_settings()
    except SettingsError as exc:
        raise fail(f"Cấu hình sai: {exc}", 2) from None


def run(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run a command's coroutine, turning our known errors into one-line messages."""
    try:
        asyncio.run(coroutine)
    except (ImportFailed, RegistryError, CommandError) as exc:
        raise fail(f"Lỗi: {exc}") from None
    except SchemaOutdated as exc:
        raise fail(f"Error: {exc}") from None


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema to the newest revision."""
    settings = settings_or_exit()
    upgrade(settings.database_url)
    console.print("Database schema is up to date.")


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="Appendix: .docx, .xlsx, .csv or .txt")],
    year: Annotated[int | None, typer.Option(help="Year for deadlines with none")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show changes, write nothing")] = False,
) -> None:
    """Import a task appendix; the same file again changes nothing."""
    settings = settings_or_exit()
    now = datetime.now(UTC)
    fallback_year = year or now.astimezone(settings.tz).year

    async def go() -> None:
        async with open_database(settings) as sessions, sessions() as session:
            await session.begin()
            report = await import_appendix(file, fallback_year, now, session=session,
                                           dry_run=dry_run)
            if dry_run:
                await session.rollback()
            else:
                await session.commit()
        print(render_import_summary(report))

    run(go())


@agencies_app.command("import")
def agencies_import(file: Annotated[Path, typer.Argument(help="CSV: name,type,aliases,groups")]
                    ) -> None:
    """Load an agency registry (names, aliases, group members)."""
    settings = settings_or_exit()

    async def go() -> None:
        entries = read_registry(file)
        async with open_database(settings) as sessions, transaction(sessions) as session:
            count = await import_registry(entries, session=session)
        console.print(f"Đã nạp {count} cơ quan từ {file.name}.", markup=False)

    run(go())


@app.command("tasks")
def tasks_command(
    agency: Annotated[str | None, typer.Option(help="Only this agency's items")] = None,
) -> None:
    """Print the items with their deadlines and statuses."""
    settings = settings_or_exit()

    async def go() -> None:
        async with open_database(settings) as sessions, sessions() as session:
            agency_id = None
            if agency:
                found = await find_agency(agency, session=session)
                if found is None:
                    raise fail(f"Không tìm thấy cơ quan “{agency}”.")
                agency_id = found.id
            items = await list_items(session=session, agency_id=agency_id)
        table = Table("Mã", "STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Hạn", "Tình trạng",
                      show_lines=True)
        for item in items:
            table.add_row(item.code, item.number, item.text[:160], "; ".join(item.lead_agencies),
                          item.deadline_raw, item.due.strftime("%d/%m/%Y") if item.due else "",
                          ", ".join(sorted({a.status for a in item.assignments})))
        console.print(table)
        console.print(f"{len(items)} mục.", markup=False)

    run(go())


@app.command("export")
def export_command(
    format: Annotated[Literal["json", "csv", "xlsx"], typer.Option("--format")] = "json",
    out: Annotated[Path | None, typer.Option(help="File to write; stdout if omitted")] = None,
) -> None:
    """Write every item as JSON, CSV or XLSX."""
    settings = settings_or_exit()
    if format == "xlsx" and out is None:
        raise fail("XLSX cần --out TỆP.xlsx")

    async def go() -> None:
        async with open_database(settings) as sessions, sessions() as session:
            items = await list_items(session=session)
        data = EXPORTERS[format](items)
        if out is None:
            sys.stdout.buffer.write(data)
        else:
            out.write_bytes(data)
            console.print(f"Đã ghi {len(items)} mục vào {out}.", markup=False)

    run(go())


@app.command("run")
def run_command(
    webhook: Annotated[bool, typer.Option("--webhook", help="Serve the channels' webhooks "
                                                            "instead of long polling")] = False,
) -> None:
    """Run the bot on every channel with a token (Telegram, Zalo) and the scheduler."""
    settings = settings_or_exit()
    if not settings.telegram_token and not settings.zalo_token:
        raise fail(NO_TOKEN, 2)
    if webhook and settings.telegram_token and not (settings.webhook_url
                                                     and settings.webhook_secret):
        raise fail("--webhook cần DONDOC_WEBHOOK_URL và DONDOC_WEBHOOK_SECRET (16–256 ký tự "
                   "A-Z, a-z, 0-9, _ hoặc -).", 2)
    if webhook and settings.zalo_token and not (settings.zalo_webhook_url
                                                 and settings.zalo_webhook_secret):
        raise fail("--webhook với Zalo cần DONDOC_ZALO_WEBHOOK_URL (https://…) và "
                   "DONDOC_ZALO_WEBHOOK_SECRET (8–256 ký tự).", 2)
    configure_logging(settings)
    run(serve(settings, webhook))


@app.command("invite")
def invite_command(
    agency: Annotated[str, typer.Argument(help="Agency name (as in the registry)")],
    role: Annotated[Literal["focal", "leader"], typer.Option(help="focal or leader")] = "focal",
) -> None:
    """Create a single-use invite code for an agency's focal person or leader."""
    settings = settings_or_exit()
    run(print_invite(settings, agency, role))


@admin_app.command("bootstrap")
def admin_bootstrap() -> None:
    """Print a one-time code that makes the chat that sends it a secretariat account."""
    settings = settings_or_exit()
    run(print_invite(settings, None, "secretariat"))


@app.command("remind")
def remind_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the messages, send nothing")
                       ] = False,
    today: Annotated[str | None, typer.Option(help="Plan as on this day (YYYY-MM-DD); "
                                                   "with --dry-run only")] = None,
) -> None:
    """Run the reminder scan and send what is due (or print it with --dry-run)."""
    settings = settings_or_exit()
    if today and not dry_run:
        raise fail("--today chỉ dùng cùng --dry-run (không gửi tin cho một ngày khác hôm nay).")
    try:
        day = date.fromisoformat(today) if today else datetime.now(settings.tz).date()
    except ValueError:
        raise fail(f"Ngày không hợp lệ: {today!r} (cần dạng YYYY-MM-DD)") from None
    run(remind(settings, day, dry_run))


app.command("digest")(digest_command)
app.command("demo")(demo_command)
