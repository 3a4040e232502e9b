"""benchmarks/cold_render.py: a smoke test of its per-template timing, no figures checked."""

import logging
import sys

import pytest
from django.template.base import Template

from benchmarks import cold_render

pytestmark = pytest.mark.django_db


def test_it_times_each_template_of_a_first_render(monkeypatch, capsys, make_initiative):
    make_initiative(name="Mel", sectors=["beekeeping"])
    monkeypatch.setattr(Template, "_render", Template._render)  # put back after the test
    monkeypatch.setattr(sys, "argv", ["cold_render.py", "--repeat", "2", "--templates", "/en/initiatives/"])
    streams = [getattr(handler, "stream", None) for handler in logging.getLogger().handlers]
    cold_render.main()
    # Run inside a process Django already runs, it leaves the logging as it was: set up again, it
    # bound the handlers to this test's captured stderr, closed once the test ends.
    assert [getattr(handler, "stream", None) for handler in logging.getLogger().handlers] == streams
    out = capsys.readouterr().out
    assert "/en/initiatives/  wall median" in out
    lines = {line.split("ms  ")[-1] for line in out.splitlines() if line.startswith("  ")}
    assert {"initiatives/list.html", "includes/facets.html", "includes/initiative_card.html"} <= lines
