from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from .models import Initiative


@receiver(m2m_changed, sender=Initiative.municipalities.through)
def reindex_after_municipalities_change(sender, instance, action, reverse, **kwargs):
    # Municipality names are searchable; keep the folded index in step with the relation.
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        instance.refresh_search_text()
