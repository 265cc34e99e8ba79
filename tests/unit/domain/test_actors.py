"""The actor registry: exact lookup of names and aliases, sides through parents."""

from __future__ import annotations

import pytest

from truce.domain.actors import Actor, ActorRegistry, normalise_name
from truce.domain.errors import ValidationFailed


def actor(id: str, **fields: object) -> Actor:
    base: dict[str, object] = {"name": id.upper(), "kind": "rebel_group", "inter": 2}
    return Actor(id=id, **{**base, **fields})


def test_names_fold_case_accents_hyphens_and_apostrophes() -> None:
    assert normalise_name("Ahrar al-Sham") == normalise_name("ahrar al sham")
    assert normalise_name("Dar'a") == normalise_name("Dara")
    assert normalise_name("Jabhat Fateh al-Shām") == normalise_name("jabhat fateh al sham")
    assert normalise_name("  Jaysh  al-Islam ") == "jaysh al islam"


def test_lookup_by_name_or_alias() -> None:
    registry = ActorRegistry(
        [actor("ahrar", name="Ahrar al Sham", aliases=("Ahrar ash-Sham", "أحرار الشام"))]
    )
    assert registry.lookup("AHRAR AL-SHAM").id == "ahrar"  # type: ignore[union-attr]
    assert registry.lookup("ahrar ash sham").id == "ahrar"  # type: ignore[union-attr]
    assert registry.lookup("أحرار الشام").id == "ahrar"  # type: ignore[union-attr]
    assert registry.lookup("Jaish al-Islam") is None


def test_side_is_inherited_from_the_nearest_ancestor() -> None:
    registry = ActorRegistry(
        [
            actor("fsa", side="opposition"),
            actor("southern-front", parent="fsa"),
            actor("brigade", parent="southern-front"),
            actor("hts", side="excluded"),
        ]
    )
    assert registry.side_of("brigade") == "opposition"
    assert [a.id for a in registry.ancestors("brigade")] == ["southern-front", "fsa"]
    assert registry.side_of("hts") == "excluded"
    assert registry.side_of("nobody") is None


def test_a_name_claimed_twice_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="claimed by both"):
        ActorRegistry([actor("a", aliases=("Nusra",)), actor("b", aliases=("nusra",))])


def test_duplicate_ids_unknown_parents_and_cycles_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="registered twice"):
        ActorRegistry([actor("a"), actor("a", name="other")])
    with pytest.raises(ValidationFailed, match="unknown parent"):
        ActorRegistry([actor("a", parent="ghost")])
    with pytest.raises(ValidationFailed, match="its own ancestor"):
        ActorRegistry([actor("a", parent="b"), actor("b", parent="a")])


def test_inter_code_must_be_acled() -> None:
    with pytest.raises(ValidationFailed, match="inter"):
        actor("a", inter=9)
