"""The CLI redacts like the API (issue 11, item 5): `truce export` and `truce incidents show`
run as a party's liaison (`--as`) show the protected witness as "protected source", its
district and coarse coordinates; as the operations centre (an analyst) they show everything.
The files they write are readable by their owner only (0600)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import NewStore, Store
from truce.cli import cli
from truce.domain.redaction import PROTECTED, mentions

WITNESS = ("Witness WB-1", "WB-1")
PLACE = "Ain al-Fijah"


@pytest.fixture(scope="module")
def store(demo_store: Store, new_store: NewStore) -> Iterator[Store]:
    with new_store("cli-protected", copy_of=demo_store) as copy:
        copy.engine.dispose()
        yield copy


def _truce(store: Store, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--database", store.url, *args])
    assert result.exit_code == 0, result.output + result.stderr
    return result


def _witness_incident(store: Store) -> tuple[str, float]:
    with store.uow() as uow:
        ids = [
            r.id for r in uow.reports.iter_current() if any(s.name in WITNESS for s in r.sources)
        ]
        (incident_id,) = uow.incidents.holding(ids)
        incident = uow.incidents.get(incident_id)
    assert incident.lat is not None
    return incident_id, incident.lat


def _witness_place(store: Store) -> tuple[str, str]:
    with store.uow() as uow:
        (report,) = [
            r for r in uow.reports.iter_current() if any(s.name in WITNESS for s in r.sources)
        ]
    return str(report.lat), str(report.lon)


@pytest.mark.parametrize("fmt", ["acled", "geojson", "ucdp", "plover"])
def test_export_as_a_liaison_is_redacted(store: Store, fmt: str) -> None:
    lat, lon = _witness_place(store)
    out = _truce(store, "export", fmt, "--as", "gov-liaison").stdout
    assert not mentions(out, WITNESS) and lat not in out and lon not in out
    assert PROTECTED in out
    full = _truce(store, "export", fmt).stdout  # the operations centre: an analyst
    assert mentions(full, WITNESS) and lat in full


def test_incidents_show_as_a_liaison_is_redacted(store: Store) -> None:
    incident_id, lat = _witness_incident(store)
    for args in ([], ["--json"]):
        out = _truce(store, "incidents", "show", incident_id, *args, "--as", "gov-liaison").stdout
        assert not mentions(out, WITNESS) and str(lat) not in out, out
        full = _truce(store, "incidents", "show", incident_id, *args).stdout
        assert str(lat) in full
        if args:  # the JSON form holds the reports too
            assert mentions(full, WITNESS) and PLACE in full
            assert PROTECTED in out and PLACE not in out
    shown = json.loads(
        _truce(store, "incidents", "show", incident_id, "--json", "--as", "us-observer").stdout
    )
    assert shown["incident"]["lat"] == round(lat, 1)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_written_are_private(store: Store, tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask, which would make files world-readable
    try:
        export = tmp_path / "reports.csv"
        _truce(store, "export", "acled", "--out", str(export))
        incidents = tmp_path / "incidents.geojson"
        _truce(store, "incidents", "export", "--format", "geojson", "--out", str(incidents))
        bundle = tmp_path / "bundle"
        _truce(store, "ledger", "export", str(bundle))
    finally:
        os.umask(old)
    written = [export, incidents, *bundle.iterdir()]
    losses = tmp_path / "reports.csv.losses.csv"
    if losses.exists():
        written.append(losses)
    assert len(written) >= 4
    assert {p.name: _mode(p) for p in written} == {p.name: 0o600 for p in written}


def test_an_existing_file_is_narrowed_to_0600(store: Store, tmp_path: Path) -> None:
    export = tmp_path / "reports.csv"
    export.write_text("old")
    export.chmod(0o644)
    _truce(store, "export", "geojson", "--out", str(export))
    assert _mode(export) == 0o600 and export.read_text() != "old"
