"""`dondoc committee set|show`: a committee's own settings (issue #22), over the DONDOC_* ones."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from config import Settings

# Every option is read as text: the value is checked by Settings' own rules, and a bad one
# gets the Vietnamese sentence of config.committee_settings (not typer's English).
Knob = Annotated[str | None, typer.Option()]


def _given(**values: str | None) -> dict[str, str]:
    return {knob: value for knob, value in values.items() if value is not None}


def committee_set(
    code: Annotated[str, typer.Argument(help="The committee's code")],
    remind_before: Annotated[str | None, typer.Option(
        help="Working days before a deadline to remind, e.g. 7,1,0")] = None,
    weekly_day: Annotated[str | None, typer.Option(help="mon … fri")] = None,
    escalate_after: Annotated[str | None, typer.Option(help="Working days overdue")] = None,
    escalate_every: Knob = None,
    report_quiet_days: Knob = None,
    blocked_checkin_after: Knob = None,
    ongoing_every: Annotated[str | None, typer.Option(
        help="weekly, biweekly, monthly, quarterly or yearly")] = None,
    dependent_every: Knob = None,
    indicator_every: Knob = None,
    digest_cron: Annotated[str | None, typer.Option(help="e.g. '0 16 * * fri'")] = None,
    digest_every_weeks: Knob = None,
    digest_wait_minutes: Annotated[str | None, typer.Option(
        help="How long a parent waits for its children's digests")] = None,
    reset: Annotated[list[str] | None, typer.Option(
        help="Back to the deployment's value (a knob such as escalate-after, or 'all')")] = None,
) -> None:
    """Set a committee's own settings; the others stay the deployment's (DONDOC_*)."""
    from cli.main import fail, run, settings_or_exit
    from config.committee_settings import COMMITTEE_KNOBS, CommitteeSettingsError, checked

    settings = settings_or_exit()
    given = _given(
        remind_before=remind_before, weekly_day=weekly_day, escalate_after=escalate_after,
        escalate_every=escalate_every, report_quiet_days=report_quiet_days,
        blocked_checkin_after=blocked_checkin_after, ongoing_every=ongoing_every,
        dependent_every=dependent_every, indicator_every=indicator_every,
        digest_cron=digest_cron, digest_every_weeks=digest_every_weeks,
        digest_wait_minutes=digest_wait_minutes)
    resets = {name.strip().lstrip("-").replace("-", "_") for name in reset or []}
    if "all" in resets:
        resets = set(COMMITTEE_KNOBS)
    unknown = sorted(resets - set(COMMITTEE_KNOBS))
    if unknown:
        raise fail(f"Không có thiết lập “{unknown[0]}” để đặt lại; có: "
                   + ", ".join(knob.replace("_", "-") for knob in COMMITTEE_KNOBS) + ".")
    if not given and not resets:
        raise fail("Chưa có gì để đổi: hãy cho một thiết lập (ví dụ --escalate-after 5) "
                   "hoặc --reset.")

    async def go() -> None:
        from cli.database import open_database
        from storage.committee_settings import committee_overrides, save_overrides
        from storage.committees import committee_by_code
        from storage.db import transaction

        async with open_database(settings) as sessions, transaction(sessions) as session:
            committee = await committee_by_code(code, session=session)
            if committee is None or committee.id is None:
                raise fail(f"Không tìm thấy Ban Chỉ đạo mã “{code}”.")
            kept = (await committee_overrides(session=session)).get(committee.id, {})
            wanted = {knob: value for knob, value in kept.items() if knob not in resets}
            try:
                wanted.update(checked(settings, given))
                # The whole set again: the stored knobs with the new ones must still agree.
                wanted = checked(settings, wanted)
            except CommitteeSettingsError as exc:
                raise fail(str(exc)) from None
            await save_overrides(committee.id, wanted, session=session)
        print(f"Đã lưu thiết lập riêng của {committee.name} (mã {code}).")
        print(render_settings(settings, wanted))

    run(go(), settings)


def committee_show(code: Annotated[str, typer.Argument(help="The committee's code")]) -> None:
    """Print a committee's effective settings, marking those it sets for itself."""
    from cli.main import fail, run, settings_or_exit

    settings = settings_or_exit()

    async def go() -> None:
        from cli.database import open_database
        from storage.committee_settings import committee_overrides
        from storage.committees import committee_by_code

        async with open_database(settings) as sessions, sessions() as session:
            committee = await committee_by_code(code, session=session)
            if committee is None or committee.id is None:
                raise fail(f"Không tìm thấy Ban Chỉ đạo mã “{code}”.")
            own = (await committee_overrides(session=session)).get(committee.id, {})
        print(f"{committee.name} (mã {code}):")
        print(render_settings(settings, own))

    run(go(), settings)


def render_settings(settings: Settings, own: dict[str, Any]) -> str:
    """One line a knob: its effective value, and whether the committee sets it itself."""
    from config.committee_settings import COMMITTEE_KNOBS, effective

    merged = effective(settings, own)
    lines = []
    for knob in COMMITTEE_KNOBS:
        value = getattr(merged, knob)
        shown = ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
        origin = "riêng" if knob in own else "chung (DONDOC_" + knob.upper() + ")"
        lines.append(f"  {knob.replace('_', '-')}: {shown}  [{origin}]")
    return "\n".join(lines)
