"""Country choices for the hub's forms and filters: Latin America and the Caribbean only (what the
catalogue covers), by name in the page's language, accents and case ignored."""

from django.utils.translation import gettext as _
from django_countries import countries

from initiatives.models import Initiative
from initiatives.reference import lac_country_codes
from initiatives.text import fold


def by_name(codes) -> list[tuple[str, str]]:
    return sorted(((code, countries.name(code)) for code in codes), key=lambda pair: (fold(pair[1]), pair[0]))


def lac_country_choices() -> list[tuple[str, str]]:
    return by_name(lac_country_codes())


def grouped_lac_country_choices() -> list:
    """The catalogue's countries first (where most proposals come from), then the rest of the
    region, as two groups of a <select>."""
    lac = set(lac_country_codes())
    # An empty first choice that says what to do, not Django's "---------".
    blank = ("", _("Choose a country"))
    present = set(Initiative.objects.published().values_list("country", flat=True).distinct()) & lac
    if not present:
        return [blank, *lac_country_choices()]
    return [
        blank,
        (_("Countries in the catalogue"), by_name(present)),
        (_("Other countries of Latin America and the Caribbean"), by_name(lac - present)),
    ]
