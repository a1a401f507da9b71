"""The `dondoc` command line: one entry point for every job."""

from __future__ import annotations

import asyncio
import os
import sys
import traceback
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from cli.committee_choice import CommitteeOption
from cli.committee_settings import committee_set, committee_show
from cli.demo import demo_command
from cli.digest import digest_command

if TYPE_CHECKING:
    from config import Settings

# Only typer is imported up front: every command imports what it needs when it runs, so
# `dondoc --help` and `dondoc tasks` do not wait for matplotlib, Alembic or telegram.

app = typer.Typer(help="dondoc: follow up the steering committee's tasks.", no_args_is_help=True,
                  pretty_exceptions_show_locals=False)  # locals may hold tokens and passwords
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
agencies_app = typer.Typer(help="Agency registry.", no_args_is_help=True)
admin_app = typer.Typer(help="Secretariat accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(agencies_app, name="agencies")
app.add_typer(admin_app, name="admin")
committee_app = typer.Typer(help="Steering committees (one deployment may serve several).",
                            no_args_is_help=True)
app.add_typer(committee_app, name="committee")


@dataclass
class Options:
    """The options every command shares."""

    debug: bool = False


options = Options()


def package_version() -> str:
    """dondoc's version, as installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dondoc")
    except PackageNotFoundError:
        return "(chưa cài đặt)"


def _print_version(value: bool) -> None:
    if value:
        print(f"dondoc {package_version()}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print the version and exit")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="On a failure, print the traceback "
                                                        "too (also DONDOC_LOG_LEVEL=DEBUG)")
                     ] = False,
) -> None:
    """dondoc: follow up the steering committee's tasks."""
    options.debug = debug


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one line on stderr and return the exit to raise."""
    print(message, file=sys.stderr)
    return typer.Exit(code)


def settings_or_exit() -> Settings:
    """The settings, or exit with the sentence that names the bad variable."""
    from config import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        raise fail(f"Cấu hình sai: {exc}", 2) from None


def _debugging(settings: Settings) -> bool:
    levels = {os.environ.get("DONDOC_LOG_LEVEL", ""), settings.log_level}
    return options.debug or "DEBUG" in {level.upper() for level in levels}


def _known_failure(exc: Exception, settings: Settings) -> str | None:
    """The sentence for a failure a person can fix, or None for one of ours."""
    from sqlalchemy.exc import DBAPIError

    from cli.failures import ServiceUnavailable, database_problem, exception_chain, telegram_problem
    from cli.invites import CommandError
    from storage.agencies import RegistryError
    from storage.deadlines import DeadlineRefused
    from storage.importer import ImportFailed
    from storage.migrate import SchemaOutdated

    if isinstance(exc, ImportFailed | RegistryError | CommandError | SchemaOutdated
                  | DeadlineRefused):
        return f"Lỗi: {exc}"
    if isinstance(exc, ServiceUnavailable):
        return str(exc)
    telegram = telegram_problem(exc, settings.telegram_base_url)
    if telegram is not None:
        return telegram
    # Past opening, only a driver's error can be the database's (a file that turns out
    # read-only at the first write); an OSError alone may be anything.
    if any(isinstance(error, DBAPIError) for error in exception_chain(exc)):
        return database_problem(exc, settings.database_url)
    return None


@contextmanager
def command_edge(settings: Settings) -> Iterator[None]:
    """Failures a person can fix become one sentence and exit code 1; ours keep the traceback."""
    try:
        yield
    except typer.Exit:
        raise
    except Exception as exc:
        message = _known_failure(exc, settings)
        if message is None:
            raise
        if _debugging(settings):
            traceback.print_exception(exc)
        raise fail(message) from None


def run(coroutine: Coroutine[Any, Any, None], settings: Settings) -> None:
    """Run a command's coroutine at the command's edge (see `command_edge`)."""
    with command_edge(settings):
        asyncio.run(coroutine)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema to the newest revision."""
    settings = settings_or_exit()
    from cli.failures import database_guard
    from storage.migrate import expected_heads, upgrade

    with command_edge(settings), database_guard(settings.database_url):
        upgrade(settings.database_url)
    print(f"Lược đồ cơ sở dữ liệu đã ở phiên bản mới nhất ({', '.join(sorted(expected_heads()))}).")


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="Appendix: .docx, .xlsx, .csv or .txt")],
    year: Annotated[int | None, typer.Option(help="Year for deadlines with none")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show changes, write nothing")] = False,
    committee: CommitteeOption = None,
) -> None:
    """Import a task appendix; the same file again changes nothing."""
    settings = settings_or_exit()
    from cli.committee_choice import chosen_committee
    from cli.database import open_database
    from domain.import_report import render_import_summary
    from storage.importer import import_appendix

    now = datetime.now(UTC)
    fallback_year = year or now.astimezone(settings.tz).year

    async def go() -> None:
        async with open_database(settings) as sessions, sessions() as session:
            await session.begin()
            owner = await chosen_committee(committee, session=session)
            report = await import_appendix(file, fallback_year, now, session=session,
                                           dry_run=dry_run, committee_id=owner.id or 0)
            if dry_run:
                await session.rollback()
            else:
                await session.commit()
        print(render_import_summary(report))

    run(go(), settings)


@committee_app.command("add")
def committee_add(
    code: Annotated[str, typer.Argument(help="Short code, e.g. xa-hung-nguyen")],
    name: Annotated[str, typer.Argument(help="Full name, e.g. 'BCĐ xã Hưng Nguyên'")],
    short: Annotated[str, typer.Option(help="Short name marking its items in messages")] = "",
    parent: Annotated[str | None, typer.Option(help="Code of the parent committee")] = None,
) -> None:
    """Add a committee (the first one, code bcd, exists from the start)."""
    settings = settings_or_exit()
    from cli.database import open_database
    from storage.committees import committee_by_code
    from storage.db import transaction
    from storage.models import Committee

    async def go() -> None:
        async with open_database(settings) as sessions, transaction(sessions) as session:
            if await committee_by_code(code, session=session) is not None:
                raise fail(f"Đã có Ban Chỉ đạo mã “{code}”.")
            above = await committee_by_code(parent, session=session) if parent else None
            if parent and above is None:
                raise fail(f"Không tìm thấy Ban Chỉ đạo mã “{parent}”.")
            session.add(Committee(code=code, name=name, short_name=short or name,
                                  parent_id=above.id if above else None))
        print(f"Đã thêm {name} (mã {code}).")

    run(go(), settings)


@agencies_app.command("import")
def agencies_import(file: Annotated[Path, typer.Argument(help="CSV: name,type,aliases,groups")]
                    ) -> None:
    """Load an agency registry (names, aliases, group members)."""
    settings = settings_or_exit()
    from cli.database import open_database
    from storage.agencies import import_registry, read_registry
    from storage.db import transaction

    async def go() -> None:
        entries = read_registry(file)
        async with open_database(settings) as sessions, transaction(sessions) as session:
            count = await import_registry(entries, session=session)
        print(f"Đã nạp {count} cơ quan từ {file.name}.")

    run(go(), settings)


@app.command("tasks")
def tasks_command(
    agency: Annotated[str | None, typer.Option(
        help="Only this agency's items, with its own status (diacritics optional)")] = None,
    committee: CommitteeOption = None,
) -> None:
    """Print one committee's items with their deadlines and statuses."""
    settings = settings_or_exit()
    from rich.console import Console
    from rich.table import Table

    from cli.committee_choice import chosen_scope
    from cli.database import open_database
    from storage.queries import find_agency, list_items

    async def go() -> None:
        async with open_database(settings) as sessions, sessions() as session:
            scope = await chosen_scope(committee, session=session)
            agency_id = agency_name = None
            if agency:
                found = await find_agency(agency, session=session)
                if found is None:
                    raise fail(f"Không tìm thấy cơ quan “{agency}” (tên các cơ quan có trong "
                               "cột Cơ quan chủ trì của `uv run dondoc tasks`; danh mục nạp bằng "
                               "`uv run dondoc agencies import TỆP.csv`).")
                agency_id, agency_name = found.id, found.name
            items = await list_items(session=session, agency_id=agency_id, scope=scope)
        table = Table("Mã", "STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Hạn",
                      f"Tình trạng ({agency_name})" if agency_name else "Tình trạng",
                      show_lines=True)
        for item in items:
            # One agency's listing shows its own status, not its co-assignees'.
            statuses = {a.status_label for a in item.assignments
                        if agency_name is None or a.agency == agency_name}
            table.add_row(item.code, item.number, item.text[:160], "; ".join(item.lead_agencies),
                          item.deadline_raw, item.due.strftime("%d/%m/%Y") if item.due else "",
                          ", ".join(sorted(statuses)))
        console = Console()
        console.print(table)
        console.print(f"{agency_name}: {len(items)} mục." if agency_name
                      else f"{len(items)} mục.", markup=False)

    run(go(), settings)


@app.command("thoihan")
def deadline_command(
    code: Annotated[str, typer.Argument(help="Item code, e.g. NV12")],
    text: Annotated[list[str], typer.Argument(help='Deadline as written, e.g. 30/11/2025')],
    by: Annotated[str | None, typer.Option(help="Who sets it (default: cli:<login>)")] = None,
    committee: CommitteeOption = None,
) -> None:
    """Set an item's deadline by hand (audited), as /thoihan does in chat."""
    settings = settings_or_exit()
    from cli.deadlines import set_deadline_command

    async def go() -> None:
        changed = await set_deadline_command(settings, code, " ".join(text), by, committee)
        print(changed.confirmation())

    run(go(), settings)


@app.command("export")
def export_command(
    format: Annotated[Literal["json", "csv", "xlsx"], typer.Option("--format")] = "json",
    out: Annotated[Path | None, typer.Option(help="File to write; stdout if omitted")] = None,
    committee: CommitteeOption = None,
) -> None:
    """Write one committee's items as JSON, CSV or XLSX."""
    settings = settings_or_exit()
    if format == "xlsx" and out is None:
        raise fail("XLSX cần --out TỆP.xlsx")
    from cli.committee_choice import chosen_scope
    from cli.database import open_database
    from storage.export import EXPORTERS
    from storage.queries import list_items

    async def go() -> None:
        async with open_database(settings) as sessions, sessions() as session:
            items = await list_items(session=session,
                                     scope=await chosen_scope(committee, session=session))
        data = EXPORTERS[format](items)
        if out is None:
            sys.stdout.buffer.write(data)
        else:
            out.write_bytes(data)
            print(f"Đã ghi {len(items)} mục vào {out}.")

    run(go(), settings)


WEBHOOK_SECRET_RULE = ("dài 16–256 ký tự, chỉ gồm chữ cái Latin không dấu, chữ số, dấu gạch "
                       "dưới (_) và dấu gạch ngang (-)")


def _webhook_problem(settings: Settings) -> str | None:
    """What `run --webhook` lacks or cannot use, as one sentence; None when all is set."""
    import re

    if settings.telegram_token:
        if not (settings.webhook_url and settings.webhook_secret):
            return ("--webhook cần DONDOC_WEBHOOK_URL và DONDOC_WEBHOOK_SECRET "
                    f"({WEBHOOK_SECRET_RULE}).")
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", settings.webhook_secret):
            return (f"DONDOC_WEBHOOK_SECRET không dùng được: Telegram chỉ nhận mã bí mật "
                    f"{WEBHOOK_SECRET_RULE} (hiện dài {len(settings.webhook_secret)} ký tự).")
    if settings.zalo_token:
        if not (settings.zalo_webhook_url and settings.zalo_webhook_secret):
            return ("--webhook với Zalo cần DONDOC_ZALO_WEBHOOK_URL (https://…) và "
                    "DONDOC_ZALO_WEBHOOK_SECRET (8–256 ký tự).")
        if not 8 <= len(settings.zalo_webhook_secret) <= 256:
            return (f"DONDOC_ZALO_WEBHOOK_SECRET cần dài 8–256 ký tự (hiện "
                    f"{len(settings.zalo_webhook_secret)}).")
    return None


@app.command("run")
def run_command(
    webhook: Annotated[bool, typer.Option("--webhook", help="Serve the channels' webhooks "
                                                            "instead of long polling")] = False,
) -> None:
    """Run the bot on every channel with a token (Telegram, Zalo) and the scheduler."""
    settings = settings_or_exit()
    from cli.service import NO_TOKEN, serve

    if not settings.telegram_token and not settings.zalo_token:
        raise fail(NO_TOKEN, 2)
    problem = _webhook_problem(settings) if webhook else None
    if problem is not None:
        raise fail(problem, 2)
    from cli.logs import configure_logging

    configure_logging(settings)
    run(serve(settings, webhook), settings)


@app.command("invite")
def invite_command(
    agency: Annotated[str, typer.Argument(help="Agency name (as in the registry)")],
    role: Annotated[Literal["focal", "leader"], typer.Option(help="focal or leader")] = "focal",
) -> None:
    """Create a single-use invite code for an agency's focal person or leader."""
    settings = settings_or_exit()
    from cli.invites import print_invite

    run(print_invite(settings, agency, role), settings)


COMMITTEE_OPTION = typer.Option(
    help="Code of the committee the account works for (default: the only one)")


@admin_app.command("committee")
def admin_committee(committee: Annotated[str | None, COMMITTEE_OPTION] = None) -> None:
    """Print an invite code for a committee leader (Trưởng/Phó Trưởng ban): read-only, gets
    the one-screen summary with each digest."""
    settings = settings_or_exit()
    from cli.invites import print_invite

    run(print_invite(settings, None, "committee", committee), settings)


@admin_app.command("bootstrap")
def admin_bootstrap(committee: Annotated[str | None, COMMITTEE_OPTION] = None) -> None:
    """Print a one-time code that makes the chat that sends it a secretariat account."""
    settings = settings_or_exit()
    from cli.invites import print_invite

    run(print_invite(settings, None, "secretariat", committee), settings)


@app.command("remind")
def remind_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the messages, send nothing")
                       ] = False,
    today: Annotated[str | None, typer.Option(help="Plan as on this day (YYYY-MM-DD); "
                                                   "with --dry-run only")] = None,
    committee: Annotated[str | None, typer.Option(
        "--committee", help="With --dry-run: only this committee's lines (default: the only "
                            "one)")] = None,
) -> None:
    """Run the reminder scan and send what is due (or print it with --dry-run)."""
    settings = settings_or_exit()
    if today and not dry_run:
        raise fail("--today chỉ dùng cùng --dry-run (không gửi tin cho một ngày khác hôm nay).")
    if committee and not dry_run:
        raise fail("--committee chỉ dùng cùng --dry-run (lần quét thật nhắc việc của mọi Ban "
                   "Chỉ đạo cùng lúc, mỗi người một tin).", 2)
    from cli.remind import remind
    from cli.wiring import service_clock

    try:
        # DONDOC_CLOCK_START moves "today" as it moves the service's clock.
        day = (date.fromisoformat(today) if today
               else service_clock(settings)().astimezone(settings.tz).date())
    except ValueError:
        raise fail(f"Ngày không hợp lệ: {today!r} (cần dạng YYYY-MM-DD)") from None

    run(remind(settings, day, dry_run, committee), settings)


app.command("digest")(digest_command)
app.command("demo")(demo_command)
committee_app.command("set")(committee_set)
committee_app.command("show")(committee_show)
