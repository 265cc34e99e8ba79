"""What every reader and writer returns: rows taken, rows refused, and what was lost."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from truce.domain.errors import InputRejected
from truce.domain.reports import Report


@dataclass(frozen=True)
class RowError:
    line: int
    row_id: str | None
    reason: str

    def __str__(self) -> str:
        ident = f" ({self.row_id})" if self.row_id else ""
        return f"line {self.line}{ident}: {self.reason}"


@dataclass
class ReadResult:
    """Reports parsed from a file, with each refused row and each warning by line."""

    reports: list[Report] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    layout: str = ""


@dataclass(frozen=True)
class Loss:
    """One thing a written row could not carry exactly."""

    row: int  # 1-based data row number in the output
    report_id: str
    field: str
    reason: str


@dataclass
class WriteResult:
    text: str
    rows: int
    losses: list[Loss] = field(default_factory=list)


# Fields that are internal bookkeeping, not claims: never reported as lost.
INTERNAL_FIELDS = frozenset({"id", "document_id", "spans", "provenance"})


def present_fields(report: Report) -> set[str]:
    """Canonical fields that hold a value in this report."""
    present = set()
    for name, value in report:
        if name in INTERNAL_FIELDS:
            continue
        if value is None or value == () or value == {} or value is False:
            continue
        present.add(name)
    return present


def foreign_extras(report: Report, own_prefix: str) -> list[str]:
    """Provenance fields kept from another layout, which this one cannot carry."""
    return sorted(k for k in report.provenance.extras if not k.startswith(own_prefix))


ROW_ERROR = "__row_error__"


def csv_records(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (first line number, row) for each CSV data row; the header is line 1.

    Blank lines are skipped but still counted, and a quoted field spanning
    several lines is reported at the line where its row starts.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(reader, None)
    if not header:
        raise InputRejected("the file is empty: no header row")
    names = [name.strip() for name in header]
    last_line = reader.line_num
    for values in reader:
        start = last_line + 1
        last_line = reader.line_num
        if not values or values == [""]:
            continue
        if len(values) != len(names):
            yield (
                start,
                {ROW_ERROR: f"the row has {len(values)} fields; the header has {len(names)}"},
            )
            continue
        yield start, dict(zip(names, values, strict=True))


def column_error(exc: Exception, columns: dict[str, str]) -> str:
    """An error message that names the file's column rather than Truce's field."""
    message = str(exc)
    field = getattr(exc, "field", None)
    if field is None:
        return message
    column = columns.get(field.split(".")[0])
    if column is None:
        return message
    # Drop "Report.lat: " or "Report: date_end: " and name the column instead.
    detail = (
        message.split(": ", 2)[-1] if message.startswith("Report: ") else message.split(": ", 1)[-1]
    )
    return f"{column}: {detail}"


def header_of(text: str) -> list[str]:
    first = next(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")), None)
    if not first:
        raise InputRejected("the file is empty: no header row")
    return [name.strip().lstrip("\ufeff") for name in first]


def parse_int(value: str, name: str, *, allow_blank: bool = True) -> int | None:
    text = value.strip()
    if not text:
        if allow_blank:
            return None
        raise ValueError(f"{name}: a value is required")
    try:
        return int(float(text)) if "." in text else int(text)
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not a whole number") from None


def require_int(value: str, name: str) -> int:
    parsed = parse_int(value, name, allow_blank=False)
    assert parsed is not None  # parse_int raises on blank when blanks are not allowed
    return parsed


def parse_float(value: str, name: str) -> float | None:
    text = value.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not a number") from None


def split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def write_csv(columns: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
