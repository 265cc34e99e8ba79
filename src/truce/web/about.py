"""The about page: what Truce is built on, with the credits its data's licences ask for."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from truce.gazetteer.load import BOUNDARIES_CREDIT, PLACES_CREDIT
from truce.web.auth import Who
from truce.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/about")
def about(request: Request, who: Who) -> HTMLResponse:
    return render(
        request,
        who,
        "about.html",
        title="About",
        places_credit=PLACES_CREDIT,
        boundaries_credit=BOUNDARIES_CREDIT,
    )
