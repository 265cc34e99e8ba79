"""The sources Truce knows: their affiliation, kind, reliability and protection, read from
the store (loaded with the scenario), once per use case."""

from __future__ import annotations

from truce.assess.grading import SourceBook
from truce.domain.actors import normalise_name
from truce.store.uow import UnitOfWork


def source_book(*, uow: UnitOfWork) -> SourceBook:
    """The source book, read once per unit of work."""
    if "source_book" not in uow.memo:
        held = uow.sources.all()
        uow.memo["source_book"] = SourceBook([s for s, _ in held], {s.id: a for s, a in held})
    book: SourceBook = uow.memo["source_book"]
    return book


def affiliations(*, uow: UnitOfWork) -> dict[str, str]:
    """Each partisan source's side, under every name it goes by (normalised), for fusion.
    A source not in the book has no side: fusion never guesses one."""
    return {
        normalise_name(name): source.affiliation
        for source, aliases in uow.sources.all()
        if source.affiliation
        for name in (source.name, *aliases)
    }
