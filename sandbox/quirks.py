"""Ways an independent Bot API emulator differs from Telegram, switchable so they stay tested."""

from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]
_DATE_KEYS = frozenset({"date", "edit_date", "forward_date"})


@dataclass
class Quirks:
    """Off by default (the sandbox is Telegram); each imitates one emulator we met."""

    # Every `date` in answers and updates in milliseconds instead of seconds.
    dates_in_milliseconds: bool = False
    # Methods the server lacks (answered as unknown), and unknown methods answered with an
    # HTTP 500 whose body has no `ok` field instead of Telegram's 404.
    missing_methods: set[str] = field(default_factory=set)
    unknown_methods_as_500: bool = False
    # getUpdates answers at once, whatever `timeout` asks.
    poll_ignores_timeout: bool = False

    def update(self, settings: JsonDict) -> None:
        """Switch quirks from a control API body (unknown names are an error)."""
        for name, value in settings.items():
            if name not in self.__dataclass_fields__:
                raise ValueError(f"unknown quirk {name!r}")
            if name == "missing_methods":
                self.missing_methods = {str(method).lower() for method in value}
            else:
                setattr(self, name, bool(value))

    def lacks(self, method: str) -> bool:
        """Whether the server answers this method as unknown."""
        return method.lower() in self.missing_methods

    def unknown_method_answer(self) -> tuple[int, JsonDict] | None:
        """The emulator's answer to an unknown method, when it differs from Telegram's."""
        if self.unknown_methods_as_500:
            return 500, {"error_code": 500, "description": "Internal Server Error"}
        return None

    def dates(self, value: Any) -> Any:
        """An answer as the server sends it: dates in milliseconds when switched on."""
        if not self.dates_in_milliseconds:
            return value
        return in_milliseconds(value)


def in_milliseconds(value: Any) -> Any:
    """JSON with every integer under a date key multiplied by 1000."""
    if isinstance(value, dict):
        return {key: (item * 1000 if key in _DATE_KEYS and isinstance(item, int)
                      and not isinstance(item, bool) else in_milliseconds(item))
                for key, item in value.items()}
    if isinstance(value, list):
        return [in_milliseconds(item) for item in value]
    return value
