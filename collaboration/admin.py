from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from . import notifications, profiles
from .domains import domains_match, email_domain, website_domain
from .models import Management, ManagerProfile, ProfileChange


@admin.register(Management)
class ManagementAdmin(admin.ModelAdmin):
    list_display = ["initiative", "user", "requester_domain", "website_domain", "same_domain", "status", "trusted", "created"]  # fmt: skip
    list_filter = ["status", "trusted"]
    list_select_related = ["initiative", "user"]
    search_fields = ["initiative__name", "user__email"]
    fields = ["initiative", "user", "who_they_are", "requester_domain", "website_domain", "same_domain", "status",
              "trusted", "created", "decided_by", "decided_at"]  # fmt: skip
    readonly_fields = ["initiative", "user", "who_they_are", "requester_domain", "website_domain", "same_domain",
                       "status", "created", "decided_by", "decided_at"]  # fmt: skip
    actions = ["approve", "refuse", "revoke", "trust", "distrust"]

    def has_add_permission(self, request):
        return False  # a request comes from its manager, who says who they are

    @admin.display(description=_("requester's e-mail domain"))
    def requester_domain(self, obj):
        return email_domain(obj.user.email)

    @admin.display(description=_("initiative's website domain"))
    def website_domain(self, obj):
        return website_domain(obj.initiative.website) or "—"

    @admin.display(description=_("same domain"), boolean=True)
    def same_domain(self, obj):
        return domains_match(obj.user.email, obj.initiative.website)

    def _decide(self, request, queryset, status, allowed_from, message):
        # `message` is an ngettext_lazy keyed on "count": formatting it picks the plural form.
        decided = list(queryset.filter(status__in=allowed_from).select_related("initiative", "user"))
        count = Management.objects.filter(pk__in=[m.pk for m in decided]).decide(status, request.user)
        deliveries = []
        for management in decided:
            management.status = status
            deliveries.append(notifications.management_decided(management, request.build_absolute_uri("/")))
        notifications.warn_unsent(self, request, deliveries)
        self.message_user(request, message % {"count": count}, messages.SUCCESS if count else messages.WARNING)

    @admin.action(description=_("Approve the selected requests"), permissions=["change"])
    def approve(self, request, queryset):
        S = Management.Status
        self._decide(
            request,
            queryset,
            S.APPROVED,
            [S.REQUESTED],
            ngettext_lazy("%(count)s request approved.", "%(count)s requests approved.", "count"),
        )

    @admin.action(description=_("Refuse the selected requests"), permissions=["change"])
    def refuse(self, request, queryset):
        S = Management.Status
        self._decide(
            request,
            queryset,
            S.REFUSED,
            [S.REQUESTED],
            ngettext_lazy("%(count)s request refused.", "%(count)s requests refused.", "count"),
        )

    @admin.action(description=_("Revoke the selected managers"), permissions=["change"])
    def revoke(self, request, queryset):
        S = Management.Status
        self._decide(
            request,
            queryset,
            S.REVOKED,
            [S.APPROVED],
            ngettext_lazy("%(count)s manager revoked.", "%(count)s managers revoked.", "count"),
        )

    @admin.action(description=_("Trust: publish their changes without review"), permissions=["change"])
    def trust(self, request, queryset):
        count = queryset.update(trusted=True)
        self.message_user(request, ngettext("%(count)s manager trusted.", "%(count)s managers trusted.", count) % {"count": count})  # fmt: skip

    @admin.action(description=_("Stop trusting: review their changes"), permissions=["change"])
    def distrust(self, request, queryset):
        count = queryset.update(trusted=False)
        self.message_user(request, ngettext("%(count)s manager no longer trusted.", "%(count)s managers no longer trusted.", count) % {"count": count})  # fmt: skip


class ReviewQueueFilter(admin.SimpleListFilter):
    """The status, pending by default: the list opens on the review queue."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*ProfileChange.Status.choices, ("all", _("All"))]

    def choices(self, changelist):
        current = self.value() or ProfileChange.Status.PENDING
        for value, label in self.lookup_choices:
            query = changelist.get_query_string({self.parameter_name: value})
            yield {"selected": current == value, "query_string": query, "display": label}

    def queryset(self, request, queryset):
        value = self.value() or ProfileChange.Status.PENDING
        return queryset if value == "all" else queryset.filter(status=value)


@admin.register(ProfileChange)
class ProfileChangeAdmin(admin.ModelAdmin):
    list_display = ["initiative", "author", "status", "changed_fields", "created"]
    list_filter = [ReviewQueueFilter]
    list_select_related = ["initiative", "author"]
    search_fields = ["initiative__name", "author__email"]
    fields = ["initiative", "author", "status", "difference", "created", "decided_by", "decided_at"]
    readonly_fields = fields
    actions = ["publish", "reject"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("fields"))
    def changed_fields(self, obj):
        return ", ".join(profiles.field_label(obj.initiative, name) for name in obj.fields)

    @admin.display(description=_("difference with the published version"))
    def difference(self, obj):
        rows = format_html_join(
            "", "<tr><th scope='row'>{}</th><td><del>{}</del></td><td><ins>{}</ins></td></tr>", profiles.difference(obj)
        )
        head = format_html("<tr><th>{}</th><th>{}</th><th>{}</th></tr>", _("field"), _("published"), _("proposed"))
        return format_html("<table class='profile-diff'>{}{}</table>", head, rows)

    @admin.action(description=_("Publish the selected changes"), permissions=["change"])
    def publish(self, request, queryset):
        changes = list(queryset.pending().select_related("initiative", "author"))
        deliveries = []
        for change in changes:
            profiles.publish(change, by=request.user)
            deliveries.append(notifications.profile_change_decided(change, request.build_absolute_uri("/")))
        notifications.warn_unsent(self, request, deliveries)
        count = len(changes)
        self.message_user(request, ngettext("%(count)s change published.", "%(count)s changes published.", count) % {"count": count})  # fmt: skip

    @admin.action(description=_("Reject the selected changes"), permissions=["change"])
    def reject(self, request, queryset):
        changes = list(queryset.pending().select_related("initiative", "author"))
        deliveries = []
        for change in changes:
            profiles.reject(change, by=request.user)
            change.refresh_from_db()
            deliveries.append(notifications.profile_change_decided(change, request.build_absolute_uri("/")))
        notifications.warn_unsent(self, request, deliveries)
        count = len(changes)
        self.message_user(request, ngettext("%(count)s change rejected.", "%(count)s changes rejected.", count) % {"count": count})  # fmt: skip


@admin.register(ManagerProfile)
class ManagerProfileAdmin(admin.ModelAdmin):
    """Managers publish their profile text at once; staff may correct or empty an abusive one."""

    list_display = ["user", "language", "updated"]
    list_select_related = ["user"]
    search_fields = ["user__email", "text"]
    fields = ["user", "text", "language", "updated"]
    readonly_fields = ["user", "updated"]

    def has_add_permission(self, request):
        return False
