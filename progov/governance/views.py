"""Pages of the governance structure (thin: selectors in, templates out)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from progov.governance import selectors


def structure(request: HttpRequest) -> HttpResponse:
    programme = selectors.current_programme()
    tree = selectors.group_tree(user=request.user, programme=programme)
    return render(request, "governance/structure.html", {"programme": programme, "tree": tree})
