"""Who owns which field (docs/field-ownership.md): imports and loaders never overwrite a field
that an initiative's managers changed, and the shipped public files only create."""

import pytest

from collaboration import profiles
from collaboration.models import Management
from initiatives.models import Initiative
from initiatives.ownership import MANAGER_FIELDS, POLO_IMPORT_FIELDS
from rotas_import.services import import_file

from ..import_files import write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = ["name", "country", "region", "city", "sector", "managing_organisation", "year_started", "member_firms",
          "website", "latitude", "longitude", "location_precision", "source", "notes", "description"]  # fmt: skip


def row(organisation="Cámara de Comercio", year="2008", website="clustermoda.co", description="Moda paisa."):
    return ["Cluster Moda", "CO", "CO-ANT", "Medellín", "dairy", organisation, year, "120", website, "6.2442",
            "-75.5812", "municipality", "https://example.org/moda", "", description]  # fmt: skip


def apply(path, **options):
    plan, _record = import_file("initiatives", path.read_bytes(), path.name, **options)
    assert plan.errors == [], plan.errors
    return plan


def managed_by_a_manager(initiative, django_user_model, **changes):
    user = django_user_model.objects.create_user("ana", "ana@clustermoda.co")
    Management.objects.create(user=user, initiative=initiative, who_they_are="Ana", status="approved", trusted=True)
    cleaned = profiles.published_values(initiative) | changes
    cleaned["themes"] = list(initiative.themes.all())
    return profiles.submit(initiative, user, cleaned)


def test_an_import_keeps_the_fields_a_manager_changed(reference_data, tmp_path, django_user_model):
    apply(write_csv(tmp_path / "first.csv", [HEADER, row()]))
    initiative = Initiative.objects.get()
    change = managed_by_a_manager(
        initiative, django_user_model, website="https://moda.example", description_es="Moda de Antioquia."
    )
    assert change.status == "published"

    plan = apply(write_csv(tmp_path / "again.csv", [HEADER, row(organisation="Inexmoda", website="other.example",
                                                                  description="Otra.", year="2010")]))  # fmt: skip
    initiative.refresh_from_db()
    assert (initiative.website, initiative.description) == ("https://moda.example", "Moda de Antioquia.")
    # What the manager did not touch still follows the file.
    assert (initiative.managing_organisation, initiative.year_started) == ("Inexmoda", 2010)
    assert any("kept" in w.message and "website" in w.message for w in plan.warnings)


def test_an_import_changes_nothing_when_only_manager_fields_differ(reference_data, tmp_path, django_user_model):
    apply(write_csv(tmp_path / "first.csv", [HEADER, row()]))
    initiative = Initiative.objects.get()
    managed_by_a_manager(initiative, django_user_model, website="https://moda.example")
    plan = apply(write_csv(tmp_path / "again.csv", [HEADER, row()]))
    assert plan.counts["updated"] == 0 and plan.counts["unchanged"] == 1


def test_a_pending_change_claims_nothing_yet(reference_data, tmp_path, django_user_model):
    apply(write_csv(tmp_path / "first.csv", [HEADER, row()]))
    initiative = Initiative.objects.get()
    user = django_user_model.objects.create_user("ana", "ana@clustermoda.co")
    Management.objects.create(user=user, initiative=initiative, who_they_are="Ana", status="approved")
    cleaned = profiles.published_values(initiative) | {"website": "https://moda.example", "themes": []}
    assert profiles.submit(initiative, user, cleaned).status == "pending"
    apply(write_csv(tmp_path / "again.csv", [HEADER, row(website="other.example")]))
    initiative.refresh_from_db()
    assert initiative.website == "https://other.example"


def test_the_shipped_files_only_create(reference_data, tmp_path):
    apply(write_csv(tmp_path / "first.csv", [HEADER, row()]), create_only=True)
    initiative = Initiative.objects.get()
    Initiative.objects.filter(pk=initiative.pk).update(managing_organisation="Edited by staff")
    plan = apply(write_csv(tmp_path / "again.csv", [HEADER, row(organisation="Inexmoda")]), create_only=True)
    assert plan.counts == {"created": 0, "updated": 0, "unchanged": 1, "absent": 0}
    initiative.refresh_from_db()
    assert initiative.managing_organisation == "Edited by staff"


def test_the_manager_form_offers_only_manager_fields_and_none_of_the_polo_import():
    from collaboration.forms import ProfileForm

    offered = set(ProfileForm.base_fields)
    assert offered <= set(MANAGER_FIELDS)
    assert not offered & set(POLO_IMPORT_FIELDS)


def test_the_ownership_is_written_down():
    from pathlib import Path

    from django.conf import settings

    text = (Path(settings.BASE_DIR) / "docs" / "field-ownership.md").read_text()
    for name in (*POLO_IMPORT_FIELDS, *MANAGER_FIELDS):
        assert f"`{name}`" in text, name
