"""Turning each found event into a Report whose every field points at its text and confidence."""

from __future__ import annotations

import re
from typing import Any

from truce.domain.reports import ActorRole, Provenance, Report, SourceRef, Span
from truce.domain.vocab import COUNTRY_BY_NAME, SUB_EVENT_CODING, ActorRoleKind, DatePrecision
from truce.extract.casualties import total
from truce.extract.dates import REVIEW_DATE_UNKNOWN
from truce.extract.doc import Doc, Event, Match
from truce.extract.pipeline import stage
from truce.extract.resources import Resources
from truce.gazetteer.model import Place

COUNTRY_NAMES = {
    "SYR": "Syria",
    "KAZ": "Kazakhstan",
    "CHE": "Switzerland",
    "RUS": "Russia",
    "TUR": "Turkey",
    "IRN": "Iran",
    "LBN": "Lebanon",
    "JOR": "Jordan",
    "IRQ": "Iraq",
    "ISR": "Israel",
}
_ARABIC = re.compile(r"[\u0600-\u06FF]")
DATASET = "text"


@stage("assemble", 1, requires=["events", "roles", "meta", "published"], assigns=["reports"])
def assemble(doc: Doc, res: Resources) -> None:
    language = doc.meta.language or _language(doc.body)
    for number, event in enumerate(doc.events, start=1):
        report = build_report(doc, event, number, language)
        if report is not None:
            doc.reports.append(report)


def _language(text: str) -> str:
    letters = [ch for ch in text if ch.isalpha()]
    arabic = sum(1 for ch in letters if _ARABIC.match(ch))
    return "ar" if letters and arabic / len(letters) > 0.3 else "en"


class _Spans:
    """The spans of one report, relative to its excerpt of the text; matches outside it get none."""

    def __init__(self, first: int, last: int) -> None:
        self.first, self.last = first, last
        self.found: dict[str, Span] = {}

    def mark(self, key: str, match: Match | None, confidence: float) -> None:
        if match is not None and self.first <= match.start and match.end <= self.last:
            self.found[key] = Span(
                start=match.start - self.first,
                end=match.end - self.first,
                confidence=round(confidence, 2),
            )


def build_report(doc: Doc, event: Event, number: int, language: str) -> Report | None:
    date = event.date
    if date is None:
        doc.dropped.append((event.trigger, "no date: give the publication date (--published)"))
        return None
    first = doc.sentences[event.sentences[0]][0]
    last = doc.sentences[max(event.sentences)][1]
    spans = _Spans(first, last)
    # Marked in the order a reader meets the fields, which is the order they are stored in.
    actors = _actors(event, spans)
    spans.mark("location", event.place, event.place.score if event.place else 0)
    if date.start >= 0:
        spans.mark("date", _as_match(date.start, date.end), date.score)
    spans.mark("event_type", event.trigger, event.score)
    casualties = _casualties(event, spans)
    weapons = _weapons(event, spans)
    if event.attribution is not None:
        spans.mark("attribution", event.attribution, event.attribution.score)
    report = Report(
        date_start=date.date_start,
        date_end=date.date_end,
        date_precision=date.precision,
        **_place(event.place.value if event.place else None),
        actors=actors,
        **_coding(event, actors),
        weapons=weapons,
        tags=(REVIEW_DATE_UNKNOWN,) if date.precision is DatePrecision.UNKNOWN else (),
        **casualties,
        sources=(_source(doc, language),),
        attribution=event.attribution.value if event.attribution else None,
        notes=doc.body[first:last],
        language=language,
        spans=spans.found,
        provenance=Provenance(
            dataset=DATASET,
            dataset_id=f"{doc.meta.document_id or doc.meta.label}#{number}",
            extras={
                "text.offset": str(first),
                "text.pipeline": str(doc.cache.get("pipeline", "")),
                **_counter_claim(doc, event),
            },
        ),
    )
    return report.with_content_id()


def _counter_claim(doc: Doc, event: Event) -> dict[str, str]:
    """A denial told beside the act ("... and denied that any JFS members were in the area"),
    kept with the report as the other side's claim: the act stands, the denial is on record."""
    claims = doc.cache.get("counter-claims", {})
    found = [doc.body[slice(*claims[i])].strip() for i in event.sentences if i in claims]
    return {"text.counter_claim": " / ".join(found)} if found else {}


def _actors(event: Event, spans: _Spans) -> tuple[ActorRole, ...]:
    actors: list[ActorRole] = []
    targets = (
        sorted(event.targets, key=lambda m: (m.value.side != "civilians", m.start))
        if (event.event_type == "Violence against civilians")
        else sorted(event.targets, key=lambda m: m.start)
    )
    # The first actor on each side of the event is its actor; the others are associated, as in
    # ACLED.
    for main, extra, matches in (
        (ActorRoleKind.PERPETRATOR, ActorRoleKind.ASSOCIATED_A, event.perpetrators),
        (ActorRoleKind.TARGET, ActorRoleKind.ASSOCIATED_B, targets),
    ):
        for k, m in enumerate(matches):
            ref = m.value
            spans.mark(f"actors.{len(actors)}", m, m.score)
            role = main if k == 0 else extra
            actors.append(
                ActorRole(
                    name=ref.name,
                    role=role,
                    actor_id=ref.actor_id,
                    inter=ref.inter,
                    side=ref.side,
                    family=ref.family,
                )
            )
    return tuple(actors)


def _casualties(event: Event, spans: _Spans) -> dict[str, int | None]:
    killed = total(event.casualties, "killed")
    killed_high = total(event.casualties, "killed", highest=True)
    for c in event.casualties:
        spans.mark(
            "fatalities" if c.outcome == "killed" else "injured",
            _as_match(c.start, c.end),
            0.6 if c.vague else 0.8,
        )
    return {
        "fatalities_low": killed,
        "fatalities_best": killed,
        "fatalities_high": killed_high
        if killed_high is not None and killed is not None and killed_high >= killed
        else killed,
        "deaths_civilians": total(
            [c for c in event.casualties if c.group == "civilians"], "killed"
        ),
        "injured": total(event.casualties, "injured"),
    }


def _weapons(event: Event, spans: _Spans) -> tuple[str, ...]:
    for k, w in enumerate(dict((w.value, w) for w in event.weapons).values()):
        spans.mark(f"weapons.{k}", w, w.score)
    return tuple(dict.fromkeys(w.value for w in event.weapons))


def _place(place: Place | None) -> dict[str, Any]:
    if place is None:
        return {}
    country_name = COUNTRY_NAMES.get(place.country, place.country)
    country = COUNTRY_BY_NAME.get((country_name or "").lower())
    return {
        "location_name": place.name,
        "admin1": place.admin1,
        "admin2": place.admin2,
        "country": country_name,
        "country_iso": country.iso_numeric if country else None,
        "region": country.region if country else None,
        "lat": round(place.lat, 4),
        "lon": round(place.lon, 4),
        "location_precision": place.precision,
    }


def _coding(event: Event, actors: tuple[ActorRole, ...]) -> dict[str, Any]:
    coding = SUB_EVENT_CODING[event.sub_event_type]
    civilians_hit = any(a.side == "civilians" for a in actors if a.role is ActorRoleKind.TARGET)
    return {
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "civilian_targeting": event.event_type == "Violence against civilians" and civilians_hit,
        "plover_event": coding.plover_event,
        "plover_mode": coding.plover_mode,
        "cameo_code": coding.cameo_code,
    }


def _source(doc: Doc, language: str) -> SourceRef:
    return SourceRef(
        name=doc.meta.publisher or "unknown publisher",
        url=doc.meta.url,
        published=doc.published.isoformat() if doc.published else None,
        headline=doc.meta.title,
        language=language,
    )


def _as_match(start: int, end: int) -> Match:
    return Match(start, end, None, 1.0)
