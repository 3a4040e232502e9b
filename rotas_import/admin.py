"""The import screens: a thin shell over `services` (upload -> preview -> confirm or cancel)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from initiatives.models import SectorFamily

from . import services
from .applying import PlanError
from .models import ImportRecord
from .reading import ACCEPTED_EXTENSIONS, extension, too_big_message
from .undoing import UndoError, plan_undo, undo_import

PERMISSIONS = {
    ImportRecord.Kind.POLOS: "rotas_import.import_polos",
    ImportRecord.Kind.INITIATIVES: "rotas_import.import_initiatives",
}
TITLES = {
    ImportRecord.Kind.POLOS: _("Import polos"),
    ImportRecord.Kind.INITIATIVES: _("Import initiatives"),
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("A .xlsx, .xls, .ods or .csv file; nothing is written before you confirm.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_big_message(upload.size))
        if extension(upload.name) not in ACCEPTED_EXTENSIONS:
            raise forms.ValidationError(_("Use a .xlsx, .xls, .ods or .csv file."))
        return upload

    def plan_options(self) -> dict:
        return {}


class PoloUploadForm(UploadForm):
    sheet = forms.CharField(
        label=_("Sheet"), required=False, max_length=100, help_text=_("Only this sheet (all sheets when empty).")
    )
    mark_absent_inactive = forms.BooleanField(
        label=_("Mark absent polos inactive"),
        required=False,
        help_text=_("Polos of the file's Rotas that the file no longer lists become inactive (never deleted)."),
    )

    def plan_options(self):
        return {
            "sheet_name": self.cleaned_data["sheet"] or None,
            "mark_absent_inactive": self.cleaned_data["mark_absent_inactive"],
        }


class InitiativeUploadForm(UploadForm):
    create_new_terms = forms.BooleanField(
        label=_("Create new sectors and themes"),
        required=False,
        help_text=_("Sectors and themes the catalogue does not have yet are created (listed in the preview)."),
    )

    def plan_options(self):
        return {"create_new_terms": self.cleaned_data["create_new_terms"]}


FORMS = {ImportRecord.Kind.POLOS: PoloUploadForm, ImportRecord.Kind.INITIATIVES: InitiativeUploadForm}


def can_import(user, kind=None) -> bool:
    kinds = [kind] if kind in PERMISSIONS else PERMISSIONS
    return user.is_active and user.is_staff and any(user.has_perm(PERMISSIONS[k]) for k in kinds)


def chosen_families(post) -> dict[str, str]:
    """The family staff chose for each new sector in the preview: {sector slug: family slug}."""
    return {key.removeprefix("family-"): value for key, value in post.items() if key.startswith("family-") and value}


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = ["created", "kind", "file_name", "status", "user", "summary"]
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "sha256"]
    change_list_template = "admin/rotas_import/importrecord/change_list.html"

    @admin.display(description=_("result"))
    def summary(self, record):
        counts = record.counts or {}
        if record.kind == ImportRecord.Kind.UNDO:
            return _("undid import #%(id)s: %(deleted)s deleted, %(restored)s restored") % {
                "id": record.undoes_id, "deleted": counts.get("deleted", 0), "restored": counts.get("restored", 0),
            }  # fmt: skip
        return _("%(created)s new, %(updated)s changed, %(unchanged)s unchanged, %(absent)s absent; %(errors)s errors") % {
            "created": counts.get("created", 0), "updated": counts.get("updated", 0),
            "unchanged": counts.get("unchanged", 0), "absent": counts.get("absent", 0), "errors": record.error_count,
        }  # fmt: skip

    # Records are written by imports only, and kept.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return can_import(request.user) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return can_import(request.user) or super().has_module_permission(request)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import-polos/", wrap(self.upload_view), {"kind": ImportRecord.Kind.POLOS}, name="rotas_import_import_polos"),
            path(
                "import-initiatives/", wrap(self.upload_view), {"kind": ImportRecord.Kind.INITIATIVES},
                name="rotas_import_import_initiatives",
            ),
            path("<int:pk>/preview/", wrap(self.preview_view), name="rotas_import_importrecord_preview"),
            path("<int:pk>/undo/", wrap(self.undo_view), name="rotas_import_importrecord_undo"),
        ] + super().get_urls()  # fmt: skip

    def changelist_view(self, request, extra_context=None):
        tools = [
            (reverse(f"admin:rotas_import_import_{kind}"), TITLES[kind])
            for kind in PERMISSIONS
            if can_import(request.user, kind) and kind in services.planners()
        ]
        return super().changelist_view(request, {**(extra_context or {}), "import_tools": tools})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:rotas_import_importrecord_preview", pk=object_id)

    def upload_view(self, request, kind):
        if not can_import(request.user, kind) or kind not in services.planners():
            raise PermissionDenied
        form = FORMS[kind](request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            record = services.preview(kind, upload.read(), upload.name, user=request.user, **form.plan_options())
            return redirect("admin:rotas_import_importrecord_preview", pk=record.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": TITLES[kind],
            "form": form,
            "max_megabytes": settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024),
        }
        return TemplateResponse(request, "admin/rotas_import/importrecord/upload.html", context)

    def preview_view(self, request, pk):
        record = get_object_or_404(ImportRecord, pk=pk)
        if not can_import(request.user, record.permission_kind):
            raise PermissionDenied
        if request.method == "POST":
            try:
                if "confirm" in request.POST:
                    services.confirm(record)
                    messages.success(request, _("The import was applied."))
                elif "cancel" in request.POST:
                    services.cancel(record)
                    messages.info(request, _("The import was cancelled; nothing was written."))
                elif "create_new_terms" in request.POST and record.offers_new_terms:
                    again = services.preview_again(
                        record, request.user, create_new_terms=True, new_sector_families=chosen_families(request.POST)
                    )
                    return redirect("admin:rotas_import_importrecord_preview", pk=again.pk)
            except PlanError as exc:
                messages.error(request, str(exc))
            return redirect("admin:rotas_import_importrecord_preview", pk=record.pk)
        report = record.report
        items = report.get("items", [])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import preview: %(name)s") % {"name": record.file_name},
            "record": record,
            "report": report,
            "changed": [
                i for i in items if i["action"] in ("created", "updated", "deleted", "restored") or i["changes"]
            ],
            "absent": [i for i in items if i["action"] == "absent"],
            "unchanged": [i for i in items if i["action"] == "unchanged"],
            "families": SectorFamily.objects.all(),
            "upload_url": reverse(f"admin:rotas_import_import_{record.permission_kind}"),
        }
        return TemplateResponse(request, "admin/rotas_import/importrecord/preview.html", context)

    def undo_view(self, request, pk):
        """Undo a whole import: what it would do (or why not) first, then the confirmed POST."""
        record = get_object_or_404(ImportRecord, pk=pk)
        if not can_import(request.user, record.permission_kind):
            raise PermissionDenied
        if request.method == "POST":
            try:
                undo = undo_import(record, user=request.user)
            except UndoError as exc:
                messages.error(request, str(exc))
                for reason in exc.reasons:
                    messages.warning(request, reason)
                return redirect("admin:rotas_import_importrecord_undo", pk=record.pk)
            messages.success(request, _("Import #%(id)s was undone: %(deleted)s deleted, %(restored)s restored.")
                             % {"id": record.pk, **undo.counts})  # fmt: skip
            return redirect("admin:rotas_import_importrecord_preview", pk=undo.pk)
        plan, refusal = None, None
        try:
            plan = plan_undo(record)
        except UndoError as exc:
            refusal = exc
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Undo import #%(id)s: %(name)s") % {"id": record.pk, "name": record.file_name},
            "record": record,
            "refusal": refusal,
            "deleted": plan.names_deleted if plan else [],
            "restored": plan.names_restored if plan else [],
        }
        return TemplateResponse(request, "admin/rotas_import/importrecord/undo.html", context)
