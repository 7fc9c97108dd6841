"""Static files: collectstatic (run by `progov serve` and `progov demo`) must find ours."""

from __future__ import annotations

from django.contrib.staticfiles import finders


def test_project_static_files_are_found_by_collectstatic():
    for name in ("progov/progov.css", "progov/progov.js", "progov/vendor/htmx.min.js"):
        assert finders.find(name), f"collectstatic would not collect {name}"
