"""Pages of the opportunities: the public list, detail and response form, the managers' own
pages (publish, their opportunities and digests) and the unsubscribe link. Thin: the rules are in
collaboration.opportunities and collaboration.digests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hub.spam import counted_valid, over_rate_limit
from initiatives.models import Initiative, Sector
from initiatives.translation import active_language

from . import opportunities as rules
from .digests import subscription_from_token
from .models import DigestSubscription, Opportunity, managed_initiatives
from .opportunity_browse import active_filters, build_facets, select
from .opportunity_forms import OpportunityForm, ResponseForm

PAGE_SIZE = 20
MATCHES_SHOWN = 12


def _published():
    return (
        Opportunity.objects.published()
        .select_related("initiative")
        .prefetch_related(
            "themes", Prefetch("sectors", queryset=Sector.objects.select_related("family")), "sought_countries"
        )
    )


def opportunity_list(request):
    selection = select(request.GET)
    facets = build_facets(selection)
    listed = selection.queryset().select_related("initiative").prefetch_related("themes", "sought_countries")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "count": page.paginator.count,
        "facets": facets,
        "active_filters": active_filters(selection, facets),
        "notices": selection.notices,
    }
    return render(request, "collaboration/opportunity_list.html", context)


def opportunity_detail(request, pk):
    opportunity = get_object_or_404(_published(), pk=pk)
    context = {"opportunity": opportunity, "matches": rules.could_answer(opportunity, MATCHES_SHOWN)}
    return render(request, "collaboration/opportunity_detail.html", context)


def respond(request, pk):
    opportunity = get_object_or_404(_published(), pk=pk)
    if not opportunity.is_open:
        return render(request, "collaboration/respond_closed.html", {"opportunity": opportunity}, status=410)
    initial = {"email": request.user.email} if request.user.is_authenticated else {}
    form = ResponseForm(request.POST or None, initial=initial)
    context = {"form": form, "opportunity": opportunity}
    if request.method == "POST":
        if over_rate_limit(request, "opportunity-response") or rules.responses_over_daily_limit(request.user):
            context["rate_limited"] = True
            return render(request, "collaboration/respond.html", context, status=429)
        if counted_valid(request, form, "opportunity-response"):
            form.instance.opportunity = opportunity
            form.instance.sender = request.user if request.user.is_authenticated else None
            form.save()
            return redirect("collaboration:response_sent", pk=opportunity.pk)
    return render(request, "collaboration/respond.html", context, status=400 if form.errors else 200)


def response_sent(request, pk):
    opportunity = get_object_or_404(Opportunity.objects.published(), pk=pk)
    return render(request, "collaboration/response_sent.html", {"opportunity": opportunity})


def _refused(request, reason, status=403):
    return render(request, "collaboration/refused.html", {"reason": reason}, status=status)


@login_required
def publish(request, slug):
    initiative = get_object_or_404(Initiative.objects.published(), slug=slug)
    if not rules.manages(request.user, initiative):
        return _refused(request, _("You do not manage this initiative, so you cannot publish for it."))
    if not rules.has_verified_email(request.user):
        return _refused(request, _("Verify your e-mail address before publishing: open the link we sent you."))
    form = OpportunityForm(request.POST or None)
    if request.method == "POST":
        if rules.over_daily_limit(request.user):
            messages.error(
                request, _("You have published the most opportunities allowed in one day. Try again tomorrow.")
            )
            return render(request, "collaboration/publish.html", {"form": form, "initiative": initiative}, status=429)
        if form.is_valid():
            form.instance.initiative = initiative
            form.instance.author = request.user
            form.instance.page_language = active_language()
            opportunity = rules.publish(
                form.instance,
                countries=form.cleaned_data["countries"],
                themes=form.cleaned_data["themes"],
                sectors=form.cleaned_data["sectors"],
            )
            if opportunity.is_published:
                messages.success(request, _("Your opportunity is published."))
                return redirect(opportunity)
            messages.success(
                request, _("Thank you. Staff review a manager's first opportunity; it will be published once approved.")
            )
            return redirect("collaboration:my_opportunities")
    context = {"form": form, "initiative": initiative}
    return render(request, "collaboration/publish.html", context, status=400 if form.errors else 200)


@login_required
def edit(request, pk):
    opportunity = get_object_or_404(Opportunity.objects.select_related("initiative"), pk=pk)
    if not rules.may_edit(request.user, opportunity):
        return _refused(request, _("Only the manager who published this opportunity can change it."))
    if not rules.has_verified_email(request.user):
        return _refused(request, _("Verify your e-mail address before publishing: open the link we sent you."))
    if opportunity.is_refused:
        return _refused(request, _("Staff refused this opportunity, so it cannot be changed; ask the catalogue's staff."))  # fmt: skip
    countries = [row.country.code for row in opportunity.sought_countries.all()]
    form = OpportunityForm(request.POST or None, instance=opportunity, initial={"countries": countries})
    if request.method == "POST" and form.is_valid():
        opportunity = rules.update(
            form.instance,
            countries=form.cleaned_data["countries"],
            themes=form.cleaned_data["themes"],
            sectors=form.cleaned_data["sectors"],
        )
        if opportunity.is_published:
            messages.success(request, _("Your changes are published."))
            return redirect(opportunity)
        messages.success(request, _("Your changes were saved; the opportunity will be published once staff approve it."))  # fmt: skip
        return redirect("collaboration:my_opportunities")
    context = {"form": form, "initiative": opportunity.initiative, "opportunity": opportunity}
    return render(request, "collaboration/publish.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def close(request, pk):
    opportunity = get_object_or_404(Opportunity, pk=pk)
    if not rules.may_edit(request.user, opportunity):
        return _refused(request, _("Only the manager who published this opportunity can close it."))
    if rules.close(opportunity):
        messages.success(request, _("The opportunity is closed. It stays readable, marked closed."))
    else:
        messages.info(request, _("The opportunity was already closed."))
    return redirect("collaboration:my_opportunities")


@login_required
def my_opportunities(request):
    initiatives = managed_initiatives(request.user).order_by("name_key")
    subscribed = set(DigestSubscription.objects.filter(user=request.user).values_list("initiative_id", flat=True))
    context = {
        "initiatives": [(initiative, initiative.pk in subscribed) for initiative in initiatives],
        "opportunities": Opportunity.objects.by(request.user).select_related("initiative").order_by("-created"),
    }
    return render(request, "collaboration/my_opportunities.html", context)


@login_required
@require_POST
def subscription(request, slug):
    initiative = get_object_or_404(Initiative, slug=slug)
    if not rules.manages(request.user, initiative):
        return _refused(request, _("You do not manage this initiative."))
    if request.POST.get("subscribe") == "1":
        DigestSubscription.objects.get_or_create(user=request.user, initiative=initiative)
        messages.success(request, _("You will receive the weekly digest of new matching opportunities."))
    else:
        DigestSubscription.objects.filter(user=request.user, initiative=initiative).delete()
        messages.success(request, _("You will no longer receive the weekly digest for this initiative."))
    return redirect("collaboration:my_opportunities")


def unsubscribe(request, token):
    """A GET shows the button, a POST unsubscribes: mail scanners follow links, people press buttons."""
    subscription = subscription_from_token(token)
    if subscription is None:
        return render(request, "collaboration/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        name = subscription.initiative.display_name
        subscription.delete()
        return render(request, "collaboration/unsubscribe.html", {"done": True, "name": name})
    return render(request, "collaboration/unsubscribe.html", {"subscription": subscription})
