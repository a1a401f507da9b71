"""A committee's own settings: which DONDOC_* knobs it may override, checked like Settings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from config.settings import Settings

# The knobs a committee may set for itself (issue #22): reminder policy and digest day.
COMMITTEE_KNOBS = (
    "remind_before", "weekly_day", "escalate_after", "escalate_every", "report_quiet_days",
    "blocked_checkin_after", "ongoing_every", "dependent_every", "indicator_every",
    "digest_cron", "digest_every_weeks", "digest_wait_minutes",
)


class CommitteeSettingsError(ValueError):
    """A committee setting is wrong; the message is one Vietnamese sentence."""


def option_name(knob: str) -> str:
    """The CLI option of a knob (escalate_after -> --escalate-after)."""
    return "--" + knob.replace("_", "-")


def decode(text: str | None) -> dict[str, Any]:
    """The stored overrides (JSON text) as a dict of known knobs; nothing stored: {}."""
    if not text:
        return {}
    found = json.loads(text)
    return {knob: found[knob] for knob in COMMITTEE_KNOBS if knob in found}


def encode(overrides: Mapping[str, Any]) -> str | None:
    """The overrides as stored (None when nothing is overridden)."""
    kept = {knob: overrides[knob] for knob in COMMITTEE_KNOBS if knob in overrides}
    return json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else None


def effective(base: Settings, overrides: Mapping[str, Any]) -> Settings:
    """The deployment's settings with a committee's overrides, validated as Settings are."""
    # model_validate reads no environment: the base's values and the overrides only.
    return Settings.model_validate({**base.model_dump(), **overrides})


def checked(base: Settings, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The overrides validated and normalised (as stored); a bad one raises, in Vietnamese."""
    unknown = sorted(set(overrides) - set(COMMITTEE_KNOBS))
    if unknown:
        raise CommitteeSettingsError(
            f"Không có thiết lập “{unknown[0]}” cho từng Ban Chỉ đạo; có: "
            + ", ".join(COMMITTEE_KNOBS) + ".")
    try:
        merged = effective(base, overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        knob = str(error["loc"][0])
        raise CommitteeSettingsError(
            f"Không lưu: {option_name(knob)} {_problem(knob, error)}"
            f" (nhận “{_shown(overrides.get(knob))}”).") from exc
    if any(days < 0 for days in merged.remind_before):
        raise CommitteeSettingsError(
            "Không lưu: --remind-before cần các số ngày làm việc không âm, ví dụ 7,1,0.")
    return {knob: getattr(merged, knob) for knob in COMMITTEE_KNOBS if knob in overrides}


def _problem(knob: str, error: Any) -> str:
    """What a value needs, said in Vietnamese."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if knob == "remind_before":
        return "cần các số ngày làm việc cách nhau bởi dấu phẩy, ví dụ 7,1,0"
    if knob == "digest_cron":
        return "không phải một dòng lịch cron hợp lệ (ví dụ “0 16 * * fri”: 16 giờ thứ Sáu)"
    if kind == "greater_than_equal":
        return f"phải là số nguyên từ {ctx['ge']} trở lên"
    if kind == "less_than_equal":
        return f"phải là số nguyên không quá {ctx['le']}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "phải là số nguyên"
    if kind == "literal_error":
        return "phải là một trong: " + str(ctx["expected"]).replace(" or ", " hoặc ")
    return "có giá trị không hợp lệ"


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(str(part) for part in value)
    return str(value)
