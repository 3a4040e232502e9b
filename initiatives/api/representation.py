"""DRF's serialization, planned once per serializer instead of dispatched per field and row.

A page of 100 initiatives is about 4,500 values (regions, sectors, families and themes nested);
DRF looks each one up through Field.get_attribute and converts it through the field's
to_representation, which was half the page's time. Here each field becomes a (name, getter,
converter) step, built once per serializer (so once per request for a list). Plain fields
(text, numbers) read their attribute and convert it inline; nested serializers are planned the
same way; other fields read their attribute inline too unless they look it up their own way
(hyperlinks, custom fields), and keep their own to_representation (dates, choices, URLs). A
field may plan its own lookup (planned_attribute) or conversion (planned_representation). The
output is DRF's own, key for key (pinned by the tests of the API's representation).
"""

import copy
import functools
import re
import types

from django.core.exceptions import ObjectDoesNotExist
from django.db.models.manager import BaseManager
from rest_framework import serializers
from rest_framework.relations import Hyperlink, PKOnlyObject

from .preload import preloaded

# Fields whose to_representation is exactly this conversion of a value that is not None.
INLINE = {
    serializers.CharField: str,
    serializers.SlugField: str,
    serializers.IntegerField: int,
    serializers.FloatField: float,
}
_CALLABLE = (types.FunctionType, types.MethodType, functools.partial)
# Characters that reverse() and build_absolute_uri() leave as they are in a path segment.
PLAIN_SEGMENT = re.compile(r"[-\w]+", re.ASCII)


class PlannedRepresentation:
    """Mixin for a (model) serializer: the same to_representation, planned once."""

    def get_fields(self):
        # What ModelSerializer builds from the model and Meta depends on the class alone: built
        # once per process, then copied for each request as DRF copies the declared fields.
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built
        return copy.deepcopy(built)

    def to_representation(self, instance):
        plan = self.__dict__.get("_representation_plan")
        if plan is None:
            plan = self._representation_plan = plan_for(self)
        return plan(instance)


def plan_for(serializer):
    steps = [(field.field_name, _getter(field), _converter(field)) for field in serializer._readable_fields]

    def represent(instance):
        ret = {}
        for name, get, convert in steps:
            try:
                value = get(instance)
            except serializers.SkipField:
                continue
            empty = (value.pk if isinstance(value, PKOnlyObject) else value) is None
            ret[name] = None if empty else convert(value)
        return ret

    return represent


def _getter(field):
    get = _attribute_getter(field)
    if isinstance(field, serializers.ListSerializer) and len(field.source_attrs) == 1:
        name = field.source_attrs[0]

        def get_list(instance):
            found = preloaded(instance, name)  # see .preload: the API list's page
            return get(instance) if found is None else found

        return get_list
    return get


def _attribute_getter(field):
    if hasattr(field, "planned_attribute"):
        return field.planned_attribute()
    attrs = field.source_attrs
    if type(field).get_attribute is not serializers.Field.get_attribute or not attrs:
        return field.get_attribute  # its own lookup (relations, the whole object)

    def get(instance):
        value = instance
        try:
            for attr in attrs:
                value = getattr(value, attr)
                if isinstance(value, _CALLABLE):
                    raise AttributeError  # a method to call: DRF's own path below
        except (ObjectDoesNotExist, AttributeError, KeyError):
            # The rare cases (a missing relation, a method, no value): exactly as DRF does them.
            return field.get_attribute(instance)
        return value

    return get


def _converter(field):
    if type(field) in INLINE:
        return INLINE[type(field)]
    if isinstance(field, serializers.DateTimeField) and not hasattr(field, "timezone"):
        field.timezone = field.default_timezone()  # DRF's own attribute: read once, not per row
    if type(field) is serializers.HyperlinkedIdentityField:
        return _hyperlink(field)
    if hasattr(field, "planned_representation"):
        return field.planned_representation()
    if isinstance(field, serializers.ListSerializer) and _plain(field.child):
        child = _once_per_row(plan_for(field.child))
        return lambda value: [child(item) for item in (value.all() if isinstance(value, BaseManager) else value)]
    if _plain(field):
        return _once_per_row(plan_for(field))
    return field.to_representation


def _hyperlink(field):
    """The field's links with one reverse() per request instead of one per row: the addresses
    differ only by the lookup value, put in place of a placeholder when it needs no quoting."""
    request = field.context.get("request")
    if field.context.get("format") or getattr(request, "versioning_scheme", None) or request is None:
        return field.to_representation
    placeholder = "lookup-placeholder"
    url = field.reverse(field.view_name, kwargs={field.lookup_url_kwarg: placeholder}, request=request)
    prefix, suffix = url.split(placeholder)

    def convert(instance):
        value = getattr(instance, field.lookup_field)
        if instance.pk in (None, "") or not isinstance(value, str) or not PLAIN_SEGMENT.fullmatch(value):
            return field.to_representation(instance)
        return Hyperlink(f"{prefix}{value}{suffix}", instance)

    return convert


def _once_per_row(represent):
    """A nested object's representation computed once per database row: a page's 100
    initiatives share a few dozen sectors, themes and regions. (A serializer lives for one
    request, in one language, so a row's representation cannot change meanwhile.)"""
    done = {}

    def once(item):
        key = (type(item), getattr(item, "pk", None))
        if key[1] is None:
            return represent(item)
        if key not in done:
            done[key] = represent(item)
        return done[key]

    return once


def _plain(field) -> bool:
    """A serializer with DRF's own field-by-field to_representation (none of its own)."""
    return (
        isinstance(field, serializers.Serializer)
        and type(field).to_representation is serializers.Serializer.to_representation
    )
