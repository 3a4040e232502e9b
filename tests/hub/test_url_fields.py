"""A bare "example.org" typed into a link field means https://example.org, in the public forms and
in every admin form (the behaviour Django 6 makes the default, asked for field by field)."""

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory

from hub.forms import ProposalForm
from hub.models import Proposal

from .test_hub_forms import proposal_data, url

pytestmark = pytest.mark.django_db


def url_form_fields(form_class):
    return {name: field for name, field in form_class.base_fields.items() if isinstance(field, forms.URLField)}


def test_it_reads_a_bare_domain_in_every_admin_link_field_as_https(superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    seen = []
    for model, model_admin in admin.site._registry.items():
        for name, field in url_form_fields(model_admin.get_form(request)).items():
            seen.append(f"{model._meta.label}.{name}")
            assert field.clean("example.org/page") == "https://example.org/page", seen[-1]
    # Program and Initiative (website, source URL), library link, event registration, proposal website.
    assert len(seen) >= 6, seen


def test_it_reads_a_bare_domain_in_the_public_proposal_form_as_https(client, reference_data):
    assert set(url_form_fields(ProposalForm)) == {"website"}
    client.post(url("propose"), proposal_data(website="cacao-tumaco.example.org"))
    assert Proposal.objects.get().website == "https://cacao-tumaco.example.org"
