"""dondoc's one settings class: every knob has a default and a DONDOC_* variable."""

from __future__ import annotations

from datetime import time
from functools import lru_cache
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings import SettingsError as SourceError


class SettingsError(Exception):
    """A configuration value is wrong; the message names the variable."""


_DEFAULT_DIGEST_CRON = "0 16 * * fri"


class Settings(BaseSettings):
    """Runtime configuration, read from the environment and a `.env` file."""

    model_config = SettingsConfigDict(env_prefix="DONDOC_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///dondoc.db",
        description="sqlite:///PATH or postgresql://USER@HOST/DB; the async driver is chosen here.",
    )
    timezone: str = "Asia/Ho_Chi_Minh"
    workday_start: time = time(8, 0)
    workday_end: time = time(17, 0)
    telegram_token: str | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    admin_chat_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    log_level: str = "INFO"
    # "json": one JSON object a line (for log collectors); "text": one readable line.
    log_format: Literal["text", "json"] = "text"
    # /readyz: today's scan is overdue this long after DONDOC_WORKDAY_START; the outbox is
    # stuck when a row has been due this long within working hours.
    ready_scan_grace_minutes: int = Field(default=60, ge=1)
    ready_outbox_stuck_minutes: int = Field(default=30, ge=1)
    # Rehearsals and the several-instances test only: dondoc's clock starts at this aware
    # moment and runs on in real time (scans, sends, replies, the digest). Unset in service.
    clock_start: AwareDatetime | None = None

    # Chat.
    telegram_bot_username: str | None = None
    invite_days: int = Field(default=7, ge=1, le=90)
    webhook_url: str | None = None
    # Checked by `dondoc run --webhook`, the one command that uses it, not at every start.
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    # Telegram long polling: the poll's length, and the least time between two empty answers
    # (a server that ignores `timeout` would otherwise be asked hundreds of times a second).
    telegram_poll_seconds: int = Field(default=30, ge=1, le=50)
    telegram_poll_floor_seconds: float = Field(default=1.0, ge=0.05, le=60)
    # Updates handled are remembered (to ignore redeliveries) this long, and at most this many.
    update_memory_hours: int = Field(default=72, ge=1)
    update_memory_count: int = Field(default=200_000, ge=1000)

    # Zalo (runs beside Telegram when its token is set). Its webhook is served by the same web
    # server as Telegram's (webhook_listen:webhook_port), at zalo_webhook_path.
    zalo_token: str | None = None
    zalo_base_url: str = "https://bot-api.zaloplatforms.com"
    zalo_admin_chat_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: str | None = None  # 8–256 characters, checked by `run --webhook`
    zalo_webhook_path: str = Field(default="/zalo", pattern=r"^/[A-Za-z0-9/_-]*$")
    # Long-poll length; stopping waits for the poll in flight (an update it takes is Zalo's
    # only copy), so a shorter poll stops sooner.
    zalo_poll_seconds: int = Field(default=10, ge=1, le=60)
    # Zalo documents no send limits: conservative ones of our own.
    zalo_send_per_second: int = Field(default=5, ge=1)
    zalo_send_per_chat_seconds: float = Field(default=1.0, ge=0)
    # Zalo fetches a photo's link during sendPhoto: that call may take this long.
    zalo_photo_timeout_seconds: float = Field(default=150.0, ge=1, le=600)
    # A photo a person sends is downloaded and kept as evidence up to this size.
    zalo_max_photo_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    # Where dondoc's web server is reached from outside (https://…): Zalo takes photos and
    # files only as links, served from here.
    public_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(/\S*)?$")

    # The web console (/console/ on the same web server). Its cookies are signed with
    # console_secret; without one a random key is made at start, and sessions end at restart.
    console_enabled: bool = True
    console_secret: str | None = Field(default=None, min_length=16)
    console_login_minutes: int = Field(default=10, ge=1, le=60)
    console_session_hours: int = Field(default=12, ge=1, le=24 * 14)
    # Let focal persons sign in too: their own agency's items only, to read and report.
    console_focal_persons: bool = False
    # How often the console works out its overview again in the background (0: only when a
    # page asks), so the first visit of the morning does not wait for a national digest.
    console_warm_seconds: int = Field(default=300, ge=0)

    # Reminder policy (counts in working days).
    remind_before: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [7, 1, 0])
    # The weekly consolidated message's day (the first working day of the week from it).
    weekly_day: Literal["mon", "tue", "wed", "thu", "fri"] = "mon"
    escalate_after: int = Field(default=10, ge=1)
    escalate_every: int = Field(default=10, ge=1)
    report_quiet_days: int = Field(default=10, ge=1)
    blocked_checkin_after: int = Field(default=10, ge=1)
    ongoing_every: Literal["weekly", "biweekly", "monthly", "quarterly", "yearly"] = "biweekly"
    dependent_every: Literal["weekly", "biweekly", "monthly", "quarterly", "yearly"] = "monthly"
    indicator_every: Literal["weekly", "biweekly", "monthly", "quarterly", "yearly"] = "monthly"

    # Delivery.
    send_per_second: int = Field(default=30, ge=1)
    send_per_chat_seconds: float = Field(default=1.0, ge=0)
    # A sender renews its claims and its lead every third of this; a crashed sender's rows and
    # lead wait at most this long for another sender.
    send_lease_seconds: int = Field(default=30, ge=10)
    # A message failing this many times (5xx, time-outs) is given up; the secretariat is told.
    send_max_attempts: int = Field(default=16, ge=1)
    drain_every_seconds: int = Field(default=15, ge=1)
    # A scan skipped because another instance held the lock looks again after this long, and
    # scans if the day is still not done (the other instance died mid-scan).
    scan_retry_seconds: int = Field(default=60, ge=1)
    # Between scans, assignments changed by the day's updates get their next reminder day
    # worked out again, so the morning scan reads almost no history.
    reminder_days_every_minutes: int = Field(default=10, ge=1)

    # Weekly digest. APScheduler reads cron day numbers from Monday=0: write day names ("fri").
    digest_cron: str = _DEFAULT_DIGEST_CRON
    digest_every_weeks: int = Field(default=1, ge=1, le=4)
    # A committee with children sends its digest once every child's is stored, or this long
    # after its own time, with what exists (the roll-up names who had not reported).
    digest_wait_minutes: int = Field(default=120, ge=0, le=24 * 60)

    @field_validator("admin_chat_ids", "zalo_admin_chat_ids", "remind_before",
                     mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("digest_cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        if value == _DEFAULT_DIGEST_CRON:
            # Known good (the digest tick parses it at start-up): every CLI command loads
            # Settings, and importing APScheduler for it would slow them all (issue #18).
            return value
        from apscheduler.triggers.cron import CronTrigger  # only when a cron is checked

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"not a crontab line: {exc}") from exc
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres://")):
            raise ValueError("expected sqlite:///PATH or postgresql://USER@HOST/DB")
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The configured time zone as a tzinfo."""
        return ZoneInfo(self.timezone)


# What a variable checked against a pattern should look like, said in words.
EXPECTED_FORMS = {
    "public_url": "cần dạng https://tên-miền hoặc https://tên-miền/đường-dẫn",
    "zalo_webhook_path": "cần bắt đầu bằng / và chỉ gồm chữ cái không dấu, chữ số, /, _ và -",
}


def load_settings() -> Settings:
    """Read the settings, turning a bad value into one sentence that names the variable."""
    try:
        return Settings()
    except SourceError as exc:
        raise SettingsError(str(exc).replace('field "', 'field "DONDOC_').upper()) from exc
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            # A regular expression says nothing to the person who set the variable.
            message = (EXPECTED_FORMS.get(field, "giá trị không đúng dạng")
                       if error["type"] == "string_pattern_mismatch" else error["msg"])
            problems.append(f"DONDOC_{field.upper()}: {message}")
        raise SettingsError("; ".join(problems)) from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, loaded once."""
    return load_settings()
