"""Checking requests (and the sandbox's own answers) against the Bot API specification."""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sandbox.errors import ApiError, bad_request
from sandbox.formatting import EntityParseError, UnsupportedParseModeError, format_text
from sandbox.spec import (
    ArrayOf,
    BotApiSpec,
    FieldSpec,
    MethodSpec,
    TypeExpr,
    TypeSpec,
    describe_type_expr,
)

JsonDict = dict[str, Any]
Path = tuple[str | int, ...]

_INTEGER_TEXT = re.compile(r"-?\d+")
_BOOLEAN_TEXT = {"true": True, "false": False, "1": True, "0": False}
_BOT_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
# Fields other than these make an InlineKeyboardButton do something; exactly one must be set.
_BUTTON_LABEL_FIELDS = frozenset({"text", "icon_custom_emoji_id", "style"})

# Telegram's own wording when a field is missing or outside its stated length.
_MISSING_MESSAGES = {
    ("sendMessage", "text"): "message text is empty",
    ("editMessageText", "text"): "message text is empty",
    ("sendDocument", "document"): "there is no document in the request",
    ("sendPhoto", "photo"): "there is no photo in the request",
}
_TOO_SHORT_MESSAGES = {
    "text": "message text is empty",
    "callback_data": "BUTTON_DATA_INVALID",
    "command": "BOT_COMMAND_INVALID",
    "description": "BOT_COMMAND_DESCRIPTION_INVALID",
}
_TOO_LONG_MESSAGES = {
    ("sendMessage", "text"): "message is too long",
    ("editMessageText", "text"): "message is too long",
    ("answerCallbackQuery", "text"): "MESSAGE_TOO_LONG",
    ("InlineKeyboardButton", "callback_data"): "BUTTON_DATA_INVALID",
    ("BotCommand", "command"): "BOT_COMMAND_INVALID",
    ("BotCommand", "description"): "BOT_COMMAND_DESCRIPTION_INVALID",
}


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


class _Mismatch(Exception):
    """Why a value does not fit a type; deeper mismatches explain unions better."""

    def __init__(
        self, path: Path, detail: str, override: str | None = None, depth: float | None = None
    ) -> None:
        super().__init__(detail)
        self.path = path
        self.detail = detail
        self.override = override
        self.depth = len(path) if depth is None else depth


def format_path(path: Path) -> str:
    """Render ("inline_keyboard", 0, 0, "text") as inline_keyboard[0][0].text."""
    rendered = ""
    for part in path:
        rendered += f"[{part}]" if isinstance(part, int) else (f".{part}" if rendered else part)
    return rendered


class _Checker:
    """Walks a value against type expressions; lenient at the top level of a request."""

    def __init__(
        self, spec: BotApiSpec, attachments: Mapping[str, UploadedFile], for_request: bool
    ) -> None:
        self._spec = spec
        self._attachments = attachments
        self._for_request = for_request

    def value(
        self, value: object, spec_field: FieldSpec, owner: str, path: Path, lenient: bool
    ) -> object:
        """The value checked against the field's types; raises _Mismatch when none fits."""
        return self._union(value, spec_field.types, spec_field, owner, path, lenient)

    def _union(
        self,
        value: object,
        exprs: tuple[TypeExpr, ...],
        spec_field: FieldSpec | None,
        owner: str,
        path: Path,
        lenient: bool,
    ) -> object:
        mismatches: list[_Mismatch] = []
        for expr in exprs:
            try:
                return self._single(value, expr, spec_field, owner, path, lenient)
            except _Mismatch as mismatch:
                mismatches.append(mismatch)
        deepest = max(mismatches, key=lambda m: m.depth)
        if deepest.depth <= len(path) and deepest.override is None and len(exprs) > 1:
            names = " or ".join(describe_type_expr(e) for e in exprs)
            raise _Mismatch(path, f'field "{{path}}" must be of type {names}')
        raise deepest

    def _single(
        self,
        value: object,
        expr: TypeExpr,
        spec_field: FieldSpec | None,
        owner: str,
        path: Path,
        lenient: bool,
    ) -> object:
        structured = isinstance(expr, ArrayOf) or (expr in self._spec.types and expr != "InputFile")
        if structured and lenient and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise _Mismatch(path, "json", override="json") from None
        if isinstance(expr, ArrayOf):
            if not isinstance(value, list):
                raise _Mismatch(
                    path, f'field "{{path}}" must be of type {describe_type_expr(expr)}'
                )
            return [
                self._single(item, expr.item, spec_field, owner, (*path, index), False)
                for index, item in enumerate(value)
            ]
        type_spec = self._spec.types.get(expr)
        if type_spec is not None and expr != "InputFile":
            return self._object(value, type_spec, path)
        return self._primitive(value, expr, spec_field, owner, path, lenient)

    def _object(self, value: object, type_spec: TypeSpec, path: Path) -> object:
        if type_spec.subtypes:
            return self._abstract(value, type_spec, path)
        if not isinstance(value, dict):
            raise _Mismatch(path, f'field "{{path}}" must be of type {type_spec.name}')
        if type_spec.discriminator is not None:
            key, constant = type_spec.discriminator
            if value.get(key) != constant:
                # A wrong discriminator means "another subtype", so it ranks as shallow.
                detail = f'field "{{path}}" must be "{constant}"'
                raise _Mismatch((*path, key), detail, None, len(path))
        fields = type_spec.fields_by_name
        for key in value:
            if key not in fields:
                raise _Mismatch((*path, key), 'unknown field "{path}"')
        checked: JsonDict = {}
        for spec_field in type_spec.fields:
            # Requests may carry null for an absent optional field; answers must omit it.
            absent = spec_field.name not in value or (
                self._for_request and value[spec_field.name] is None
            )
            if absent:
                if spec_field.required:
                    raise _Mismatch((*path, spec_field.name), 'field "{path}" is required')
                continue
            checked[spec_field.name] = self.value(
                value[spec_field.name], spec_field, type_spec.name, (*path, spec_field.name), False
            )
        self._type_rules(type_spec, checked, path)
        return checked

    def _abstract(self, value: object, type_spec: TypeSpec, path: Path) -> object:
        """A value of an abstract type must match one subtype, usually picked by its "type"."""
        try:
            return self._union(value, type_spec.subtypes, None, type_spec.name, path, False)
        except _Mismatch as mismatch:
            if mismatch.depth > len(path) or mismatch.override is not None:
                raise
        subtypes = [self._spec.types[name] for name in type_spec.subtypes]
        keys = {s.discriminator[0] for s in subtypes if s.discriminator is not None}
        if isinstance(value, dict) and len(keys) == 1:
            (key,) = keys
            allowed = ", ".join(f'"{s.discriminator[1]}"' for s in subtypes if s.discriminator)
            raise _Mismatch((*path, key), f'field "{{path}}" must be one of {allowed}')
        raise _Mismatch(path, f'field "{{path}}" must be of type {type_spec.name}')

    def _type_rules(self, type_spec: TypeSpec, checked: JsonDict, path: Path) -> None:
        """Rules the spec states in prose for the types dondoc sends."""
        if not self._for_request:
            return
        if type_spec.name == "InlineKeyboardButton":
            actions = [k for k in checked if k not in _BUTTON_LABEL_FIELDS]
            if len(actions) != 1:
                detail = (
                    "Text buttons are unallowed in the inline keyboard"
                    if not actions
                    else f"exactly one of {', '.join(sorted(actions))} may be used"
                )
                override = f"can't parse inline keyboard button: {detail}"
                raise _Mismatch(path, detail, override=override)
        if type_spec.name == "BotCommand" and not _BOT_COMMAND.fullmatch(checked["command"]):
            raise _Mismatch((*path, "command"), "", override="BOT_COMMAND_INVALID")

    def _primitive(
        self,
        value: object,
        name: str,
        spec_field: FieldSpec | None,
        owner: str,
        path: Path,
        lenient: bool,
    ) -> object:
        wrong_type = _Mismatch(path, f'field "{{path}}" must be of type {name}')
        if name == "Integer":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if lenient and isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
                return int(value)
            raise wrong_type
        if name == "Float":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return value
            if lenient and isinstance(value, str):
                try:
                    return float(value)
                except ValueError:
                    raise wrong_type from None
            raise wrong_type
        if name in ("Boolean", "True"):
            if isinstance(value, bool):
                parsed: bool | None = value
            elif lenient and isinstance(value, str):
                parsed = _BOOLEAN_TEXT.get(value.strip().lower())
            else:
                parsed = None
            if parsed is None or (name == "True" and parsed is not True):
                raise wrong_type
            return parsed
        if name == "String":
            if lenient and isinstance(value, int | float) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str):
                raise wrong_type
            if self._for_request and spec_field is not None:
                self._check_length(value, spec_field, owner, path)
            return value
        if name == "InputFile" and self._for_request:
            if isinstance(value, UploadedFile):
                return value
            if isinstance(value, str) and value.startswith("attach://"):
                attached = self._attachments.get(value.removeprefix("attach://"))
                if attached is not None:
                    return attached
            raise wrong_type
        raise _Mismatch(path, f'field "{{path}}" has a type the sandbox cannot check: {name}')

    def _check_length(self, value: str, spec_field: FieldSpec, owner: str, path: Path) -> None:
        limit = spec_field.length_limit
        if limit is None or spec_field.limit_applies_after_entities:
            return
        size = limit.size_of(value)
        if limit.minimum <= size <= limit.maximum:
            return
        too_long = size > limit.maximum
        override = (
            _TOO_LONG_MESSAGES.get((owner, spec_field.name))
            if too_long
            else _TOO_SHORT_MESSAGES.get(spec_field.name)
        )
        detail = f'field "{{path}}" must be {limit.minimum}-{limit.maximum} {limit.unit} long'
        raise _Mismatch(path, detail, override=override)


def _as_api_error(spec_field: FieldSpec, mismatch: _Mismatch) -> ApiError:
    if mismatch.override == "json":
        return bad_request(f"can't parse {spec_field.name} JSON object")
    if mismatch.override is not None:
        return bad_request(mismatch.override)
    if not mismatch.path:
        return bad_request(mismatch.detail.format(path=spec_field.name))
    inner = mismatch.detail.format(path=format_path(mismatch.path))
    return bad_request(f"can't parse {spec_field.name}: {inner}")


def _parse_mode_field(text_field: str) -> str:
    return "parse_mode" if text_field in ("text", "caption") else f"{text_field}_parse_mode"


def _entities_field(text_field: str) -> str:
    return "entities" if text_field == "text" else f"{text_field}_entities"


class RequestValidator:
    """Checks a request's parameters the way Telegram does, and converts them to JSON values."""

    def __init__(self, spec: BotApiSpec) -> None:
        self._spec = spec

    def validate(self, method: MethodSpec, params: Mapping[str, object]) -> JsonDict:
        """Return the parameters as checked JSON values, or raise Telegram's 400."""
        fields = method.fields_by_name
        # Multipart parts that are not parameters are attach://<name> targets.
        attachments = {
            k: v for k, v in params.items() if isinstance(v, UploadedFile) and k not in fields
        }
        values = {k: v for k, v in params.items() if k not in attachments and v is not None}
        for name in values:
            if name not in fields:
                raise bad_request(f'unknown parameter "{name}" for method {method.name}')
        for spec_field in method.fields:
            if spec_field.required and values.get(spec_field.name, "") == "":
                message = _MISSING_MESSAGES.get((method.name, spec_field.name))
                raise bad_request(message or f"{spec_field.name} is empty")
        checker = _Checker(self._spec, attachments, for_request=True)
        checked: JsonDict = {}
        for name, raw in values.items():
            spec_field = fields[name]
            try:
                checked[name] = checker.value(raw, spec_field, method.name, (), lenient=True)
            except _Mismatch as mismatch:
                raise _as_api_error(spec_field, mismatch) from None
        self._check_formatted_text(method, checked)
        return checked

    def _check_formatted_text(self, method: MethodSpec, checked: JsonDict) -> None:
        """Limits stated "after entities parsing" apply to the text once markup is removed."""
        for spec_field in method.fields:
            limit = spec_field.length_limit
            value = checked.get(spec_field.name)
            if limit is None or not spec_field.limit_applies_after_entities:
                continue
            if not isinstance(value, str):
                continue
            mode_value = checked.get(_parse_mode_field(spec_field.name))
            explicit_entities = _entities_field(spec_field.name) in checked
            mode = None if explicit_entities or not isinstance(mode_value, str) else mode_value
            try:
                visible = format_text(value, mode).text
            except UnsupportedParseModeError:
                raise bad_request("unsupported parse_mode") from None
            except EntityParseError as error:
                raise bad_request(f"can't parse entities: {error}") from None
            size = limit.size_of(visible)
            if size < limit.minimum:
                message = _TOO_SHORT_MESSAGES.get(spec_field.name)
                raise bad_request(message or f"{spec_field.name} is empty")
            if size > limit.maximum:
                if spec_field.name == "caption":
                    raise bad_request("message caption is too long")
                message = _TOO_LONG_MESSAGES.get((method.name, spec_field.name))
                raise bad_request(message or f"{spec_field.name} is too long")


class ResponseChecker:
    """Checks the sandbox's own results against the spec, so the stand-in cannot drift."""

    def __init__(self, spec: BotApiSpec) -> None:
        self._spec = spec

    def problems(self, returns: tuple[TypeExpr, ...], result: object, what: str) -> list[str]:
        """Why `result` is not a valid value of `returns`; empty when it is."""
        checker = _Checker(self._spec, {}, for_request=False)
        if returns == ("Boolean",) and result is True:
            return []
        spec_field = FieldSpec(name=what, types=returns, required=True, description="")
        try:
            checker.value(result, spec_field, what, (), lenient=False)
        except _Mismatch as mismatch:
            where = format_path(mismatch.path) or what
            detail = mismatch.override or mismatch.detail.format(path=where)
            return [f"{what}: {detail}"]
        return []
