"""The opportunities' connections to the rest of the site, made once from the app's ready():
their admin, cache invalidation, the panels on the catalogue's pages, the themes they keep in use
and their closing dates in the hub's calendar. The other apps never import this one."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from hub.feeds import register_calendar_source
from initiatives.cache import bump_catalogue_version
from initiatives.models import Theme
from initiatives.panels import register_panel
from initiatives.querysets import count_as_published_use


def invalidate_public_caches(**kwargs):
    # Opportunities and managers' profiles show on catalogue pages (initiative, home, theme),
    # cached per catalogue version.
    bump_catalogue_version()


def connect():
    from . import opportunity_admin  # noqa: F401
    from .models import ManagerProfile, Opportunity, SoughtCountry
    from .opportunity_feeds import calendar_entries

    for model in (Opportunity, SoughtCountry, ManagerProfile):
        uid = f"collaboration-bump-{model.__name__}"
        post_save.connect(invalidate_public_caches, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(invalidate_public_caches, sender=model, dispatch_uid=f"{uid}-delete")
    for field in Opportunity._meta.many_to_many:
        through = field.remote_field.through
        m2m_changed.connect(invalidate_public_caches, sender=through, dispatch_uid=f"collaboration-bump-{field.name}")

    register_panel("initiative_detail", "collaboration/includes/initiative_panel.html")
    register_panel("initiative_detail", "collaboration/includes/managers_panel.html")
    register_panel("home", "collaboration/includes/home_panel.html")
    register_panel("theme", "collaboration/includes/theme_panel.html")
    count_as_published_use(Theme, "opportunities__is_published")
    register_calendar_source(calendar_entries)
