"""Why two initiatives are similar, in words a visitor can check: the sectors and themes they
share, and whether they are in different countries (the catalogue exists to connect those)."""

from dataclasses import dataclass


@dataclass
class Similarity:
    initiative: object
    shared_sectors: list
    shared_themes: list
    other_country: bool


def explain_similarity(initiative, candidates) -> list[Similarity]:
    """`candidates` come from InitiativeQuerySet.similar_to() with sectors and themes prefetched."""
    sectors = {s.pk for s in initiative.sectors.all()}
    themes = {t.pk for t in initiative.themes.all()}
    return [
        Similarity(
            initiative=other,
            shared_sectors=[s for s in other.sectors.all() if s.pk in sectors],
            shared_themes=[t for t in other.themes.all() if t.pk in themes],
            other_country=other.country != initiative.country,
        )
        for other in candidates
    ]
