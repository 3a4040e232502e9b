"""What the API shows of each model. Every field is listed by name: a field added to a model stays
private until someone decides to publish it (internal_notes, name_key and search_text never are; nor the contact e-mail, which the hub's
forms reach without publishing it)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Initiative, Municipality, Region, Vocabulary
from ..translation import active_language, localized
from .representation import PLAIN_SEGMENT, PlannedRepresentation


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The absolute address of the object's public page, in the language of the request."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        url = obj.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def planned_representation(self):
        """to_representation for an API page's rows (see .representation): the addresses of
        initiatives' pages differ only by the slug, so the rest is built once per request."""
        request = self.context.get("request")
        prefix, suffix = Initiative.detail_url_template().split("{slug}")
        prefix = request.build_absolute_uri(prefix) if request else prefix

        def convert(obj):
            if not isinstance(obj, Initiative) or not PLAIN_SEGMENT.fullmatch(obj.slug):
                return self.to_representation(obj)
            return f"{prefix}{obj.slug}{suffix}"

        return convert


# The display_name properties that are localized(obj, "name") in the active language.
NAMES_IN_LANGUAGE = (Vocabulary.display_name, Initiative.display_name)


class CountryCharField(serializers.CharField):
    """A CharField whose source is "country.code" or "country.name": on an API page's rows (see
    .representation) each stored code's value is worked out once per request, since it depends
    only on the code and the request's language, instead of building a Country per row."""

    def planned_attribute(self):
        country = self.source_attrs[0]
        found = {}

        def get(instance):
            code = instance.__dict__.get(country)
            if not isinstance(code, str):  # deferred or NULL: as DRF does it
                return self.get_attribute(instance)
            if code not in found:
                found[code] = self.get_attribute(instance)
            return found[code]

        return get


class DisplayNameField(serializers.CharField):
    """The object's display_name (its name in the request's language): on an API page's rows
    (see .representation) the language is read once per request instead of once per row."""

    def planned_attribute(self):
        language = active_language()

        def get(instance):
            if getattr(type(instance), self.source, None) not in NAMES_IN_LANGUAGE:
                return self.get_attribute(instance)
            return localized(instance, "name", language)

        return get


class BlankAsNull:
    """An empty address is no address: null, so that a client never gets "" where a URI is promised."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


class OptionalURLField(BlankAsNull, serializers.URLField):
    pass


class TermSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = DisplayNameField(source="display_name", read_only=True, help_text=_("In the requested language."))


class RegionRefSerializer(serializers.ModelSerializer):
    country = CountryCharField(source="country.code", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "country"]


class MunicipalitySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True, help_text=_("ISO 3166-2 code."))
    country = serializers.CharField(source="country.code", read_only=True)

    class Meta:
        model = Municipality
        fields = ["code", "name", "region", "country", "latitude", "longitude"]


class ProgramRefSerializer(TermSerializer):
    owner = serializers.CharField(read_only=True)
    country = serializers.CharField(source="country.code", read_only=True, allow_blank=True)
    website = OptionalURLField()


class FamilyRefSerializer(TermSerializer):
    cluster_category = serializers.CharField(
        read_only=True,
        help_text=_(
            "The nearest of the 51 cluster categories of the US Cluster Mapping and the European Cluster Observatory."
        ),
    )
    isic_section = serializers.CharField(read_only=True, help_text=_("ISIC Rev. 4 section (A to U)."))


class SectorRefSerializer(TermSerializer):
    family = serializers.CharField(
        source="family.slug", read_only=True, allow_null=True, help_text=_("Slug of its family; see /api/families/.")
    )


class RouteRefSerializer(TermSerializer):
    program = serializers.CharField(source="program.slug", read_only=True, help_text=_("Programme slug."))
    sector = TermSerializer(read_only=True, allow_null=True)


class InitiativeListSerializer(PlannedRepresentation, serializers.ModelSerializer):
    # Planned once per request (see .representation): a page has thousands of values.
    url = serializers.HyperlinkedIdentityField(view_name="api:initiative-detail", lookup_field="slug")
    page_url = PageUrlField(help_text=_("The initiative's page in the catalogue."))
    display_name = DisplayNameField(read_only=True, help_text=_("The name in the requested language."))
    country = CountryCharField(source="country.code", read_only=True, help_text=_("ISO 3166-1 alpha-2 code."))
    country_name = CountryCharField(source="country.name", read_only=True)
    regions = RegionRefSerializer(many=True, read_only=True)
    sectors = SectorRefSerializer(many=True, read_only=True)
    families = FamilyRefSerializer(many=True, read_only=True, help_text=_("The families of its sectors."))
    themes = TermSerializer(many=True, read_only=True)
    program = TermSerializer(read_only=True, allow_null=True)
    route = TermSerializer(read_only=True, allow_null=True, help_text=_("The Rota, for Rotas polos."))
    website = OptionalURLField()

    class Meta:
        model = Initiative
        fields = [
            "url", "page_url", "slug", "name", "display_name", "language", "kind", "status",
            "country", "country_name", "regions", "territory", "latitude", "longitude", "location_precision",
            "sectors", "families", "specialisation", "themes", "program", "route",
            "managing_organisation", "year_started", "member_count", "website", "updated",
        ]  # fmt: skip
        read_only_fields = fields


class InitiativeDetailSerializer(InitiativeListSerializer):
    display_description = serializers.CharField(
        read_only=True, help_text=_("The description in the requested language.")
    )
    municipalities = MunicipalitySerializer(many=True, read_only=True)
    program = ProgramRefSerializer(read_only=True, allow_null=True)
    route = RouteRefSerializer(read_only=True, allow_null=True, help_text=_("The Rota, for Rotas polos."))
    source_url = OptionalURLField()

    class Meta(InitiativeListSerializer.Meta):
        fields = [
            *InitiativeListSerializer.Meta.fields,
            "name_pt_br", "name_es", "name_en",
            "description", "display_description", "description_pt_br", "description_es", "description_en",
            "municipalities", "source_text", "source_url", "created",
        ]  # fmt: skip
        read_only_fields = fields


# Vocabularies, each with the number of published initiatives (annotated by the view).


class CountedSerializer(serializers.Serializer):
    initiative_count = serializers.IntegerField(read_only=True, help_text=_("Published initiatives."))


class CountrySerializer(CountedSerializer):
    code = serializers.CharField(read_only=True, help_text=_("ISO 3166-1 alpha-2 code."))
    name = serializers.CharField(read_only=True, help_text=_("In the requested language."))


class RegionSerializer(CountedSerializer, RegionRefSerializer):
    class Meta(RegionRefSerializer.Meta):
        fields = [*RegionRefSerializer.Meta.fields, "initiative_count"]


class SectorSerializer(CountedSerializer, SectorRefSerializer):
    pass


class FamilySerializer(CountedSerializer, FamilyRefSerializer):
    sectors = serializers.SerializerMethodField(help_text=_("Slugs of its sectors."))

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_sectors(self, family) -> list[str]:
        return [sector.slug for sector in family.sectors.all()]


class ThemeSerializer(CountedSerializer, TermSerializer):
    pass


class ProgramSerializer(CountedSerializer, ProgramRefSerializer):
    pass


class RouteSerializer(CountedSerializer, TermSerializer):
    program = serializers.CharField(source="program.slug", read_only=True, help_text=_("Programme slug."))
    sector = serializers.CharField(source="sector.slug", read_only=True, allow_null=True, help_text=_("Sector slug."))
