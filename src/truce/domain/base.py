"""The base of every domain record: frozen, strict, and failing with named fields."""

from __future__ import annotations

from typing import Any, Self

import pydantic

from truce.domain.errors import ValidationFailed


class Record(pydantic.BaseModel):
    """An immutable record. Invalid data raises `ValidationFailed` naming the field."""

    model_config = pydantic.ConfigDict(frozen=True, extra="forbid", validate_default=True)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            raise _translate(type(self).__name__, exc) from exc

    @classmethod
    def parse(cls, data: Any) -> Self:
        """Build from plain data (e.g. decoded JSON), with the same named errors."""
        try:
            return cls.model_validate(data)
        except pydantic.ValidationError as exc:
            raise _translate(cls.__name__, exc) from exc

    def evolve(self, **changes: Any) -> Self:
        """A copy with some fields changed, checked as a new record would be: a bad change
        raises `ValidationFailed` naming the field. Use it rather than `model_copy`, which
        checks nothing."""
        # Field values are passed as they are, not dumped: nested records are frozen and were
        # checked when built, so only this record's fields and model checks run again.
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        return self.parse({**fields, **changes})

    def to_plain(self) -> dict[str, Any]:
        """JSON-ready data: dates as ISO strings, enums as values."""
        return self.model_dump(mode="json")


def _translate(model: str, exc: pydantic.ValidationError) -> ValidationFailed:
    first = exc.errors()[0]
    loc = ".".join(str(part) for part in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    field = loc or None
    if not loc and ": " in message:
        # Model-level checks put the field name first ("date_end: ...").
        field = message.split(": ", 1)[0]
    where = f"{model}.{loc}" if loc else model
    extra = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    got = ""
    if "input" in first and loc and not isinstance(first["input"], dict):
        got = f" (got {first['input']!r})"
    return ValidationFailed(f"{where}: {message}{got}{extra}", field=field)
