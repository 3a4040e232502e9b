"""Submitting Django admin forms from tests the way a browser would."""

from django.db.models.fields.files import FieldFile
from django.urls import reverse


def form_data(form, **changes):
    """What the browser would submit for an admin form as shown, with some fields changed."""
    data = {}
    for name, value in {**form.initial, **changes}.items():
        if name not in form.fields or value is None or value is False or isinstance(value, FieldFile):
            continue  # a browser sends no file again for a file field that already holds one
        if isinstance(value, list | tuple):
            value = [getattr(item, "pk", item) for item in value]
        data[name] = "on" if value is True else getattr(value, "pk", value)
    return data


def change_form(client, obj):
    """The admin change form of `obj`, as the logged-in client sees it."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return client.get(url).context["adminform"].form
