"""Every way a document comes in checks its name by the one rule (issue 11, item 17): the API
and the page (tests/e2e/test_upload_names.py), and the services the CLI and imports use, which
refuse a bad name before anything is stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from truce import scenarios
from truce.domain.access import OPERATIONS_CENTRE
from truce.domain.errors import InputRejected
from truce.services import import_dataset
from truce.services.extraction import ingest_document, resources_for
from truce.store.uow import UnitOfWork

NOW = datetime(2017, 3, 1, 12, 0, tzinfo=UTC)
LIMIT = 10 * 1024 * 1024
NOTE = b"On 9 January 2017, regime forces shelled Kafr Zita, killing 3 civilians."
BAD = ["a\x00b.txt", "two\nlines.txt", "gnp.\u202etxt", "x" * 300, "/home/me/witness-WB1.txt"]


@pytest.mark.parametrize("name", BAD, ids=repr)
def test_ingest_and_import_refuse_a_bad_name_and_store_nothing(engine: Engine, name: str) -> None:
    sample = scenarios.load("astana-2016").sample_acled
    with UnitOfWork(engine) as uow:
        with pytest.raises(InputRejected, match="refusing the file name"):
            ingest_document(
                uow=uow,
                who=OPERATIONS_CENTRE,
                content=NOTE,
                filename=name,
                now=NOW,
                max_bytes=LIMIT,
                resources=resources_for(),
            )
        with pytest.raises(InputRejected, match="refusing the file name"):
            import_dataset(
                uow=uow,
                who=OPERATIONS_CENTRE,
                fmt="acled",
                content=sample,
                filename=name,
                now=NOW,
                max_bytes=LIMIT,
            )
    with UnitOfWork(engine) as uow:
        assert uow.documents.count() == 0
