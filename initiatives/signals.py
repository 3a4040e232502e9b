from django.db.models.signals import m2m_changed, post_delete, post_save

from . import search_index
from .cache import bump_catalogue_version
from .models import Initiative, Municipality, Program, Region, Route, Sector, SectorFamily, Theme

SEARCHED_RELATIONS = (Initiative.municipalities.through, Initiative.regions.through, Initiative.sectors.through)


def reindex_after_relation_change(sender, instance, action, reverse, pk_set=None, **kwargs):
    # Place and sector names are searchable; keep the folded index in step with the relations.
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        instance.refresh_search_text()
    elif pk_set:
        search_index.reindex(Initiative.objects.filter(pk__in=pk_set))


def reindex_after_rename(sender, instance, created, raw=False, **kwargs):
    # A renamed sector, region, municipality, Rota or programme changes its initiatives' index.
    if created or raw:
        return
    using_it = Initiative.objects.filter(**{SEARCHED_TERMS[sender]: instance}).values("pk")
    search_index.reindex(Initiative.objects.filter(pk__in=using_it))


SEARCHED_TERMS = {
    Sector: "sectors",
    SectorFamily: "sectors__family",
    Region: "regions",
    Municipality: "municipalities",
    Route: "route",
    Program: "program",
}

for through in SEARCHED_RELATIONS:
    m2m_changed.connect(reindex_after_relation_change, sender=through, dispatch_uid=f"reindex-{through.__name__}")
for model in SEARCHED_TERMS:
    post_save.connect(reindex_after_rename, sender=model, dispatch_uid=f"reindex-rename-{model.__name__}")


CATALOGUE_MODELS = (Initiative, SectorFamily, Sector, Theme, Program, Route, Region, Municipality)
CATALOGUE_RELATIONS = (
    Initiative.regions.through,
    Initiative.municipalities.through,
    Initiative.sectors.through,
    Initiative.themes.through,
)


def invalidate_catalogue_caches(**kwargs):
    bump_catalogue_version()


for model in CATALOGUE_MODELS:
    post_save.connect(invalidate_catalogue_caches, sender=model, dispatch_uid=f"bump-save-{model.__name__}")
    post_delete.connect(invalidate_catalogue_caches, sender=model, dispatch_uid=f"bump-delete-{model.__name__}")
for through in CATALOGUE_RELATIONS:
    m2m_changed.connect(invalidate_catalogue_caches, sender=through, dispatch_uid=f"bump-m2m-{through.__name__}")
