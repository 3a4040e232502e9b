from dataclasses import replace

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .contacts import export_contact_addresses
from .models import Initiative, Municipality, Program, Region, Route, Sector, SectorFamily, Theme

TRANSLATION_FIELDSET = (
    _("Translations"),
    {"fields": ("name_pt_br", "name_es", "name_en"), "classes": ("collapse",)},
)


# Staff typing a bare "example.org" into a link field mean https://example.org (Django 6's default).
URLS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class HistoryAdmin(SimpleHistoryAdmin):
    """Who changed what and when, with revert; an import's changes show its reason and record."""

    formfield_overrides = URLS_ASSUME_HTTPS
    history_list_display = ["history_change_reason", "import_record_id"]

    def hidden_fields(self, request) -> set[str]:
        """Fields this user may not read: left out of the forms and of the history's changes."""
        return set()

    def get_fieldsets(self, request, obj=None):
        hidden = self.hidden_fields(request)
        return [
            (name, {**options, "fields": tuple(f for f in options["fields"] if f not in hidden)})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_historical_record_context_helper(self, request, historical_record):
        return HidingContextHelper(self.model, historical_record, hidden=self.hidden_fields(request))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a posted revert form for anyone who may merely view the object:
        # a revert is a change, so it needs the change permission; others only read the version.
        if not self.has_change_history_permission(request, self.get_object(request, unquote(object_id))):
            if request.method not in ("GET", "HEAD"):
                raise PermissionDenied
            request.history_read_only = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if getattr(request, "history_read_only", False):
            form = read_only(form)
        record = getattr(obj, "_history", None)  # set when the admin reverts to a historical version
        if record is None or not getattr(record, "_history_m2m_fields", None):
            return form
        # simple_history rebuilds the plain fields of the old version; its relations come from here.
        initial = {field.name: historical_m2m_ids(record, field) for field in record._history_m2m_fields}

        class RevertForm(form):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
                super().__init__(*args, **kwargs)

        return RevertForm


class HidingContextHelper(HistoricalRecordContextHelper):
    """The history list's changes without the fields the user may not read."""

    def __init__(self, model, historical_record, *, hidden):
        super().__init__(model, historical_record)
        self.hidden = hidden

    def context_for_delta_changes(self, delta):
        shown = [change for change in delta.changes if change.field not in self.hidden]
        return super().context_for_delta_changes(replace(delta, changes=shown))


def read_only(form):
    """The form with every field disabled: shown, never taken from a submission."""

    class ReadOnlyForm(form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                field.disabled = True

    return ReadOnlyForm


def historical_m2m_ids(record, field) -> list:
    """The primary keys a many-to-many field held in a historical version."""
    target = field.m2m_reverse_field_name()
    return list(getattr(record, field.name).values_list(f"{target}_id", flat=True))


class VocabularyAdmin(HistoryAdmin):
    list_display = ["name", "slug", "name_pt_br", "name_es", "name_en"]
    search_fields = ["name", "name_pt_br", "name_es", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [(None, {"fields": ("name", "language", "slug", "description")}), TRANSLATION_FIELDSET]


@admin.register(SectorFamily)
class SectorFamilyAdmin(VocabularyAdmin):
    list_display = ["name", "slug", "name_pt_br", "name_es", "cluster_category", "isic_section"]
    fieldsets = [
        (None, {"fields": ("name", "language", "slug", "synonyms", "cluster_category", "isic_section", "description")}),
        TRANSLATION_FIELDSET,
    ]


@admin.register(Sector)
class SectorAdmin(VocabularyAdmin):
    list_display = ["name", "family", "is_general", "slug", "name_pt_br", "name_es"]
    list_filter = ["family"]
    list_select_related = ["family"]
    search_fields = [*VocabularyAdmin.search_fields, "synonyms"]
    fieldsets = [
        (None, {"fields": ("name", "language", "slug", "family", "is_general", "synonyms", "description")}),
        TRANSLATION_FIELDSET,
    ]


@admin.register(Theme)
class ThemeAdmin(VocabularyAdmin):
    pass


@admin.register(Program)
class ProgramAdmin(VocabularyAdmin):
    list_display = ["name", "owner", "country", "slug"]
    list_filter = ["country"]
    fieldsets = [
        (None, {"fields": ("name", "language", "slug", "owner", "country", "website", "description")}),
        TRANSLATION_FIELDSET,
    ]


@admin.register(Route)
class RouteAdmin(VocabularyAdmin):
    list_display = ["name", "program", "sector", "slug"]
    list_filter = ["program"]
    list_select_related = ["program", "sector"]
    autocomplete_fields = ["sector"]
    fieldsets = [
        (None, {"fields": ("name", "language", "slug", "program", "sector", "aliases", "description")}),
        TRANSLATION_FIELDSET,
    ]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "country", "latitude", "longitude"]
    list_filter = ["country"]
    search_fields = ["name", "code"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "country"]
    list_filter = ["country", "region"]
    list_select_related = ["region"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["region"]


@admin.register(Initiative)
class InitiativeAdmin(HistoryAdmin):
    list_display = ["name", "kind", "country", "route", "status", "is_published", "updated"]
    list_filter = ["is_published", "country", "kind", "status", "route"]
    list_select_related = ["route"]
    search_fields = ["name", "territory", "managing_organisation"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["regions", "municipalities", "sectors", "themes", "route"]
    readonly_fields = ["created", "updated"]
    date_hierarchy = "created"
    actions = [export_contact_addresses]  # the only way to the addresses: no public page shows them
    # The notes hold proposers' names and e-mails (a proposal's draft copies them there): for the
    # staff who moderate proposals, who read those on the proposals anyway. Named, not imported:
    # without the hub, only superusers have it.
    internal_notes_permission = "hub.change_proposal"
    fieldsets = [
        (None, {"fields": ("name", "slug", "kind", "status", "is_published", "language", "description")}),
        (
            _("Translations"),
            {
                "fields": ("name_pt_br", "name_es", "name_en", "description_pt_br", "description_es", "description_en"),
                "classes": ("collapse",),
            },
        ),
        (
            _("Territory"),
            {
                "fields": (
                    "country",
                    "regions",
                    "municipalities",
                    "territory",
                    "latitude",
                    "longitude",
                    "location_precision",
                )
            },
        ),  # fmt: skip
        (
            _("Classification"),
            {"fields": ("program", "route", "sectors", "specialisation", "specialisation_language", "themes")},
        ),
        (
            _("Facts"),
            {
                "fields": (
                    "managing_organisation",
                    "year_started",
                    "member_count",
                    "website",
                    "email",
                    "logo",
                    "source_text",
                    "source_url",
                )
            },
        ),  # fmt: skip
        (_("Staff"), {"fields": ("internal_notes", "created", "updated")}),
    ]

    def hidden_fields(self, request):
        return set() if request.user.has_perm(self.internal_notes_permission) else {"internal_notes"}
