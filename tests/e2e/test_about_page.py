"""The about page carries the credits the place data's licences ask for (issue 13)."""

from __future__ import annotations

import html

from tests.conftest import NewStore, Serve
from truce.gazetteer.load import BOUNDARIES_CREDIT, PLACES_CREDIT


def test_the_about_page_credits_the_place_data(new_store: NewStore, serve: Serve) -> None:
    with new_store("about") as store, serve(store) as served:
        answer = served.client.get("/about")
        home = served.client.get("/")
    assert answer.status_code == 200
    page = html.unescape(answer.text)
    assert PLACES_CREDIT in page and BOUNDARIES_CREDIT in page
    assert "Who's On First" in page and "GeoNames" in page and "CC BY 4.0" in page
    assert 'href="/about"' in home.text  # reachable from every page's navigation
