from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from initiatives.models import Initiative

from .collaboration import send_proposal_confirmation
from .facets import active_filters, build_facets
from .feeds import build_calendar, registered_entries
from .filters import EventFilterSet, LibraryFilterSet, NewsFilterSet
from .forms import InterestForm, ProposalForm, ProposalLookupForm
from .models import Event, LibraryItem, News, Proposal
from .spam import counted_valid, over_rate_limit

PAGE_SIZE = 20
CALENDAR_PAST_EVENTS = 50  # the feed keeps recent history so subscribers do not lose last week's events


def _filtered_list(request, filterset, template, **context):
    """A hub list with its facets and chips; invalid filters are explained and show no items."""
    facets = build_facets(filterset, filterset.facet_specs())
    items = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    # Two or more filters make a combination: crawlers may follow its links but not index it.
    chosen = [value for name in filterset.filters for value in request.GET.getlist(name) if value.strip()]
    context |= {
        "filterset": filterset,
        "page": page,
        "facets": facets,
        "active_filters": active_filters(request.GET, facets),
        "noindex": len(chosen) >= 2,
    }
    return render(request, template, context)


def library(request):
    return _filtered_list(request, LibraryFilterSet(request.GET), "hub/library_list.html")


def library_item(request, slug):
    item = get_object_or_404(LibraryItem.objects.published().prefetch_related("themes", "sectors"), slug=slug)
    return render(request, "hub/library_detail.html", {"item": item})


def events(request, past=False):
    published = Event.objects.published()
    listed = published.past() if past else published.upcoming()
    filterset = EventFilterSet(request.GET, queryset=listed)
    return _filtered_list(request, filterset, "hub/event_list.html", past=past)


def event(request, slug):
    item = get_object_or_404(Event.objects.published().prefetch_related("themes"), slug=slug)
    return render(request, "hub/event_detail.html", {"event": item})


def _calendar_response(request, events, name, filename=None, entries=()):
    body = build_calendar(events, request.build_absolute_uri, name, entries)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def events_calendar(request):
    published = Event.objects.published()
    events = [*published.past()[:CALENDAR_PAST_EVENTS], *published.upcoming()]
    # Plus other apps' dated items (e.g. opportunities' closing dates), see hub.feeds.
    return _calendar_response(request, events, _("Events and courses"), entries=registered_entries())


def event_calendar(request, slug):
    item = get_object_or_404(Event.objects.published(), slug=slug)
    return _calendar_response(request, [item], item.display_title.text, filename=f"{item.slug}.ics")


def news(request):
    filterset = NewsFilterSet(request.GET, queryset=News.objects.latest_first())
    return _filtered_list(request, filterset, "hub/news_list.html")


def news_item(request, slug):
    item = get_object_or_404(News.objects.published().prefetch_related("themes"), slug=slug)
    related = item.initiatives.published().by_name()
    return render(request, "hub/news_detail.html", {"item": item, "related": related})


def _limited(request, template, context):
    """The page again, with the visitor's input kept, when the address posted too often."""
    context["rate_limited"] = True
    return render(request, template, context, status=429)


def propose(request):
    # A visitor most likely writes in the language of the page they are reading.
    form = ProposalForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST":
        if over_rate_limit(request, "proposal"):
            return _limited(request, "hub/proposal_form.html", {"form": form})
        if counted_valid(request, form, "proposal"):
            proposal = form.save()
            status_url = request.build_absolute_uri(proposal.get_absolute_url())
            send_proposal_confirmation(proposal, status_url, get_language())
            messages.success(request, _("Thank you: your proposal was received. Keep its reference to follow it."))
            return redirect(proposal)
    return render(request, "hub/proposal_form.html", {"form": form}, status=400 if form.errors else 200)


def proposal_status(request, reference):
    form = ProposalLookupForm({"reference": reference})
    if not form.is_valid():
        raise Http404(_("No proposal has this reference."))
    proposal = get_object_or_404(Proposal, reference=form.cleaned_data["reference"])
    return render(request, "hub/proposal_status.html", {"proposal": proposal})


def proposal_lookup(request):
    if not request.GET.get("reference", "").strip():
        return render(request, "hub/proposal_lookup.html", {"reference": "", "error": ""})
    form = ProposalLookupForm(request.GET)
    if not form.is_valid():
        shown = form.data["reference"].replace("\x00", "")
        context = {"reference": shown, "error": " ".join(form.errors["reference"])}
        return render(request, "hub/proposal_lookup.html", context, status=400)
    reference = form.cleaned_data["reference"]
    if Proposal.objects.filter(reference=reference).exists():
        return redirect("hub:proposal_status", reference=reference)
    error = _("No proposal has the reference %(reference)s. Check it and try again.") % {"reference": reference}
    return render(request, "hub/proposal_lookup.html", {"reference": reference, "error": error})


def interest(request, slug):
    initiative = get_object_or_404(Initiative.objects.published(), slug=slug)
    form = InterestForm(request.POST or None)
    context = {"form": form, "initiative": initiative}
    if request.method == "POST":
        if over_rate_limit(request, "interest"):
            return _limited(request, "hub/interest_page.html", context)
        if counted_valid(request, form, "interest"):
            form.instance.initiative = initiative
            form.save()
            return redirect("hub:interest_sent", slug=initiative.slug)
    return render(request, "hub/interest_page.html", context, status=400 if form.errors else 200)


def interest_sent(request, slug):
    initiative = get_object_or_404(Initiative.objects.published(), slug=slug)
    return render(request, "hub/interest_sent.html", {"initiative": initiative})
