"""Plain-text rendering of results for the terminal."""

from __future__ import annotations

import click

from truce.assess.tally import SIDE_COLUMNS, Tally, TallyRow
from truce.services import ImportSummary

MAX_LISTED = 20


def echo_import(summary: ImportSummary, *, indent: str = "") -> None:
    state = "new document" if summary.new_document else "document already held"
    click.echo(f"{indent}{state} {summary.document_id[:16]}… ({summary.layout} layout)")
    click.echo(f"{indent}{summary.line()}")
    for title, rows in (("rejected", summary.rejected), ("warning", summary.warnings)):
        for row in rows[:MAX_LISTED]:
            click.echo(f"{indent}  {title}: {row}")
        if len(rows) > MAX_LISTED:
            click.echo(f"{indent}  … and {len(rows) - MAX_LISTED} more {title} rows")


def render_tally(tally: Tally) -> str:
    headers = ["Governorate", *(c.capitalize() for c in SIDE_COLUMNS), "Total", "Deaths",
               "Vs excluded"]  # fmt: skip
    body = [
        _cells(row) for row in sorted(tally.rows.values(), key=lambda r: (-r.total, r.governorate))
    ]
    total = _cells(tally.totals())
    widths = [max(len(r[i]) for r in [headers, *body, total]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest])

    rule = "-" * len(line(headers))
    out = [
        f"Agreement {tally.agreement_id}: {tally.start.isoformat()} to {tally.end.isoformat()}",
        "Reported events of prohibited kinds, by governorate and by the side of the actor",
        "coded first. Allegations, not findings: nothing here is assessed yet.",
        "",
        line(headers),
        rule,
        *(line(r) for r in body),
        rule,
        line(total),
        "",
        f"Counting rule: {tally.counting_rule}.",
        f"'Vs excluded': events whose other party is a group the truce excludes "
        f"({tally.totals().against_disputed_excluded} of them where that exclusion is disputed).",
        f"Not counted: {tally.outside_period} outside the period, {tally.straddling_period} with "
        f"dates that may fall either side of it, {tally.not_prohibited} of kinds not prohibited.",
    ]
    if tally.unresolved_actors:
        names = ", ".join(sorted(tally.unresolved_actors)[:8])
        out.append(f"Actors not in the registry (counted as unattributed): {names}")
    return "\n".join(out)


def _cells(row: TallyRow) -> list[str]:
    return [row.governorate, *(str(row.by_side.get(c, 0)) for c in SIDE_COLUMNS),
            str(row.total), str(row.fatalities), str(row.against_excluded)]  # fmt: skip
