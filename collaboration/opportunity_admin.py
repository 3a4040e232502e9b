from django.contrib import admin, messages
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import notifications
from . import opportunities as rules
from .models import DigestDelivery, DigestSubscription, Opportunity, OpportunityResponse, SoughtCountry


class ReviewFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("pending", _("Awaiting approval")), ("published", _("Published")), ("refused", _("Refused"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.awaiting_approval()
        if self.value() == "published":
            return queryset.published()
        if self.value() == "refused":
            return queryset.filter(is_published=False, reviewed_at__isnull=False)
        return queryset


class SoughtCountryInline(admin.TabularInline):
    model = SoughtCountry
    extra = 0


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "initiative", "author", "closes_on", "review_state", "created"]
    list_filter = [ReviewFilter, "kind"]
    list_select_related = ["initiative", "author"]
    search_fields = ["title", "description", "initiative__name", "author__email"]
    raw_id_fields = ["initiative", "author"]
    autocomplete_fields = ["themes", "sectors"]
    readonly_fields = ["is_published", "published_at", "reviewed_by", "reviewed_at", "created", "updated"]
    inlines = [SoughtCountryInline]
    actions = ["approve", "refuse"]

    @admin.display(description=_("review"))
    def review_state(self, opportunity):
        return opportunity.review_state

    def _tell_authors(self, request, ids):
        deliveries = [
            notifications.opportunity_decided(opportunity, request.build_absolute_uri("/"))
            for opportunity in Opportunity.objects.filter(pk__in=ids).select_related("author")
        ]
        notifications.warn_unsent(self, request, deliveries)

    @admin.action(description=_("Approve and publish the selected opportunities"), permissions=["change"])
    def approve(self, request, queryset):
        waiting = list(queryset.filter(is_published=False).values_list("pk", flat=True))
        count = rules.approve(queryset, request.user)
        self._tell_authors(request, waiting)
        self.message_user(
            request,
            ngettext("Published %(count)d opportunity.", "Published %(count)d opportunities.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Refuse the selected opportunities (unpublish them)"), permissions=["change"])
    def refuse(self, request, queryset):
        # Those already refused are not told again.
        deciding = list(queryset.exclude(is_published=False, reviewed_at__isnull=False).values_list("pk", flat=True))
        count = rules.refuse(queryset, request.user)
        self._tell_authors(request, deciding)
        self.message_user(
            request,
            ngettext("Refused %(count)d opportunity.", "Refused %(count)d opportunities.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(OpportunityResponse)
class OpportunityResponseAdmin(admin.ModelAdmin):
    """The moderation inbox of responses: staff read each one and forward it, or reject it."""

    list_display = ["name", "organisation", "opportunity", "message_start", "status", "created", "forwarded_at"]
    list_filter = ["status"]
    list_select_related = ["opportunity"]
    search_fields = ["name", "organisation", "email", "message", "opportunity__title"]
    readonly_fields = ["opportunity", "sender", "name", "organisation", "email", "message", "forwarded_at", "created"]
    fields = ["opportunity", "sender", "name", "organisation", "email", "message", "status", "forwarded_at", "created"]
    actions = ["forward", "reject"]

    @admin.display(description=_("message"))
    def message_start(self, response):
        return Truncator(response.message).chars(80)

    def has_add_permission(self, request):
        return False  # responses come from the public form only

    @admin.action(description=_("Forward the selected responses to the opportunity's manager"), permissions=["change"])
    def forward(self, request, queryset):
        pending = queryset.exclude(status=OpportunityResponse.Status.FORWARDED).select_related("opportunity__author")
        outcomes = [rules.forward_response(response) for response in pending]
        sent = outcomes.count(rules.Forwarding.SENT)
        unreachable = outcomes.count(rules.Forwarding.NO_ADDRESS)
        failed = outcomes.count(rules.Forwarding.FAILED)
        if sent:
            self.message_user(
                request,
                ngettext("Forwarded %(count)d response.", "Forwarded %(count)d responses.", sent) % {"count": sent},
                messages.SUCCESS,
            )
        if unreachable:
            self.message_user(
                request,
                ngettext(
                    "%(count)d response was not sent: its manager's account has no verified address.",
                    "%(count)d responses were not sent: their managers' accounts have no verified address.",
                    unreachable,
                )
                % {"count": unreachable},
                messages.WARNING,
            )
        if failed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d response was not sent: the mail server refused it or could not be reached. "
                    "It stays pending: forward it again later.",
                    "%(count)d responses were not sent: the mail server refused them or could not be reached. "
                    "They stay pending: forward them again later.",
                    failed,
                )
                % {"count": failed},
                messages.ERROR,
            )

    @admin.action(description=_("Reject the selected responses"), permissions=["change"])
    def reject(self, request, queryset):
        count = queryset.exclude(status=OpportunityResponse.Status.FORWARDED).update(
            status=OpportunityResponse.Status.REJECTED
        )
        self.message_user(
            request,
            ngettext("Rejected %(count)d response.", "Rejected %(count)d responses.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(DigestSubscription)
class DigestSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "initiative", "created", "last_sent_at"]
    raw_id_fields = ["user", "initiative"]
    search_fields = ["user__email", "initiative__name"]


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    list_display = ["user", "opportunity", "sent_at"]
    raw_id_fields = ["user", "opportunity"]

    def has_add_permission(self, request):
        return False
