from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .cache import bump_catalogue_version
from .models import Initiative, Municipality, Program, Region, Route, Sector, Theme


@receiver(m2m_changed, sender=Initiative.municipalities.through)
def reindex_after_municipalities_change(sender, instance, action, reverse, **kwargs):
    # Municipality names are searchable; keep the folded index in step with the relation.
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        instance.refresh_search_text()


CATALOGUE_MODELS = (Initiative, Sector, Theme, Program, Route, Region, Municipality)
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
