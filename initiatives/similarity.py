"""Similar initiatives, ranked so that they cross borders, and why, in words a visitor can check:
the sectors they share, else the sector family, the themes, and whether they are in another
country (the catalogue exists to connect those)."""

from dataclasses import dataclass

# How many of the best-ranked candidates are spread over countries: enough for every page size,
# bounded so that a sector shared by tens of thousands costs one short read.
RANKED_CANDIDATES = 300


@dataclass
class Similarity:
    initiative: object
    shared_sectors: list
    shared_families: list  # families shared through different sectors only
    shared_themes: list
    other_country: bool


def spread_over_countries(rows) -> list[int]:
    """Ids of ranked rows (id, country, score…) with each group of equal score taken country by
    country: the country with most such initiatives first, one initiative of each in turn. So
    twenty Brazilian polos of one family do not fill the list, and neither do they vanish behind
    one country's alphabet."""
    ordered, group, score = [], [], None
    for pk, country, *row_score in rows:
        if row_score != score and group:
            ordered += _round_robin(group)
            group = []
        score = row_score
        group.append((pk, country))
    return ordered + (_round_robin(group) if group else [])


def _round_robin(group) -> list[int]:
    by_country: dict[str, list[int]] = {}
    for pk, country in group:
        by_country.setdefault(str(country), []).append(pk)
    # Most initiatives first; between equals, the ranking's own order (by name) decides.
    first_place = {pk: place for place, (pk, _country) in enumerate(group)}
    queues = sorted(by_country.items(), key=lambda item: (-len(item[1]), first_place[item[1][0]]))
    ordered = []
    for turn in range(max(len(ids) for _country, ids in queues)):
        ordered += [ids[turn] for _country, ids in queues if turn < len(ids)]
    return ordered


def rank_similar(initiative, queryset, wanted: int) -> list[int]:
    """The ids of the `wanted` initiatives of `queryset` most similar to `initiative`, spread over
    countries (see InitiativeQuerySet.similar_to for the order)."""
    sectors = len(initiative.sectors.all())
    if not sectors and not initiative.themes.all():
        return []  # nothing to share
    # With two sectors or more, one grouped pass over the sector links counts who shares two or
    # more (a few hundred at 100,000 initiatives, counted at home and unpublished too): the sets
    # below come from it, and one too small to hold the places wanted is not even queried.
    shared = queryset.sectors_shared_with(initiative, at_least=2) if sectors > 1 else None
    every = None if shared is None else [pk for pk, n in shared.items() if n == sectors]
    if every is None or len(every) >= wanted:
        # Enough initiatives abroad sharing every sector and theme are the ranking's first places:
        # found without ranking every candidate.
        first = queryset.sharing_everything_abroad(initiative, every).values_list("pk", "country")
        first = list(first[:RANKED_CANDIDATES])
        if len(first) >= wanted:
            return spread_over_countries(first)[:wanted]
    enough = min(wanted, RANKED_CANDIDATES)
    for candidates in _narrowing(initiative, queryset, shared, enough):
        ranked = list(
            candidates.values_list(
                "pk", "country", "other_country", "shared_sectors", "shared_families", "shared_themes"
            )[:RANKED_CANDIDATES]
        )
        # Each set ranks above everyone outside it, so its first RANKED_CANDIDATES are the
        # ranking's; and a set ranked whole holds whole groups of equal score, the first ones,
        # which the spread over countries takes in the same order.
        if len(ranked) >= enough:
            break
    return spread_over_countries(ranked)[:wanted]


def _narrowing(initiative, queryset, shared, enough: int):
    """Ever larger sets of ranked candidates, each ranking above everything outside it, ending
    with all: the first that holds the places wanted gives the same first places as ranking
    every candidate, for a fraction of the counting (at 100,000 initiatives tens of thousands
    share a sector family or a theme, a few thousand abroad share a sector, a few hundred
    share two of three, a few share all three). `shared`: sectors_shared_with(), or None."""
    if shared:
        abroad = queryset.exclude(pk=initiative.pk).exclude(country=initiative.country)
        for at_least in range(len(initiative.sectors.all()), 1, -1):
            ids = [pk for pk, n in shared.items() if n >= at_least]
            if len(ids) >= enough:  # fewer, even with those at home, cannot hold the places
                yield abroad.among(ids).ranked_by_similarity_to(initiative)
    yield queryset.abroad_sharing_sectors(initiative, at_least=1).ranked_by_similarity_to(initiative)
    yield queryset.exclude(country=initiative.country).similar_to(initiative)
    yield queryset.similar_to(initiative)


def explain_similarity(initiative, candidates, links=None) -> list[Similarity]:
    """`candidates` come with their sectors (and each one's family) and themes prefetched, or
    `links` holds their links (InitiativeQuerySet.term_links(): sectors by name): what they share
    are the initiative's own terms, so its prefetched ones name them."""
    own_sectors = list(initiative.sectors.all())
    sectors = {s.pk for s in own_sectors}
    families = {s.family_id: s.family for s in own_sectors if s.family_id}
    if links is None:
        links = [(other.pk, s.pk, s.family_id, None) for other in candidates for s in other.sectors.all()]
        links += [(other.pk, None, None, t.pk) for other in candidates for t in other.themes.all()]
    by_candidate: dict[int, tuple[list, set]] = {other.pk: ([], set()) for other in candidates}
    for pk, sector, family, theme in links:
        if sector is not None:
            by_candidate[pk][0].append((sector, family))
        else:
            by_candidate[pk][1].add(theme)
    results = []
    for other in candidates:
        other_sectors, other_themes = by_candidate[other.pk]
        shared = {sector for sector, _family in other_sectors if sector in sectors}
        shared_sectors = [s for s in own_sectors if s.pk in shared]
        covered = {s.family_id for s in shared_sectors}
        # Families shared through different sectors only, in the order of the candidate's sectors.
        shared_families = {f: families[f] for _sector, f in other_sectors if f in families and f not in covered}
        results.append(
            Similarity(
                initiative=other,
                shared_sectors=shared_sectors,
                shared_families=list(shared_families.values()),
                shared_themes=[t for t in initiative.themes.all() if t.pk in other_themes],
                other_country=other.country != initiative.country,
            )
        )
    return results
