"""A manager's pages in plain HTML: the public-profile form is drawn by the shared form partial like
every other public form, and the list of initiatives managed has no stray separator."""

import re

import pytest

from .opportunity_fixtures import make_opportunity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("collaboration_isolation")]


def test_it_draws_the_public_profile_form_with_the_shared_form_partial(client, cluster_manager):
    client.force_login(cluster_manager)
    page = client.get("/en/manage/").content.decode()
    form = page[page.index('id="public-profile"') :]
    assert '<label for="id_text">About you' in form and '<label for="id_language">Language of the text' in form
    assert re.findall(r"<label[^>]*>[^<]*:\s*</label>", form) == []  # no Django label suffix
    assert form.count('<div class="field">') == 2
    assert 'class="form-note"' in form


def test_it_sets_no_separator_before_the_publish_button(client, coffee_cluster, cluster_manager):
    make_opportunity(coffee_cluster, cluster_manager)
    client.force_login(cluster_manager)
    page = client.get("/en/manage/opportunities/").content.decode()
    managed = page[page.index('class="plain-list managed"') : page.index("</ul>", page.index("managed"))]
    assert "Publish an opportunity" in managed
    assert "·" not in managed
