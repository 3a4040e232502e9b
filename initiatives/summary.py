"""A factual sentence about an initiative built from its data, in the page's language, for pages
where it has no description of its own: what it is, where, and in which sectors."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _names(items) -> str:
    return ", ".join(items)


def where(initiative) -> str:
    """'16 municipalities of Amapá', 'Medellín, Antioquia (Colombia)' or 'Colombia'."""
    country = str(initiative.country.name)
    regions = [r.name for r in initiative.regions.all()]
    municipalities = list(initiative.municipalities.all())
    if municipalities and regions:
        return ngettext(
            "%(count)s municipality of %(regions)s", "%(count)s municipalities of %(regions)s", len(municipalities)
        ) % {"count": len(municipalities), "regions": _names(regions)}
    places = list(dict.fromkeys(p for p in [initiative.territory, *regions] if p))
    if places:
        return _("%(places)s (%(country)s)") % {"places": _names(places), "country": country}
    return country


def factual_summary(initiative) -> str:
    """'Polo of the Honey Route in 16 municipalities of Amapá.' or 'Cluster initiative in
    Medellín, Antioquia (Colombia). Sector: Agri-food.' Reads prefetched relations."""
    if initiative.route_id:
        sentence = _("Polo of the %(route)s in %(where)s.") % {
            "route": initiative.route.display_name,
            "where": where(initiative),
        }
    else:
        sentence = _("%(kind)s in %(where)s.") % {"kind": initiative.get_kind_display(), "where": where(initiative)}
    sectors = [s.display_name for s in initiative.sectors.all()]
    if sectors:
        sentence += " " + ngettext("Sector: %(names)s.", "Sectors: %(names)s.", len(sectors)) % {
            "names": _names(sectors)
        }
    return sentence
