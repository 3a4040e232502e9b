from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from initiatives.admin import URLS_ASSUME_HTTPS

from .collaboration import InvalidContactAddress, create_draft_initiative, forward_interest
from .loading import LoadError, load_hub_content
from .models import TIME_ZONE_CHOICES, Event, Interest, LibraryItem, News, Proposal


def translations(*fields):
    names = [f"{field}_{suffix}" for field in fields for suffix in ("pt_br", "es", "en")]
    return (_("Translations"), {"fields": names, "classes": ("collapse",)})


class HubContentAdmin(admin.ModelAdmin):
    formfield_overrides = URLS_ASSUME_HTTPS
    list_display = ["title", "language", "is_published", "updated"]
    list_filter = ["is_published", "language", "themes"]
    search_fields = ["title", "title_pt_br", "title_es", "title_en"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["themes"]


@admin.register(LibraryItem)
class LibraryItemAdmin(HubContentAdmin):
    change_list_template = "admin/hub/libraryitem/change_list.html"
    list_display = ["title", "kind", "year", "language", "is_published"]
    list_filter = ["is_published", "kind", "language", "themes"]
    search_fields = [*HubContentAdmin.search_fields, "authors"]
    autocomplete_fields = ["themes", "sectors"]
    fieldsets = [
        (None, {"fields": ("title", "slug", "kind", "is_published", "language", "authors", "year", "summary")}),
        (_("Where to find it"), {"fields": ("link", "document")}),
        (_("Classification"), {"fields": ("countries", "sectors", "themes")}),
        translations("title", "summary"),
    ]

    def get_urls(self):
        load = self.admin_site.admin_view(require_POST(self.load_shipped_view))
        return [path("load-shipped/", load, name="hub_libraryitem_load_shipped"), *super().get_urls()]

    def load_shipped_view(self, request):
        """The shipped library and events, loaded as `load_hub_content` does: staff edits stay."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        try:
            results = load_hub_content()
        except LoadError as exc:
            messages.error(request, _("Nothing was loaded: %(error)s") % {"error": exc})
        else:
            for name, result in results.items():
                messages.success(request, result.summary(name))
        return redirect("admin:hub_libraryitem_changelist")


class EventAdminForm(forms.ModelForm):
    """Start and end are typed and shown as wall-clock times in the event's own time zone."""

    time_zone = forms.ChoiceField(label=_("time zone"), choices=TIME_ZONE_CHOICES, initial="America/Sao_Paulo")

    class Meta:
        model = Event
        fields = ["time_zone", "start", "end"]  # the admin's fieldsets add the rest

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("start", "end"):
                self.initial[name] = timezone.localtime(getattr(self.instance, name), self.instance.zone).replace(
                    tzinfo=None
                )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("time_zone"):
            zone = Event(time_zone=cleaned["time_zone"]).zone
            for name in ("start", "end"):
                if cleaned.get(name):  # read in the site's zone by the field: keep the wall-clock time
                    cleaned[name] = timezone.make_naive(cleaned[name]).replace(tzinfo=zone)
        return cleaned


@admin.register(Event)
class EventAdmin(HubContentAdmin):
    form = EventAdminForm
    list_display = ["title", "kind", "local_start", "time_zone", "place", "is_online", "is_published"]
    list_filter = ["is_published", "kind", "is_online", "themes"]
    date_hierarchy = "start"
    fieldsets = [
        (None, {"fields": ("title", "slug", "kind", "is_published", "language", "summary")}),
        (
            _("When and where"),
            {
                "fields": ("time_zone", "start", "end", "place", "is_online", "organiser", "registration_url"),
                "description": _("Start and end are times in the event's time zone."),
            },
        ),
        (_("Classification"), {"fields": ("themes",)}),
        translations("title", "summary"),
    ]

    @admin.display(description=_("starts (local time)"), ordering="start")
    def local_start(self, event):
        return date_format(timezone.localtime(event.start, event.zone), "DATETIME_FORMAT")


@admin.register(News)
class NewsAdmin(HubContentAdmin):
    list_display = ["title", "published_on", "language", "is_published"]
    date_hierarchy = "published_on"
    autocomplete_fields = ["themes", "initiatives"]
    fieldsets = [
        (None, {"fields": ("title", "slug", "published_on", "is_published", "language", "summary", "body")}),
        (_("Image"), {"fields": ("image", "image_alt")}),
        (_("Related"), {"fields": ("initiatives", "themes")}),
        translations("title", "summary", "body"),
    ]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    formfield_overrides = URLS_ASSUME_HTTPS
    list_display = ["name", "reference", "country", "status", "proposer_name", "created", "draft_link"]
    list_filter = ["status", "country", "kind"]
    search_fields = ["name", "reference", "proposer_name", "proposer_email", "managing_organisation"]
    readonly_fields = ["reference", "initiative", "created", "updated"]
    autocomplete_fields = ["sectors", "themes"]
    actions = ["create_draft_initiatives", "reject"]
    date_hierarchy = "created"

    @admin.display(description=_("draft initiative"))
    def draft_link(self, proposal):
        if not proposal.initiative_id:
            return "-"
        url = reverse("admin:initiatives_initiative_change", args=[proposal.initiative_id])
        return format_html('<a href="{}">{}</a>', url, proposal.initiative)

    def has_create_draft_permission(self, request):
        return self.has_change_permission(request) and request.user.has_perm("initiatives.add_initiative")

    @admin.action(description=_("Create a draft initiative from each selected proposal"), permissions=["create_draft"])
    def create_draft_initiatives(self, request, queryset):
        created = [initiative for p in queryset if (initiative := create_draft_initiative(p))]
        skipped = queryset.count() - len(created)
        if created:
            self.message_user(
                request,
                ngettext(
                    "Created %(count)d draft initiative; publish it from the initiatives list once reviewed.",
                    "Created %(count)d draft initiatives; publish them from the initiatives list once reviewed.",
                    len(created),
                )
                % {"count": len(created)},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d proposal already had its initiative; nothing was created for it.",
                    "%(count)d proposals already had their initiative; nothing was created for them.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Reject the selected proposals"), permissions=["change"])
    def reject(self, request, queryset):
        count = queryset.filter(status=Proposal.Status.NEW).update(status=Proposal.Status.REJECTED)
        self.message_user(
            request,
            ngettext("Rejected %(count)d proposal.", "Rejected %(count)d proposals.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    """The moderation inbox: staff read each message and forward it, or reject it."""

    list_display = ["name", "organisation", "initiative", "message_start", "status", "created", "forwarded_at"]
    list_filter = ["status"]
    list_select_related = ["initiative"]
    search_fields = ["name", "organisation", "email", "message", "initiative__name"]
    readonly_fields = ["initiative", "name", "organisation", "email", "message", "forwarded_at", "created"]
    fields = ["initiative", "name", "organisation", "email", "message", "status", "forwarded_at", "created"]
    actions = ["forward", "reject"]
    date_hierarchy = "created"

    @admin.display(description=_("message"))
    def message_start(self, interest):
        return Truncator(interest.message).chars(80)

    def has_add_permission(self, request):
        return False  # messages come from visitors only

    @admin.action(description=_("Forward the selected messages to their initiative by e-mail"), permissions=["change"])
    def forward(self, request, queryset):
        sent = 0
        invalid, to_answer = [], []
        for interest in queryset.exclude(status=Interest.Status.FORWARDED).select_related("initiative"):
            try:
                if forward_interest(interest):
                    sent += 1
                else:
                    to_answer.append(interest.email)
            except InvalidContactAddress:
                invalid.append(interest.initiative.name)
        if invalid:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was not sent: the contact e-mail of %(names)s is not one valid address. "
                    "Correct it on the initiative, then forward again.",
                    "%(count)d messages were not sent: the contact e-mail of %(names)s is not one valid address. "
                    "Correct it on the initiatives, then forward again.",
                    len(invalid),
                )
                % {"count": len(invalid), "names": ", ".join(sorted(set(invalid)))},
                messages.ERROR,
            )
        if sent:
            self.message_user(
                request,
                ngettext("Forwarded %(count)d message.", "Forwarded %(count)d messages.", sent) % {"count": sent},
                messages.SUCCESS,
            )
        unreachable = len(to_answer)
        if unreachable:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was not sent: its initiative has no contact e-mail.",
                    "%(count)d messages were not sent: their initiative has no contact e-mail.",
                    unreachable,
                )
                % {"count": unreachable},
                messages.WARNING,
            )
            # The interest form promises the visitor an answer from the team in that case.
            self.message_user(
                request,
                _("Answer these senders yourselves, as the interest form promises them: %(addresses)s.")
                % {"addresses": ", ".join(sorted(set(to_answer)))},
                messages.WARNING,
            )
        if not sent and not unreachable and not invalid:
            self.message_user(request, _("The selected messages were already forwarded."), messages.INFO)

    @admin.action(description=_("Reject the selected messages (spam or off-topic)"), permissions=["change"])
    def reject(self, request, queryset):
        count = queryset.filter(status=Interest.Status.NEW).update(status=Interest.Status.REJECTED)
        self.message_user(
            request,
            ngettext("Rejected %(count)d message.", "Rejected %(count)d messages.", count) % {"count": count},
            messages.SUCCESS,
        )
