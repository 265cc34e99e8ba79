"""Turning each found event into a Report whose every field points at its text and confidence."""

from __future__ import annotations

import re

from truce.domain.reports import ActorRole, Provenance, Report, SourceRef, Span
from truce.domain.vocab import COUNTRY_BY_NAME, SUB_EVENT_CODING, ActorRoleKind
from truce.extract.casualties import total
from truce.extract.doc import Doc, Event, Match
from truce.extract.pipeline import stage
from truce.extract.resources import Resources

COUNTRY_NAMES = {"SYR": "Syria", "KAZ": "Kazakhstan", "CHE": "Switzerland", "RUS": "Russia", "TUR": "Turkey",
                 "IRN": "Iran", "LBN": "Lebanon", "JOR": "Jordan", "IRQ": "Iraq", "ISR": "Israel"}  # fmt: skip
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


def build_report(doc: Doc, event: Event, number: int, language: str) -> Report | None:
    if event.date is None:
        doc.dropped.append((event.trigger, "no date: give the publication date (--published)"))
        return None
    first = doc.sentences[event.sentences[0]][0]
    last = doc.sentences[max(event.sentences)][1]
    excerpt = doc.body[first:last]
    spans: dict[str, Span] = {}

    def mark(key: str, match: Match | None, confidence: float) -> None:
        if match is not None and first <= match.start and match.end <= last:
            spans[key] = Span(
                start=match.start - first, end=match.end - first, confidence=round(confidence, 2)
            )

    actors: list[ActorRole] = []
    targets = sorted(event.targets, key=lambda m: (m.value.side != "civilians", m.start)) if (
        event.event_type == "Violence against civilians") else sorted(event.targets, key=lambda m: m.start)  # fmt: skip
    # The first actor on each side of the event is its actor; the others are associated, as in ACLED.
    for main, extra, matches in (
        (ActorRoleKind.PERPETRATOR, ActorRoleKind.ASSOCIATED_A, event.perpetrators),
        (ActorRoleKind.TARGET, ActorRoleKind.ASSOCIATED_B, targets),
    ):
        for k, m in enumerate(matches):
            ref = m.value
            mark(f"actors.{len(actors)}", m, m.score)
            role = main if k == 0 else extra
            actors.append(
                ActorRole(
                    name=ref.name, role=role, actor_id=ref.actor_id, inter=ref.inter, side=ref.side
                )
            )
    place = event.place.value if event.place else None
    mark("location", event.place, event.place.score if event.place else 0)
    date = event.date
    if date.start >= 0:
        mark("date", _as_match(date.start, date.end), date.score)
    mark("event_type", event.trigger, event.score)
    killed = total(event.casualties, "killed")
    killed_high = total(event.casualties, "killed", highest=True)
    injured = total(event.casualties, "injured")
    civilians = total([c for c in event.casualties if c.group == "civilians"], "killed")
    for c in event.casualties:
        mark(
            "fatalities" if c.outcome == "killed" else "injured",
            _as_match(c.start, c.end),
            0.6 if c.vague else 0.8,
        )
    weapons = tuple(dict.fromkeys(w.value for w in event.weapons))
    for k, w in enumerate(dict((w.value, w) for w in event.weapons).values()):
        mark(f"weapons.{k}", w, w.score)
    if event.attribution is not None:
        mark("attribution", event.attribution, event.attribution.score)
    coding = SUB_EVENT_CODING[event.sub_event_type]
    country_name = COUNTRY_NAMES.get(place.country, place.country) if place else None
    country = COUNTRY_BY_NAME.get((country_name or "").lower())
    report = Report(
        date_start=date.date_start, date_end=date.date_end, date_precision=date.precision,
        location_name=place.name if place else None, admin1=place.admin1 if place else None,
        admin2=place.admin2 if place else None, country=country_name,
        country_iso=country.iso_numeric if country else None, region=country.region if country else None,
        lat=round(place.lat, 4) if place else None, lon=round(place.lon, 4) if place else None,
        location_precision=place.precision if place else None,
        actors=tuple(actors), event_type=event.event_type, sub_event_type=event.sub_event_type,
        civilian_targeting=event.event_type == "Violence against civilians"
        and any(a.side == "civilians" for a in actors if a.role is ActorRoleKind.TARGET),
        plover_event=coding.plover_event, plover_mode=coding.plover_mode, cameo_code=coding.cameo_code,
        weapons=weapons, fatalities_low=killed, fatalities_best=killed,
        fatalities_high=killed_high if killed_high is not None and killed is not None and killed_high >= killed else killed,
        deaths_civilians=civilians, injured=injured,
        sources=(SourceRef(name=doc.meta.publisher or "unknown publisher", url=doc.meta.url,
                           published=doc.published.isoformat() if doc.published else None,
                           headline=doc.meta.title, language=language),),
        attribution=event.attribution.value if event.attribution else None,
        notes=excerpt, language=language, spans=spans,
        provenance=Provenance(dataset=DATASET, dataset_id=f"{doc.meta.document_id or doc.meta.label}#{number}",
                              extras={"text.offset": str(first), "text.pipeline": str(doc.cache.get("pipeline", ""))}),
    )  # fmt: skip
    return report.with_content_id()


def _as_match(start: int, end: int) -> Match:
    return Match(start, end, None, 1.0)
