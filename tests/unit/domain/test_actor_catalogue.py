"""Families, and a country's catalogue of actors completing a scenario's without sides."""

from __future__ import annotations

import pytest

from truce.domain.actors import Actor, ActorFamily, ActorRegistry, with_catalogue
from truce.domain.errors import ValidationFailed


def actor(id: str, **fields: object) -> Actor:
    base: dict[str, object] = {"name": id.upper(), "kind": "rebel_group", "inter": 2}
    return Actor(id=id, **{**base, **fields})


def test_the_families_are_the_shared_vocabulary() -> None:
    assert {f.value for f in ActorFamily} == {
        "state forces",
        "pro-government militias",
        "rebels",
        "IS",
        "SDF",
        "external forces",
        "unidentified",
        "civilians",
    }


def test_an_unknown_family_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        actor("x", family="Islamists")
    assert caught.value.field == "family"


def test_family_is_inherited_from_the_nearest_ancestor() -> None:
    registry = ActorRegistry(
        [
            actor("sdf", family="SDF"),
            actor("council", parent="sdf"),
            actor("ypj", parent="council", family="SDF"),
            actor("loose"),
        ]
    )
    assert registry.family_of("council") is ActorFamily.SDF
    assert registry.family_of("loose") is None
    assert registry.family_of("nobody") is None


def test_the_scenario_keeps_what_it_states_and_gains_family_and_aliases() -> None:
    scenario = [
        actor("fsa", name="Free Syrian Army", side="opposition"),
        actor("murad", name="Sultan Murad Division", side="opposition", parent="fsa"),
    ]
    catalogue = [
        actor("fsa", name="FSA catalogue name", family="rebels"),
        actor("sna", name="Syrian National Army", family="rebels", aliases=("SNA",)),
        actor("murad", parent="sna", family="rebels", aliases=("Sultan Murad",)),
    ]
    registry = ActorRegistry(with_catalogue(scenario, catalogue))
    murad = registry.get("murad")
    assert murad is not None
    assert (murad.name, murad.side, murad.parent) == ("Sultan Murad Division", "opposition", "fsa")
    assert murad.family is ActorFamily.REBELS
    assert registry.lookup("Sultan Murad") == murad
    assert registry.lookup("FSA catalogue name") == registry.get("fsa")  # an alias now
    # Not in the scenario: it comes in with no side, never a guessed one.
    assert registry.side_of("sna") is None
    assert registry.family_of("sna") is ActorFamily.REBELS


def test_a_name_the_scenario_gives_another_actor_stays_the_scenarios() -> None:
    scenario = [actor("isil", name="Islamic State", side="excluded", aliases=("IS",))]
    catalogue = [
        actor("isil", family="IS"),
        actor("is-cells", name="IS cells", aliases=("IS", "Daesh cells"), family="IS"),
    ]
    registry = ActorRegistry(with_catalogue(scenario, catalogue))
    assert registry.lookup("IS") == registry.get("isil")
    assert registry.lookup("Daesh cells") == registry.get("is-cells")


def test_a_catalogue_actor_with_a_side_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="sides belong to scenarios"):
        with_catalogue([], [actor("hts", side="excluded")])


def test_a_family_the_scenario_states_wins() -> None:
    scenario = [actor("tribe", kind="identity_militia", inter=4, family="pro-government militias")]
    merged = with_catalogue(scenario, [actor("tribe", family="unidentified")])
    assert merged[0].family is ActorFamily.PRO_GOVERNMENT_MILITIAS
