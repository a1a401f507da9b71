"""Logging for `dondoc run`: text or JSON lines, with the bot tokens redacted from every line."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from config import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "<token>"


class RedactSecrets(logging.Filter):
    """Replace each configured secret in a record's message (and traceback) with <token>."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def redact(self, line: str) -> str:
        """The line with every secret replaced."""
        for secret in self.secrets:
            line = line.replace(secret, REDACTED)
        return line

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message once, redacted; a library's URL with a token never gets through."""
        if self.secrets:
            record.msg = self.redact(record.getMessage())
            record.args = None
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = self.redact(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, exception."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def secrets_of(settings: Settings) -> list[str]:
    """The values that must never appear in a log line."""
    return [value for value in (settings.telegram_token, settings.zalo_token,
                                settings.webhook_secret, settings.zalo_webhook_secret)
            if value]


def configure_logging(settings: Settings) -> None:
    """Root logging from DONDOC_LOG_LEVEL and DONDOC_LOG_FORMAT, secrets redacted."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if settings.log_format == "json"
                         else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RedactSecrets(secrets_of(settings)))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    # httpx logs every request URL, and Telegram's and Zalo's URLs carry the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # a line per plugin
