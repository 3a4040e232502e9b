"""benchmarks/cold_render.py: a smoke test of its per-template timing, no figures checked."""

import sys

import pytest
from django.template.base import Template

from benchmarks import cold_render

pytestmark = pytest.mark.django_db


def test_it_times_each_template_of_a_first_render(monkeypatch, capsys, make_initiative):
    make_initiative(name="Mel", sectors=["beekeeping"])
    monkeypatch.setattr(Template, "_render", Template._render)  # put back after the test
    monkeypatch.setattr(sys, "argv", ["cold_render.py", "--repeat", "2", "--templates", "/en/initiatives/"])
    cold_render.main()
    out = capsys.readouterr().out
    assert "/en/initiatives/  wall median" in out
    lines = {line.split("ms  ")[-1] for line in out.splitlines() if line.startswith("  ")}
    assert {"initiatives/list.html", "includes/facets.html", "includes/initiative_card.html"} <= lines
