"""The Bot API specification (api.json): loading it and reading what it says about fields."""

import gzip
import json
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

SPEC_ENV_VAR = "DONDOC_SANDBOX_SPEC"

PRIMITIVE_TYPES = frozenset({"Integer", "String", "Boolean", "Float", "True", "InputFile"})

_LENGTH_LIMIT = re.compile(r"(\d+)-(\d+) (characters|bytes)")
_AFTER_ENTITIES = re.compile(r"after entit(?:y|ies) parsing")
# Subtypes name their discriminator as 'must be default' or 'always "member"'.
_CONSTANT = re.compile(r"(?:must be|always) \"?([a-z_]+)\"?\s*$")


class SpecNotFoundError(FileNotFoundError):
    """No api.json where the sandbox looked."""


@dataclass(frozen=True)
class LengthLimit:
    """A stated size range of a string field, in characters or UTF-8 bytes."""

    minimum: int
    maximum: int
    unit: str

    def size_of(self, value: str) -> int:
        """The value's size in this limit's unit."""
        return len(value.encode()) if self.unit == "bytes" else len(value)


@dataclass(frozen=True)
class ArrayOf:
    """A parsed "Array of X" type expression."""

    item: "TypeExpr"


TypeExpr = str | ArrayOf


def parse_type_expr(text: str) -> TypeExpr:
    """Turn "Array of Array of InlineKeyboardButton" into nested ArrayOf."""
    prefix = "Array of "
    if text.startswith(prefix):
        return ArrayOf(parse_type_expr(text[len(prefix) :]))
    return text


def describe_type_expr(expr: TypeExpr) -> str:
    """The spec's own wording of a type expression."""
    if isinstance(expr, ArrayOf):
        return f"Array of {describe_type_expr(expr.item)}"
    return expr


@dataclass(frozen=True)
class FieldSpec:
    """One parameter of a method or one field of an object type."""

    name: str
    types: tuple[TypeExpr, ...]
    required: bool
    description: str

    @cached_property
    def length_limit(self) -> LengthLimit | None:
        """The "N-M characters|bytes" range the description states, if any."""
        if "String" not in self.types:
            return None
        match = _LENGTH_LIMIT.search(self.description)
        if match is None:
            return None
        return LengthLimit(int(match.group(1)), int(match.group(2)), match.group(3))

    @cached_property
    def limit_applies_after_entities(self) -> bool:
        """Whether the length limit counts the text after parse_mode markup is removed."""
        return bool(_AFTER_ENTITIES.search(self.description))

    def type_names(self) -> str:
        """The field's types joined the way error messages show them."""
        return " or ".join(describe_type_expr(t) for t in self.types)


@dataclass(frozen=True)
class TypeSpec:
    """An object type: either concrete with fields, or abstract with subtypes."""

    name: str
    fields: tuple[FieldSpec, ...]
    subtypes: tuple[str, ...]
    is_subtype: bool

    @cached_property
    def fields_by_name(self) -> dict[str, FieldSpec]:
        """Fields keyed by name."""
        return {f.name: f for f in self.fields}

    @cached_property
    def discriminator(self) -> tuple[str, str] | None:
        """The (field, constant) that tells this subtype apart from its siblings."""
        if not self.is_subtype:
            return None
        for spec_field in self.fields:
            if spec_field.required and spec_field.types == ("String",):
                match = _CONSTANT.search(spec_field.description)
                if match:
                    return spec_field.name, match.group(1)
        return None


@dataclass(frozen=True)
class MethodSpec:
    """A Bot API method: its parameters and what it returns."""

    name: str
    fields: tuple[FieldSpec, ...]
    returns: tuple[TypeExpr, ...]

    @cached_property
    def fields_by_name(self) -> dict[str, FieldSpec]:
        """Parameters keyed by name."""
        return {f.name: f for f in self.fields}


@dataclass(frozen=True)
class BotApiSpec:
    """The whole specification: methods (case-insensitive lookup) and types."""

    version: str
    methods: dict[str, MethodSpec]
    types: dict[str, TypeSpec]
    _methods_by_lower_name: dict[str, MethodSpec] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._methods_by_lower_name.update({k.lower(): v for k, v in self.methods.items()})

    def method(self, name: str) -> MethodSpec | None:
        """The method called `name`; Telegram matches method names case-insensitively."""
        return self._methods_by_lower_name.get(name.lower())


def _field_from_json(raw: dict[str, Any]) -> FieldSpec:
    return FieldSpec(
        name=raw["name"],
        types=tuple(parse_type_expr(t) for t in raw["types"]),
        required=bool(raw.get("required", False)),
        description=raw.get("description", ""),
    )


def spec_from_json(raw: dict[str, Any]) -> BotApiSpec:
    """Build the spec from api.json's decoded content."""
    methods = {
        name: MethodSpec(
            name=name,
            fields=tuple(_field_from_json(f) for f in body.get("fields", [])),
            returns=tuple(parse_type_expr(t) for t in body.get("returns", [])),
        )
        for name, body in raw["methods"].items()
    }
    types = {
        name: TypeSpec(
            name=name,
            fields=tuple(_field_from_json(f) for f in body.get("fields", [])),
            subtypes=tuple(body.get("subtypes", [])),
            is_subtype=bool(body.get("subtype_of")),
        )
        for name, body in raw["types"].items()
    }
    return BotApiSpec(version=str(raw.get("version", "")), methods=methods, types=types)


# The spec ships with the package (a copy of Bot API 10.1's api.json), so a clone needs nothing
# beside it; $DONDOC_SANDBOX_SPEC or an explicit path points at another version.
BUNDLED_SPEC = Path(__file__).with_name("api.json.gz")


def locate_spec(explicit: str | Path | None = None) -> Path:
    """Find api.json (or api.json.gz): the explicit path, else $DONDOC_SANDBOX_SPEC, else ours."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise SpecNotFoundError(f"Bot API specification not found at {path}")
        return path
    from_env = os.environ.get(SPEC_ENV_VAR)
    if from_env:
        path = Path(from_env)
        if not path.is_file():
            raise SpecNotFoundError(f"{SPEC_ENV_VAR}={from_env} is not a file")
        return path
    if not BUNDLED_SPEC.is_file():
        raise SpecNotFoundError(f"the bundled {BUNDLED_SPEC} is missing; set {SPEC_ENV_VAR}")
    return BUNDLED_SPEC


def read_spec_text(path: str | Path | None = None) -> str:
    """The JSON text of the spec `locate_spec` finds, gzip-compressed or not."""
    located = locate_spec(path)
    if located.suffix == ".gz":
        with gzip.open(located, "rt", encoding="utf-8") as compressed:
            return compressed.read()
    return located.read_text(encoding="utf-8")


def load_spec(path: str | Path | None = None) -> BotApiSpec:
    """Load and parse api.json from `path` or the default locations."""
    return spec_from_json(json.loads(read_spec_text(path)))
