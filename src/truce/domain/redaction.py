"""Source protection: what people outside the mechanism's analysts see of a protected source.

A protected source (a witness, an informant) is shown as "protected source", and the
place it reported from is coarsened to its district: the district's name, coordinates
rounded to a tenth of a degree (about 11 km), precision 3 (second-order administrative
division, UCDP's scale). Its names, and the exact place's name, are also cut out of the
text and the quoted attribution, and the text spans are dropped: they could point back
at either.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from truce.domain.incidents import FieldClaim, Incident
from truce.domain.reports import Report, SourceRef

PROTECTED = "protected source"
DISTRICT_PRECISION = 3
_PLACE_FIELDS = ("location_name", "admin3", "lat", "lon")


def _coarse(lat: float | None) -> float | None:
    return round(lat, 1) if lat is not None else None


def _scrub(text: str | None, names: Collection[str], by: str = PROTECTED) -> str | None:
    if not text:
        return text
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(re.escape(name), by, text, flags=re.IGNORECASE)
    return text


def is_protected(report: Report, confidential: Callable[[str], bool]) -> bool:
    return any(confidential(s.name) for s in report.sources)


def redact_report(
    report: Report, confidential: Callable[[str], bool], aliases: Callable[[str], Collection[str]]
) -> Report:
    """The report as seen by someone who may not see protected sources. `aliases` gives
    every name a source goes by, so that none of them survives in the text."""
    if not is_protected(report, confidential):
        return report
    names = {
        n for s in report.sources if confidential(s.name) for n in (s.name, *aliases(s.name)) if n
    }
    sources = tuple(
        SourceRef(name=PROTECTED) if confidential(s.name) else s for s in report.sources
    )
    district = report.admin2 or report.admin1
    places = {p for p in (report.location_name, report.admin3) if p and p != district}
    return report.evolve(
        sources=sources,
        notes=_scrub(_scrub(report.notes, places, district or "the district"), names),
        attribution=_scrub(report.attribution, names),
        location_name=district,
        admin3=None,
        lat=_coarse(report.lat),
        lon=_coarse(report.lon),
        location_precision=max(report.location_precision or DISTRICT_PRECISION, DISTRICT_PRECISION),
        # Spans would point at the source or the place, and no longer fit the scrubbed text.
        spans={},
    )


def redact_incident(
    incident: Incident, protected_reports: Collection[str], district: str | None
) -> Incident:
    """An incident some of whose reports are protected: its place coarsened like theirs, and
    their place claims dropped."""
    if not set(incident.report_ids) & set(protected_reports):
        return incident
    claims: dict[str, tuple[FieldClaim, ...]] = {}
    for field, values in incident.claims.items():
        if field in _PLACE_FIELDS:
            kept = tuple(c for c in values if not set(c.report_ids) & set(protected_reports))
            if kept:
                claims[field] = kept
        else:
            claims[field] = values
    return incident.evolve(
        location_name=district or incident.location_name,
        lat=_coarse(incident.lat),
        lon=_coarse(incident.lon),
        location_precision=max(
            incident.location_precision or DISTRICT_PRECISION, DISTRICT_PRECISION
        ),
        claims=claims,
    )
