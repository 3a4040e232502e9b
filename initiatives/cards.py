"""What a list's cards show of their initiatives, read and named once a page.

A prefetch built, for 24 cards, a filtered queryset per initiative and relation and a model
instance per link, and the template then built a related manager per access. Here each link
table is read as (initiative, term) pairs in the vocabulary's own order (the database sorts,
so its collation decides as the prefetch's did), the terms come from the vocabulary labels
already read for the facets, and each initiative gets plain values in the page's language:
`card_sectors` and `card_themes` (names, each term named once a page), `card_meta` (kind ·
country · regions, · status when inactive: get_kind_display() hashes every choice's lazy label,
a gettext each, on each call) and `card_url` (one reverse() a page, not one a card).
"""

from .labels import vocabulary_labels
from .models import Initiative, Region, Sector, Theme

CARD_TERMS = {"sectors": ("sector", Sector, "card_sectors"), "themes": ("theme", Theme, "card_themes")}


def preload_card_terms(initiatives: list) -> None:
    ids = [initiative.pk for initiative in initiatives]
    if not ids:
        return
    labels = vocabulary_labels()
    for relation, (vocabulary, model, attribute) in CARD_TERMS.items():
        descriptor = getattr(Initiative, relation)
        term = descriptor.field.m2m_reverse_field_name()
        links = list(
            descriptor.through.objects.filter(initiative_id__in=ids)
            .order_by(*_through(term, model._meta.ordering))
            .values_list("initiative_id", f"{term}_id")
        )
        by_id = {found.pk: found for found in labels[vocabulary].values()}
        if any(term_id not in by_id for _pk, term_id in links):
            # A term added since the labels were read (another process's edit): read them all.
            by_id = model.objects.in_bulk()
        names = {term_id: by_id[term_id].display_name for term_id in {term_id for _pk, term_id in links}}
        _attach(initiatives, attribute, ((pk, names[term_id]) for pk, term_id in links))
    regions = (
        Initiative.regions.through.objects.filter(initiative_id__in=ids)
        .order_by(*_through("region", Region._meta.ordering))
        .values_list("initiative_id", "region__name")
    )
    _attach(initiatives, "card_regions", regions)
    _meta_and_url(initiatives)


def _meta_and_url(initiatives: list) -> None:
    kinds = {value: str(label) for value, label in Initiative.Kind.choices}
    statuses = {value: str(label) for value, label in Initiative.Status.choices}
    countries = {}
    url_template = Initiative.detail_url_template()
    for initiative in initiatives:
        initiative.card_url = url_template.replace("{slug}", initiative.slug)
        code = initiative.country.code
        if code not in countries:
            countries[code] = initiative.country.name
        meta = [kinds.get(initiative.kind, initiative.kind), countries[code]]
        if initiative.card_regions:
            meta.append(", ".join(initiative.card_regions))
        if initiative.status == Initiative.Status.INACTIVE:
            meta.append(statuses.get(initiative.status, initiative.status))
        initiative.card_meta = " · ".join(str(part) for part in meta)


def _through(relation: str, ordering: list[str]) -> list[str]:
    """A model's ordering, spelt from the link table: ["-name"] -> ["-sector__name"]."""
    return [f"-{relation}__{field[1:]}" if field.startswith("-") else f"{relation}__{field}" for field in ordering]


def _attach(initiatives: list, attribute: str, pairs) -> None:
    by_initiative = {initiative.pk: [] for initiative in initiatives}
    for pk, value in pairs:
        by_initiative[pk].append(value)
    for initiative in initiatives:
        setattr(initiative, attribute, by_initiative[initiative.pk])
