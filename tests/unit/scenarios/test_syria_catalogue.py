"""The Syria catalogue: actors of 2012 to today with their families, added to the Astana
scenario without changing any side it states."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from truce import scenarios
from truce.domain.actors import Actor, ActorFamily, ActorRegistry
from truce.domain.errors import NotFound

CATALOGUE = scenarios.catalogue("syria")
ASTANA = scenarios.load("astana-2016").actors
# The scenario's own file, as it was before any catalogue existed.
OWN = ActorRegistry(
    Actor.parse(a)
    for a in json.loads(
        resources.files("truce.scenarios.astana_2016").joinpath("actors.json").read_bytes()
    )
)
NO_FAMILY = {"shaitat-militia", "men-of-dignity"}  # local militias no family describes


def test_the_catalogue_is_a_valid_registry_with_no_sides() -> None:
    registry = ActorRegistry(CATALOGUE)  # unique IDs and names, known parents, no cycles
    assert len(registry) >= 110
    assert all(a.side is None for a in CATALOGUE)


def test_every_actor_has_a_family_of_its_own() -> None:
    # Evaluation reads `family` straight off the actor: none may rely on its parent's.
    missing = {a.id for a in ASTANA if a.family is None}
    assert missing == NO_FAMILY


def test_the_astana_scenario_keeps_every_side_it_states() -> None:
    for actor in OWN:
        assert ASTANA.side_of(actor.id) == OWN.side_of(actor.id), actor.id
        kept = ASTANA.get(actor.id)
        assert kept is not None
        assert (kept.name, kept.kind, kept.parent, kept.inter) == (
            actor.name,
            actor.kind,
            actor.parent,
            actor.inter,
        )
        assert set(actor.aliases) <= set(kept.aliases)
        for alias in actor.aliases:
            assert ASTANA.lookup(alias) == kept, alias


def test_the_astana_registry_holds_the_whole_catalogue() -> None:
    assert {a.id for a in CATALOGUE} <= {a.id for a in ASTANA}


@pytest.mark.parametrize(
    "name", ["Hurras al-Din", "Iran-backed militias", "Liwa al-Baqir", "PMF", "Jaysh al-Fatah"]
)
def test_actors_the_scenario_does_not_name_have_no_side(name: str) -> None:
    found = ASTANA.lookup(name)
    assert found is not None, name
    assert ASTANA.side_of(found.id) is None


def test_units_of_a_scenario_actor_take_its_side_through_their_parent() -> None:
    # The SNA is the Turkish-backed FSA's umbrella, the councils are the SDF's, the 5th
    # Corps is the army's: the side is the scenario's actor's, reached as for any unit.
    expected = {
        "Ahrar al-Sharqiya": "opposition",
        "Deir ez-Zor Military Council": "other",
        "5th Corps": "government",
        "Turkish border guards": "opposition",
    }
    for name, side in expected.items():
        found = ASTANA.lookup(name)
        assert found is not None, name
        assert OWN.get(found.id) is None
        assert ASTANA.side_of(found.id) == side, name


@pytest.mark.parametrize(
    ("name", "actor_id", "family"),
    [
        ("Military Forces of Syria (2000-)", "syr-military", "state forces"),
        ("QSD: Syrian Democratic Forces", "sdf", "SDF"),
        ("Military Forces of Turkey (2016-)", "tur-military", "external forces"),
        ("Military Forces of the United States (2021-)", "us-military", "external forces"),
        ("Deir ez-Zor Military Council", "deir-ez-zor-military-council", "SDF"),
        ("Al-Bab Military Council", "al-bab-military-council", "SDF"),
        ("Hamza Division", "hamza-division", "rebels"),
        ("Ahrar al-Sharqiya", "ahrar-al-sharqiya", "rebels"),
        ("Jaish al-Islam", "jaish-al-islam", "rebels"),
        ("Sham Legion", "faylaq-al-sham", "rebels"),
        ("Global Coalition", "us-led-coalition", "external forces"),
        ("Fatemiyoun", "fatemiyoun", "pro-government militias"),
        ("Zainabiyoun", "zainebiyoun", "pro-government militias"),
        ("Liwa al-Quds", "liwa-al-quds", "pro-government militias"),
        ("Hezbollah", "hezbollah", "pro-government militias"),
        ("Russian forces", "rus-military", "external forces"),
        ("Wagner Group", "wagner", "external forces"),
        ("Islamic State cells", "isil", "IS"),
        ("HTS", "hts", "rebels"),
        ("Hurras al-Din", "hurras-al-din", "rebels"),
        ("unidentified armed men", "unidentified-armed-group", "unidentified"),
        ("4th Division", "syr-4th-division", "state forces"),
        ("25th Division", "tiger-forces", "state forces"),
        ("Republican Guard", "syr-republican-guard", "state forces"),
        ("NDF", "ndf", "pro-government militias"),
        ("Military Security", "syr-intelligence", "state forces"),
        ("Air Force Intelligence", "syr-intelligence", "state forces"),
        ("Police Forces of Syria (2000-)", "syr-police", "state forces"),
        ("قسد", "sdf", "SDF"),
        ("الجيش الوطني السوري", "sna", "rebels"),
    ],
)
def test_names_of_every_period_resolve_with_their_family(
    name: str, actor_id: str, family: str
) -> None:
    found = ASTANA.lookup(name)
    assert found is not None, name
    assert found.id == actor_id
    assert found.family == ActorFamily(family)


def test_an_unknown_catalogue_is_named_in_the_error() -> None:
    with pytest.raises(NotFound, match="no actor catalogue 'iraq'; available: syria"):
        scenarios.catalogue("iraq")
