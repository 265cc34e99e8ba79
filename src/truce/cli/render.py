"""Rendering results for the terminal: plain text, and the same content as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from typing import Any

import click

from truce.assess.tally import SIDE_COLUMNS, Tally, TallyRow
from truce.assess.views import GuarantorTally
from truce.services import ImportSummary
from truce.services.counts import ALLEGED_LABEL
from truce.services.demo import DemoRun

MAX_LISTED = 20


# --- JSON: one document for what a command shows, JSON Lines for what it lists ----------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if hasattr(value, "to_plain"):
        return value.to_plain()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def echo_json(value: Any) -> None:
    """One JSON document."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=1, default=_plain))


def echo_json_lines(values: Iterable[Any]) -> None:
    """JSON Lines: one compact object per line, written as it comes."""
    for value in values:
        click.echo(json.dumps(value, ensure_ascii=False, default=_plain))


# --- intake -------------------------------------------------------------------------------------


def echo_import(summary: ImportSummary, *, indent: str = "") -> None:
    state = "new document" if summary.new_document else "document already held"
    click.echo(f"{indent}{state} {summary.document_id[:16]}… ({summary.layout} layout)")
    click.echo(f"{indent}{summary.line()}")
    for title, rows in (("rejected", summary.rejected), ("warning", summary.warnings)):
        for row in rows[:MAX_LISTED]:
            click.echo(f"{indent}  {title}: {row}")
        if len(rows) > MAX_LISTED:
            click.echo(f"{indent}  … and {len(rows) - MAX_LISTED} more {title} rows")


# --- the compliance summary: alleged violations -------------------------------------------------


def render_tally(tally: Tally) -> str:
    headers = [
        "Governorate",
        *(c.capitalize() for c in SIDE_COLUMNS),
        "Total",
        "Deaths",
        "Vs excluded",
    ]
    body = [_cells(row) for row in _rows(tally)]
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


def _rows(tally: Tally) -> list[TallyRow]:
    return sorted(tally.rows.values(), key=lambda r: (-r.total, r.governorate))


def _cells(row: TallyRow) -> list[str]:
    figures = [*(row.by_side.get(c, 0) for c in SIDE_COLUMNS), row.total, row.fatalities]
    return [row.governorate, *map(str, figures), str(row.against_excluded)]


def tally_plain(tally: Tally) -> dict[str, Any]:
    def row(r: TallyRow) -> dict[str, Any]:
        return {
            "governorate": r.governorate,
            "by_side": {c: r.by_side.get(c, 0) for c in SIDE_COLUMNS},
            "total": r.total,
            "deaths": r.fatalities,
            "vs_excluded": r.against_excluded,
            "vs_disputed_excluded": r.against_disputed_excluded,
        }

    return {
        "counts": ALLEGED_LABEL,
        "counting_rule": tally.counting_rule,
        "agreement": tally.agreement_id,
        "start": tally.start.isoformat(),
        "end": tally.end.isoformat(),
        "rows": [row(r) for r in _rows(tally)],
        "totals": row(tally.totals()),
        "not_counted": {
            "outside_period": tally.outside_period,
            "straddling_period": tally.straddling_period,
            "not_prohibited": tally.not_prohibited,
        },
        "unresolved_actors": dict(sorted(tally.unresolved_actors.items())),
    }


# --- each guarantor's tally for a day: judged violations -----------------------------------------


def _counting(tallies: list[GuarantorTally]) -> str:
    return tallies[0].counting.value if tallies else "incident"


def render_guarantor_tallies(tallies: list[GuarantorTally], day: date) -> str:
    lines = [
        f"Violations recorded on {day.isoformat()}, by each guarantor's side "
        f"(counting: one per {_counting(tallies)})"
    ]
    for t in tallies:
        areas = ", ".join(f"{area} {n}" for area, n in sorted(t.by_governorate.items())) or "none"
        lines.append(
            f"  {t.guarantor} (answers for the {t.side} side): {t.total} — {areas}; "
            f"other side confirmed {len(t.confirmed)}, cannot confirm {len(t.cannot_confirm)}"
        )
    return "\n".join(lines)


def guarantor_tallies_plain(tallies: list[GuarantorTally], day: date) -> dict[str, Any]:
    counting = _counting(tallies)
    return {
        "counts": (
            f"incidents judged a violation (or undetermined, or a contested exclusion) that the "
            f"side a guarantor answers for is held to, one per {counting}, split by whether "
            "the other side's sources report them too"
        ),
        "day": day.isoformat(),
        "counting": counting,
        "guarantors": [
            {
                "guarantor": t.guarantor,
                "side": t.side,
                "total": t.total,
                "by_governorate": dict(sorted(t.by_governorate.items())),
                "confirmed": t.confirmed,
                "cannot_confirm": t.cannot_confirm,
            }
            for t in tallies
        ],
    }


# --- the demo -----------------------------------------------------------------------------------


def echo_demo(run: DemoRun) -> None:
    loaded = run.scenario
    click.echo(
        f"2. scenario {loaded.scenario}: {loaded.agreements} agreements, {loaded.members} "
        f"members, {loaded.actors} actors, {loaded.zones} zones"
    )
    click.echo("3. sample corpus (ACLED layout):")
    echo_import(run.sample.imported, indent="   ")
    click.echo(
        f"4. {run.texts} party and monitor texts read: {run.sample.extracted} report(s) extracted"
    )
    click.echo(f"5. fusion, {run.fusion.line()}")
    click.echo("6. findings: " + ", ".join(f"{k} {v}" for k, v in run.findings.items()))
    click.echo("7. compliance summary:\n")
    click.echo(render_tally(run.tally))
    click.echo("\n8. " + render_guarantor_tallies(run.tallies, run.day))
    click.echo("\n9. Wadi Barada findings:")
    for incident, finding in run.wadi_barada:
        click.echo(
            f"   {incident.date_start} {incident.location_name}: {finding.category.value}, "
            f"{len(incident.report_ids)} report(s), "
            f"{finding.occurrence.value}/{finding.attribution.value}"
        )
        click.echo(f"     because {'; '.join(finding.reasons[:2])}")
    click.echo("\n10. The joint mechanism:")
    for line in run.mechanism:
        click.echo(f"   {line}")
