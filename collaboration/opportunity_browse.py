"""The public list's selection and facets: kind, theme, sector family, country sought, open or
closed. Values within a facet widen the selection, facets narrow it; unknown values are explained
and dropped, as on the initiatives' list. The facets reuse the list's Facet and FacetOption."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from initiatives.facets import Facet, FacetOption
from initiatives.models import SectorFamily, Theme
from initiatives.reference import lac_country_codes
from initiatives.text import fold

from .models import Opportunity, SoughtCountry

FACETS = {
    "kind": gettext_lazy("Kind"),
    "theme": gettext_lazy("Theme"),
    "family": gettext_lazy("Sector family"),
    "country": gettext_lazy("Country sought"),
    "status": gettext_lazy("Open or closed"),
}
STATUSES = {"open": gettext_lazy("Open"), "closed": gettext_lazy("Closed")}


@dataclass
class OpportunitySelection:
    params: dict[str, list[str]]
    notices: list[str] = field(default_factory=list)

    def queryset(self, without: str | None = None):
        today = timezone.localdate()
        opportunities = Opportunity.objects.published()
        for name, values in self.params.items():
            if name == without or not values:
                continue
            if name == "kind":
                opportunities = opportunities.filter(kind__in=values)
            elif name == "theme":
                opportunities = opportunities.filter(
                    pk__in=Opportunity.objects.filter(themes__slug__in=values).values("pk")
                )
            elif name == "family":
                chosen = Opportunity.objects.filter(sectors__family__slug__in=values).values("pk")
                opportunities = opportunities.filter(pk__in=chosen)
            elif name == "country":
                chosen = SoughtCountry.objects.filter(country__in=values).values("opportunity_id")
                opportunities = opportunities.filter(pk__in=chosen)
            elif name == "status" and len(values) == 1:
                opportunities = opportunities.open() if values[0] == "open" else opportunities.closed()
        return opportunities.annotate(
            still_open=Case(When(closes_on__gte=today, then=Value(1)), default=Value(0), output_field=IntegerField())
        ).order_by("-still_open", "-published_at", "-pk")


def select(query) -> OpportunitySelection:
    valid = {
        "kind": set(Opportunity.Kind.values),
        "theme": set(Theme.objects.values_list("slug", flat=True)),
        "family": set(SectorFamily.objects.values_list("slug", flat=True)),
        "country": set(lac_country_codes()),
        "status": set(STATUSES),
    }
    params, notices = {}, []
    for name in FACETS:
        kept = []
        for value in dict.fromkeys(v.strip() for v in query.getlist(name)):
            if value in valid[name]:
                kept.append(value)
            elif value:
                notices.append(
                    _("“%(value)s” is not a known value of %(facet)s: it was ignored.")
                    % {"value": value[:60], "facet": FACETS[name]}
                )
        params[name] = kept
    return OpportunitySelection(params=params, notices=notices)


def _counts(selection: OpportunitySelection, name: str) -> dict[str, int]:
    ids = selection.queryset(without=name).order_by().values("pk")
    if name == "kind":
        rows = Opportunity.objects.filter(pk__in=ids).values_list("kind").annotate(n=Count("*"))
    elif name == "theme":
        through = Opportunity.themes.through.objects.filter(opportunity_id__in=ids)
        rows = through.values_list("theme__slug").annotate(n=Count("*"))
    elif name == "family":
        through = Opportunity.sectors.through.objects.filter(opportunity_id__in=ids, sector__family__isnull=False)
        rows = through.values_list("sector__family__slug").annotate(n=Count("opportunity_id", distinct=True))
    elif name == "country":
        rows = SoughtCountry.objects.filter(opportunity_id__in=ids).values_list("country").annotate(n=Count("*"))
    else:
        today = timezone.localdate()
        totals = Opportunity.objects.filter(pk__in=ids).aggregate(
            open=Count("pk", filter=Q(closes_on__gte=today)), closed=Count("pk", filter=Q(closes_on__lt=today))
        )
        rows = [(key, n) for key, n in totals.items() if n]
    return dict(rows)


def build_facets(selection: OpportunitySelection) -> list[Facet]:
    labels = {
        "kind": dict(Opportunity.Kind.choices),
        "theme": {t.slug: t.display_name for t in Theme.objects.all()},
        "family": {f.slug: f.display_name for f in SectorFamily.objects.all()},
        "country": {code: countries.name(code) for code in lac_country_codes()},
        "status": STATUSES,
    }
    facets = []
    for name, label in FACETS.items():
        counts = _counts(selection, name)
        chosen = selection.params[name]
        values = list(dict.fromkeys([*counts, *chosen]))
        options = [
            FacetOption(value=v, label=str(labels[name].get(v, v)), count=counts.get(v, 0), selected=v in chosen)
            for v in values
        ]
        order = list(labels[name]) if name in ("kind", "status") else None
        options.sort(key=lambda o: order.index(o.value) if order else fold(o.label))
        if options:
            facets.append(Facet(name=name, label=str(label), options=options))
    return facets


def active_filters(selection: OpportunitySelection, facets: list[Facet]):
    """(facet label, value label, the query without it) for each chosen value, as the list shows them."""
    labels = {(f.name, o.value): (f.label, o.label) for f in facets for o in f.options}
    chips = []
    for name, values in selection.params.items():
        for value in values:
            remaining = [(n, v) for n, vs in selection.params.items() for v in vs if (n, v) != (name, value)]
            facet_label, value_label = labels.get((name, value), (str(FACETS[name]), value))
            chips.append((facet_label, value_label, urlencode(remaining)))
    return chips
