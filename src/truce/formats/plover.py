"""PLOVER JSON lines (the POLECAT event format), read and written."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from truce.domain.errors import TruceError
from truce.domain.reports import ActorRole, Provenance, Report
from truce.domain.vocab import SUB_EVENT_CODING, ActorRoleKind, DatePrecision
from truce.formats.common import Loss, ReadResult, RowError, WriteResult, present_fields

DATASET = "PLOVER"
REQUIRED = ("id", "date", "actor", "event")
CARRIED = {
    "date_start",
    "date_end",
    "date_precision",
    "location_name",
    "admin1",
    "country",
    "lat",
    "lon",
    "actors",
    "plover_event",
    "plover_mode",
    "plover_context",
    "cameo_code",
    "notes",
    "fatalities_best",
    "injured",
    "arrested",
    "event_type",
    "sub_event_type",
}


def read_plover(text: str) -> ReadResult:
    result = ReadResult(layout="plover")
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            result.rejected.append(RowError(line_no, None, f"not JSON: {exc.msg}"))
            continue
        ident = record.get("id") if isinstance(record, dict) else None
        try:
            result.reports.append(_read_record(record))
        except (TruceError, ValueError) as exc:
            result.rejected.append(RowError(line_no, str(ident) if ident else None, str(exc)))
    return result


def _read_record(record: Any) -> Report:
    if not isinstance(record, dict):
        raise ValueError("a PLOVER record is a JSON object")
    missing = [k for k in REQUIRED if not record.get(k)]
    if missing:
        raise ValueError(f"{missing[0]}: required PLOVER field is missing")
    try:
        day = date.fromisoformat(str(record["date"])[:10])
    except ValueError:
        raise ValueError(f"date: {record['date']!r} is not a valid date") from None
    actors = [ActorRole(name=str(record["actor"]), role=ActorRoleKind.PERPETRATOR)]
    if record.get("recipient"):
        actors.append(ActorRole(name=str(record["recipient"]), role=ActorRoleKind.TARGET))
    place = record.get("event_loc") or {}
    size = record.get("size") or {}
    context = record.get("context") or ()
    if isinstance(context, str):
        context = (context,)
    report = Report(
        date_start=day,
        date_end=day,
        date_precision=DatePrecision.DAY,
        location_name=place.get("name"),
        admin1=place.get("admin1"),
        country=place.get("country"),
        lat=place.get("lat"),
        lon=place.get("lon"),
        actors=tuple(actors),
        event_type=record.get("acled_event_type"),
        sub_event_type=record.get("acled_sub_event_type"),
        plover_event=str(record["event"]).upper(),
        plover_mode=record.get("mode"),
        plover_context=tuple(context),
        cameo_code=record.get("cameo"),
        notes=record.get("event_text"),
        fatalities_best=size.get("dead"),
        injured=size.get("injured"),
        arrested=size.get("arrested"),
        provenance=Provenance(dataset=DATASET, dataset_id=str(record["id"])),
    )
    return report.with_content_id()


def write_plover(reports: list[Report]) -> WriteResult:
    lines, losses = [], []
    for number, report in enumerate(reports, start=1):
        record, lost = _record(report)
        losses += [Loss(number, report.id, f, why) for f, why in lost]
        if lost:
            record["truce_lost"] = sorted({f for f, _ in lost})
        lines.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
    return WriteResult(text="".join(line + "\n" for line in lines), rows=len(lines), losses=losses)


def _record(report: Report) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    coding = SUB_EVENT_CODING.get(report.sub_event_type or "")
    event = report.plover_event or (coding.plover_event if coding else None)
    mode = report.plover_mode or (coding.plover_mode if coding else None)
    cameo = report.cameo_code or (coding.cameo_code if coding else None)
    actor = report.first_actor(ActorRoleKind.PERPETRATOR) or report.first_actor(
        ActorRoleKind.SIDE_A
    )
    recipient = report.first_actor(ActorRoleKind.TARGET) or report.first_actor(ActorRoleKind.SIDE_B)
    dead = report.fatalities_best if report.fatalities_best is not None else report.fatalities_low
    record: dict[str, Any] = {
        "id": report.provenance.dataset_id if report.provenance.dataset == DATASET else report.id,
        "date": report.date_start.isoformat(),
        "actor": actor.name if actor else "",
        "event": event or "",
    }
    if recipient:
        record["recipient"] = recipient.name
    place = _present(
        name=report.location_name,
        admin1=report.admin1,
        country=report.country,
        lat=report.lat,
        lon=report.lon,
    )
    size = _present(dead=dead, injured=report.injured, arrested=report.arrested)
    optional = {
        "mode": mode,
        "context": list(report.plover_context),
        "cameo": cameo,
        "event_text": report.notes,
        "acled_event_type": report.event_type,
        "acled_sub_event_type": report.sub_event_type,
        "event_loc": place,
        "size": size,
    }
    record.update({key: value for key, value in optional.items() if value})
    return record, _losses(report, event=event, dead=dead, written=(actor, recipient))


def _present(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _losses(
    report: Report,
    *,
    event: str | None,
    dead: int | None,
    written: tuple[ActorRole | None, ActorRole | None],
) -> list[tuple[str, str]]:
    lost: list[tuple[str, str]] = []
    if report.date_precision is not DatePrecision.DAY:
        reason = f"PLOVER dates are days; {report.date_precision} written as its first day"
        lost.append(("date_precision", reason))
    if not event:
        lost.append(("plover_event", "no PLOVER category is known for this event"))
    if any(v not in (None, dead) for v in (report.fatalities_low, report.fatalities_high)):
        lost.append(("fatalities", "PLOVER keeps one death figure"))
    for name in sorted(present_fields(report) - CARRIED - {"fatalities_low", "fatalities_high"}):
        lost.append((name, "PLOVER has no field for it"))
    for other in report.actors:
        if all(other is not kept for kept in written):
            reason = (
                f"PLOVER holds one actor and one recipient; {other.name!r} ({other.role}) dropped"
            )
            lost.append(("actors", reason))
    return lost
