"""What every reader and writer returns, and the column tables the CSV layouts are built on."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from truce.domain.errors import InputRejected, TruceError
from truce.domain.reports import ActorRole, Provenance, Report
from truce.domain.vocab import EARLIEST_YEAR, LATEST_YEAR, ActorRoleKind


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


def column_error(exc: Exception, columns: Mapping[str, str]) -> str:
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
    if len(text) > MAX_DIGITS:
        raise ValueError(f"{name}: {text[:MAX_DIGITS]!r}... is too long to be a number")
    try:
        return int(float(text)) if "." in text else int(text)
    except (ValueError, OverflowError):
        raise ValueError(f"{name}: {text!r} is not a whole number") from None


# Longer than any count or code a layout holds: refused before Python turns it into a number
# (past 4,300 digits `int` itself refuses, with a message that names no column).
MAX_DIGITS = 50


def parse_year(value: str, name: str) -> int | None:
    """A year column, within the years a report may be dated (vocab.EARLIEST_YEAR..LATEST_YEAR)."""
    year = parse_int(value, name)
    if year is not None and not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(f"{name}: the year {year} is outside {EARLIEST_YEAR}-{LATEST_YEAR}")
    return year


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


def parse_text(value: str, name: str) -> str | None:
    return value.strip() or None


def split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def write_csv(columns: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# ---------------------------------------------------------------- the column tables
#
# A CSV layout is declared as a table: one Column per file column, saying how its cell is
# read into the Report and how it is written back, with what writing it can lose. A few
# losses belong to no single column (fields with no column at all, another layout's
# extras); they sit in the table as RowRules. Entries run in table order both ways: a
# refused row names the first bad cell in that order, and losses are listed in it.

View = TypeVar("View", contravariant=True)  # a writer's prepared form of one report
T = TypeVar("T")
Lost = list[tuple[str, str]]  # (Truce field, why) for each thing a row cannot carry
Cells = dict[str, Any]  # parsed cell values by column name


class RowView(Protocol):
    """What the shared column writers need of a writer's prepared row."""

    @property
    def report(self) -> Report: ...


@dataclass(frozen=True)
class Column(Generic[View]):
    """One file column: how its cell is read, how it is written back, what writing loses."""

    name: str
    write: Callable[[View], str]
    read: Callable[[str, str], Any] = parse_text  # (cell, column name) -> value
    # Report fields that take the read value as it is; dotted names go to the provenance.
    into: str | tuple[str, ...] = ()
    keep: bool = False  # the stripped cell is kept in provenance extras when not blank
    required: bool = False
    lost: Callable[[View], Lost] | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.into,) if isinstance(self.into, str) else self.into


@dataclass(frozen=True)
class RowRule(Generic[View]):
    """A loss that no single column owns."""

    lost: Callable[[View], Lost]


Table = tuple[Column[View] | RowRule[View], ...]


@dataclass
class Draft:
    """A row being read: the Report's fields so far, its provenance extras and warnings."""

    fields: dict[str, Any]
    extras: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# Reads the fields that need several cells at once, after every cell has parsed.
Builder = Callable[[Cells, Draft], None]


def plain(name: str, into: str = "", *, required: bool = False) -> Column[RowView]:
    """A text column that is one Report field (of the same name unless given)."""
    target = into or name
    return Column(name, write=text_of(target), into=target, required=required)


def text_of(name: str) -> Callable[[RowView], str]:
    return lambda view: getattr(view.report, name) or ""


def joined(values: Sequence[str]) -> str:
    return "; ".join(values)


def extra(key: str) -> Callable[[RowView], str]:
    return lambda view: view.report.provenance.extras.get(key, "")


def coded(codes: Mapping[int, T], allowed: str) -> Callable[[str, str], T]:
    """A reader for a required whole-number code, mapped to its meaning."""

    def read(cell: str, name: str) -> T:
        code = require_int(cell, name)
        if code not in codes:
            raise ValueError(f"{name}: {code} is not {allowed}")
        return codes[code]

    return read


def parse_names(cell: str, name: str) -> tuple[str, ...]:
    return split_list(cell)


def columns_of(table: Table[View]) -> list[Column[View]]:
    return [entry for entry in table if isinstance(entry, Column)]


def carried_fields(table: Table[View]) -> set[str]:
    """The Report fields that columns of the table take as they are."""
    tops = {name.split(".")[0] for column in columns_of(table) for name in column.fields}
    return tops - INTERNAL_FIELDS


def kept_columns(table: Table[View], layout: Sequence[str]) -> tuple[str, ...]:
    """The columns kept as provenance extras, in the layout's order."""
    kept = {column.name for column in columns_of(table) if column.keep}
    return tuple(name for name in layout if name in kept)


def read_row(
    row: dict[str, str],
    table: Table[View],
    builders: Sequence[Builder],
    *,
    dataset: str,
    kept: Sequence[str],
    prefix: str,
) -> tuple[Report, list[str]]:
    """One row as a Report (not yet given its ID), with the row's warnings."""
    cells = {c.name: c.read(row.get(c.name, ""), c.name) for c in columns_of(table)}
    draft = Draft({f: cells[c.name] for c in columns_of(table) for f in c.fields})
    for build in builders:
        build(cells, draft)
    draft.extras.update({f"{prefix}{n}": row[n].strip() for n in kept if row.get(n, "").strip()})
    fields = dict(draft.fields)
    own = {k.removeprefix("provenance."): fields.pop(k) for k in list(fields) if "." in k}
    provenance = Provenance(dataset=dataset, **own, extras=draft.extras)
    return Report(**fields, provenance=provenance), draft.warnings


def read_rows(
    text: str,
    result: ReadResult,
    *,
    id_column: str,
    read: Callable[[dict[str, str]], tuple[Report, list[str]]],
    field_columns: Mapping[str, str],
) -> ReadResult:
    """Read every data row into the result; a bad row is refused with its line."""
    for line, row in csv_records(text):
        row_id = (row.get(id_column) or "").strip() or None
        if ROW_ERROR in row:
            result.rejected.append(RowError(line, row_id, row[ROW_ERROR]))
            continue
        try:
            report, warnings = read(row)
        except (TruceError, ValueError) as exc:
            result.rejected.append(RowError(line, row_id, column_error(exc, field_columns)))
            continue
        result.reports.append(report)
        result.warnings.extend(RowError(line, row_id, w) for w in warnings)
    return result


def write_rows(
    reports: list[Report],
    layout: Sequence[str],
    table: Table[View],
    prepare: Callable[[Report], View],
) -> WriteResult:
    """Write each report as a row of the layout, listing per row what was lost."""
    by_name = {column.name: column for column in columns_of(table)}
    rows, losses = [], []
    for number, report in enumerate(reports, start=1):
        view = prepare(report)
        row = {}
        lost = [item for entry in table if entry.lost for item in entry.lost(view)]
        for name in layout:
            cell = by_name[name].write(view)
            safe = neutralise_cell(cell)
            if safe != cell:
                lost.append((name, formula_loss(cell)))
            row[name] = safe
        rows.append(row)
        losses += [Loss(number, report.id, name, why) for name, why in lost]
    return WriteResult(text=write_csv(list(layout), rows), rows=len(rows), losses=losses)


# Spreadsheet formula injection (CWE-1236): a cell beginning with one of these is run as a
# formula by Excel, LibreOffice or Google Sheets when the CSV is opened. OWASP's advice: put a
# single quote in front, which makes the cell plain text. A plain number ("-33.51", "-2") is
# no formula and is left as it is, so negative coordinates and counts stay numbers.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NAMED = {"\t": "a tab", "\r": "a carriage return"}


def formula_loss(cell: str) -> str:
    first = _NAMED.get(cell[0], repr(cell[0]))
    return f"began with {first}: written with a leading ' so that spreadsheets do not run it"


_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def neutralise_cell(cell: str) -> str:
    """The cell as a CSV may carry it safely: prefixed with a single quote when a spreadsheet
    would take it for a formula."""
    if cell.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def sides(report: Report) -> tuple[ActorRole | None, ActorRole | None]:
    """The actors written as side A and side B: the sides, else perpetrator and target."""
    side_a = report.first_actor(ActorRoleKind.SIDE_A) or report.first_actor(
        ActorRoleKind.PERPETRATOR
    )
    side_b = report.first_actor(ActorRoleKind.SIDE_B) or report.first_actor(ActorRoleKind.TARGET)
    return side_a, side_b


def no_column_losses(report: Report, carried: set[str], reason: str) -> Lost:
    return [(name, reason) for name in sorted(present_fields(report) - carried)]


def foreign_extra_losses(report: Report, prefix: str, dataset: str) -> Lost:
    reason = f"kept from another layout; {dataset} has no column for it"
    return [(f"provenance.{key}", reason) for key in foreign_extras(report, prefix)]
