"""The sectors (with families), themes and regions of one page of the API's list, loaded cheaply.

Django's prefetch_related builds, for each initiative and relation, a filtered queryset to hold
the prefetched rows, and one model instance per link: at 100 initiatives that was most of the
page's database work in Python (about 20 ms, the queries themselves about 2 ms). Here each link
table is read as (initiative, term) id pairs, each term is loaded once, and every initiative
gets plain lists, in the order a prefetch gives (the vocabulary's own ordering). The API's
representation (see .representation) reads them; nothing else does.
"""

from ..models import Initiative, Region, Sector, Theme, families_of

PRELOADED = "_api_vocabularies"


def preload_vocabularies(initiatives: list) -> None:
    ids = [initiative.pk for initiative in initiatives]
    loaded: dict[int, dict[str, list]] = {pk: {} for pk in ids}
    for relation, terms in (
        ("sectors", Sector.objects.select_related("family")),
        ("themes", Theme.objects.all()),
        ("regions", Region.objects.all()),
    ):
        descriptor = getattr(Initiative, relation)
        term_id = f"{descriptor.field.m2m_reverse_field_name()}_id"
        links = list(descriptor.through.objects.filter(initiative_id__in=ids).values_list("initiative_id", term_id))
        ordered = list(terms.filter(pk__in={term for _initiative, term in links}))
        place = {term.pk: n for n, term in enumerate(ordered)}
        by_initiative: dict[int, list] = {pk: [] for pk in ids}
        for initiative, term in links:
            by_initiative[initiative].append(term)
        for pk, term_ids in by_initiative.items():
            loaded[pk][relation] = [ordered[place[term]] for term in sorted(term_ids, key=place.__getitem__)]
    for initiative in initiatives:
        vocabularies = loaded[initiative.pk]
        vocabularies["families"] = families_of(vocabularies["sectors"])
        setattr(initiative, PRELOADED, vocabularies)


def preloaded(instance, attribute: str):
    """The preloaded list for `attribute` of `instance`, or None when it was not preloaded."""
    return getattr(instance, PRELOADED, {}).get(attribute)
