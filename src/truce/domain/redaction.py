"""Source protection: what people outside the mechanism's analysts see of a protected source.

A protected source (a witness, an informant) is shown as "protected source", and the
place it reported from is coarsened to its district: the district's name, coordinates
rounded to a tenth of a degree (about 11 km), precision 3 (second-order administrative
division, UCDP's scale). Its names, and the exact place's name, are also cut out of the
text and the quoted attribution, and the text spans are dropped: they could point back
at either.

Names are matched on a normalised form, not as written: Unicode compatibility forms,
case, accents, every kind of dash and hyphen, spaces and their absence all fold away, so
"WB1", "wb 1", "WB‑1" (non-breaking hyphen) and "WB-1's" are all WB-1. A report is
protected when any of its sources *or any of its text* names a protected source: a report
from an open source quoting the witness is as dangerous as the witness's own. When in
doubt, protect.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from truce.domain.incidents import FieldClaim, Incident
from truce.domain.reports import Report, SourceRef

PROTECTED = "protected source"
DISTRICT_PRECISION = 3
_PLACE_FIELDS = ("location_name", "admin3", "lat", "lon")


# --- matching names on their normalised form --------------------------------------------


def _folded(char: str) -> str:
    """One character as matching sees it: NFKC, case folded, accents dropped; "" for anything
    that is not a letter or digit (dashes of every kind, spaces, apostrophes, brackets)."""
    out = []
    for c in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char).casefold()):
        if unicodedata.combining(c):
            continue
        if c.isalnum():
            out.append(c)
    return "".join(out)


def normalise_name(name: str) -> str:
    """The key names are compared on: letters and digits only, folded. "WB-1", "WB‑1",
    "wb 1" and "WB1" all give "wb1"."""
    return "".join(_folded(c) for c in name)


@dataclass(frozen=True)
class _Folded:
    """A text folded for matching, with where each folded character came from."""

    chars: str  # letters and digits, folded
    origin: tuple[int, ...]  # index in the original text of each folded character
    ends: tuple[int, ...]  # index just after it in the original text
    starts: frozenset[int]  # folded positions where a word starts

    @classmethod
    def of(cls, text: str) -> _Folded:
        chars: list[str] = []
        origin: list[int] = []
        ends: list[int] = []
        starts: set[int] = set()
        gap = True
        for index, char in enumerate(text):
            folded = _folded(char)
            if not folded:
                gap = True
                continue
            for c in folded:
                # A word starts after a separator, and where letters turn to digits or back
                # ("WB1": "wb" then "1"), so that "WB1" in "AWB1" or "WB10" is not a match.
                previous = chars[-1] if chars else ""
                if gap or previous.isdigit() != c.isdigit():
                    starts.add(len(chars))
                gap = False
                chars.append(c)
                origin.append(index)
                ends.append(index + 1)
        starts.add(len(chars))  # the end of the text ends a word
        return cls("".join(chars), tuple(origin), tuple(ends), frozenset(starts))


def find_mentions(text: str | None, names: Iterable[str]) -> list[tuple[int, int]]:
    """Where `text` names any of `names`, as (start, end) spans of the original text: whole
    words only, longest first, never overlapping, in order."""
    if not text:
        return []
    keys = sorted({k for k in (normalise_name(n) for n in names) if k}, key=len, reverse=True)
    if not keys:
        return []
    folded = _Folded.of(text)
    taken: list[tuple[int, int]] = []  # folded spans
    for key in keys:
        at = folded.chars.find(key)
        while at != -1:
            end = at + len(key)
            whole = at in folded.starts and end in folded.starts
            if whole and not any(a < end and at < b for a, b in taken):
                taken.append((at, end))
            at = folded.chars.find(key, at + 1)
    return sorted((folded.origin[a], folded.ends[b - 1]) for a, b in taken)


def mentions(text: str | None, names: Iterable[str]) -> bool:
    """Whether the text names any of the names, however it writes them."""
    return bool(find_mentions(text, names))


def scrub(text: str | None, names: Collection[str], by: str = PROTECTED) -> str | None:
    """The text with every mention of the names replaced by `by`."""
    if not text:
        return text
    spans = find_mentions(text, names)
    for start, end in reversed(spans):
        text = text[:start] + by + text[end:]
    return text


# --- reports and incidents ----------------------------------------------------------------


def _texts(value: Any) -> Iterable[str]:
    """Every string in a plain structure (a report's JSON form)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def mentioned_anywhere(value: Any, names: Collection[str]) -> bool:
    """Whether any string in a plain structure (a record's JSON form) names any of the names."""
    return bool(names) and any(mentions(text, names) for text in _texts(value))


def _named_sources(report: Report, confidential: Callable[[str], bool]) -> bool:
    return any(confidential(s.name) for s in report.sources)


def is_protected(
    report: Report, confidential: Callable[[str], bool], protected: Collection[str] = ()
) -> bool:
    """Whether the report must be redacted: one of its sources is protected, or anything it
    says (text, attribution, source headlines, provenance) names a protected source."""
    if _named_sources(report, confidential):
        return True
    return mentioned_anywhere(report.model_dump(mode="json", exclude={"id", "spans"}), protected)


def _scrub_source(source: SourceRef, names: Collection[str]) -> SourceRef:
    return source.model_copy(
        update={
            "headline": scrub(source.headline, names),
            "citation": scrub(source.citation, names),
            "original": scrub(source.original, names),
        }
    )


def redact_report(
    report: Report,
    confidential: Callable[[str], bool],
    aliases: Callable[[str], Collection[str]],
    protected: Collection[str] = (),
    document_ref: Callable[[str], str] | None = None,
) -> Report:
    """The report as seen by someone who may not see protected sources. `aliases` gives
    every name a source goes by, so that none of them survives in the text; `protected` is
    every name of every protected source, so that a report quoting one is redacted too;
    `document_ref` turns the raw document hash into the identifier outsiders see."""
    if not is_protected(report, confidential, protected):
        return report
    names = {
        n for s in report.sources if confidential(s.name) for n in (s.name, *aliases(s.name)) if n
    } | set(protected)
    sources = tuple(
        SourceRef(name=PROTECTED) if confidential(s.name) else _scrub_source(s, names)
        for s in report.sources
    )
    district = report.admin2 or report.admin1
    places = {p for p in (report.location_name, report.admin3) if p and p != district}
    update: dict[str, Any] = {}
    if document_ref is not None and report.document_id:
        update = _keyed_document(report, document_ref)
    return report.evolve(
        sources=sources,
        notes=scrub(scrub(report.notes, places, district or "the district"), names),
        attribution=scrub(report.attribution, names),
        location_name=district,
        admin3=None,
        lat=_coarse(report.lat),
        lon=_coarse(report.lon),
        location_precision=max(report.location_precision or DISTRICT_PRECISION, DISTRICT_PRECISION),
        # Spans would point at the source or the place, and no longer fit the scrubbed text.
        spans={},
        **update,
    )


def _keyed_document(report: Report, document_ref: Callable[[str], str]) -> dict[str, Any]:
    """The raw document hash, wherever the report carries it (its document and the data set
    ID extraction derives from it), replaced by the keyed identifier."""
    raw = report.document_id or ""
    keyed = document_ref(raw)
    provenance = report.provenance
    dataset_id = provenance.dataset_id
    if dataset_id and raw and raw in dataset_id:
        dataset_id = dataset_id.replace(raw, keyed)
    elif dataset_id and raw and raw[:16] in dataset_id:
        dataset_id = dataset_id.replace(raw[:16], keyed[:16])
    return {
        "document_id": keyed,
        "provenance": provenance.model_copy(update={"dataset_id": dataset_id}),
    }


def _coarse(lat: float | None) -> float | None:
    return round(lat, 1) if lat is not None else None


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
