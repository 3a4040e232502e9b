from django.db.models.signals import m2m_changed, post_delete, post_save

from initiatives.cache import bump_catalogue_version

from .models import Event, LibraryItem, News


def invalidate_public_caches(**kwargs):
    # Hub panels appear on catalogue pages (home, themes) and public pages carry ETags derived
    # from the catalogue version: a change to published hub content must move it too.
    bump_catalogue_version()


for model in (LibraryItem, Event, News):
    post_save.connect(invalidate_public_caches, sender=model, dispatch_uid=f"hub-bump-save-{model.__name__}")
    post_delete.connect(invalidate_public_caches, sender=model, dispatch_uid=f"hub-bump-delete-{model.__name__}")
    for field in model._meta.many_to_many:
        m2m_changed.connect(
            invalidate_public_caches,
            sender=field.remote_field.through,
            dispatch_uid=f"hub-bump-m2m-{model.__name__}-{field.name}",
        )
