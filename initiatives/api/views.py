"""Read-only API views. Thin: the FilterSet selects, the serializers and exports present."""

import re

from django.db.models import Count, Prefetch, Q
from django.http import StreamingHttpResponse
from django.http.response import FileResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_countries import countries
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ..facet_table import TOTAL
from ..filters import InitiativeFilterSet
from ..models import Initiative, Municipality, Program, Region, Route, Sector, SectorFamily, Theme
from ..pagination import CachedCountPaginator
from ..reference import lac_country_codes
from ..selection import PRESENTATION, InvalidSelection, normalise, requested_language, select
from ..text import fold
from ..translation import LANGUAGE_CODES
from . import exports, fragments
from .geojson import initiatives_geojson, site_root
from .preload import preload_vocabularies, vocabulary_tokens
from .renderers import FastJSONRenderer
from .schema import (
    DESCRIPTIONS,
    FILTER_PARAMETERS,
    GEOJSON_ERRORS,
    LANGUAGE_PARAMETER,
    RETRY_AFTER,
    error_responses,
    feature_collection,
)
from .serializers import (
    CountrySerializer,
    FamilySerializer,
    InitiativeDetailSerializer,
    InitiativeListSerializer,
    ProgramSerializer,
    RegionSerializer,
    RouteSerializer,
    SectorSerializer,
    ThemeSerializer,
)
from .throttling import AnonThrottle, ExportThrottle

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


class LanguageMixin:
    # Names and labels in the language the client asked for (?lang= or Accept-Language).

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        try:
            self.language = requested_language(request.query_params)
        except InvalidSelection as invalid:
            raise ValidationError(invalid.errors) from None
        translation.activate(self.language)


class SelectionFilter(DjangoFilterBackend):
    """The selection layer as DRF's filter backend, strict: bad values answer 400, with each
    parameter's messages. (A DjangoFilterBackend, so the schema documents its FilterSet.)"""

    def filter_queryset(self, request, queryset, view):
        try:
            view.selection = select(request.query_params, strict=True, queryset=queryset)
        except InvalidSelection as invalid:
            raise ValidationError(invalid.errors) from None
        return view.selection.queryset


class InitiativePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    known_count = None  # the total when the view knows it without counting

    def django_paginator_class(self, queryset, page_size):
        paginator = CachedCountPaginator(queryset, page_size)  # else counted once per catalogue version
        if self.known_count is not None:
            paginator.count = self.known_count
        return paginator


@extend_schema(
    summary=_("Published initiatives, filtered and paginated"),
    description=DESCRIPTIONS["list"],
    filters=False,  # the parameters below describe InitiativeFilterSet; no second guess from introspection
    parameters=[*FILTER_PARAMETERS, LANGUAGE_PARAMETER, RETRY_AFTER],
    responses={200: InitiativeListSerializer(many=True), **error_responses(400, 404, 429)},
)
class InitiativeList(LanguageMixin, generics.ListAPIView):
    """The published initiatives matching the filters, the same selection as the catalogue's list page
    and map for the same query string. Filters of different names combine with AND; repeated values of
    one filter (country=BR&country=CO) with OR."""

    # The FilterSet narrows to published too; the page's vocabularies are loaded once it is cut.
    queryset = Initiative.objects.published().select_related("program", "route")
    serializer_class = InitiativeListSerializer
    filterset_class = InitiativeFilterSet
    filter_backends = [SelectionFilter]
    pagination_class = InitiativePagination

    def paginate_queryset(self, queryset):
        self.paginator.known_count = self.selection.known_count()
        page = super().paginate_queryset(queryset)
        if page is not None:
            preload_vocabularies(page)
        return page

    def list(self, request, *args, **kwargs):
        # The page's rows as their kept JSON where orjson writes the response (see .fragments).
        renderer = request.accepted_renderer
        if not isinstance(renderer, FastJSONRenderer) or not renderer.renders_plainly(
            request.accepted_media_type, self.get_renderer_context()
        ):
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        tokens = vocabulary_tokens(TOTAL)  # and the catalogue's total, in the same read
        count = self.selection.known_count(tokens.get(TOTAL, 0))
        # Else counted as the selection's own queryset, under the key the list page shares.
        self.paginator.known_count = count if count is not None else CachedCountPaginator(queryset, 1).count
        rows = self.paginator.paginate_queryset(fragments.rows(queryset), request, view=self)
        results = fragments.page_results(
            rows,
            queryset,
            lambda instances: self.get_serializer(instances, many=True).data,
            fragments.request_scope(request, self),
            tokens,
        )
        if results is None:
            return super().list(request, *args, **kwargs)
        return self.get_paginated_response(results)


@extend_schema(
    summary=_("One published initiative, with its territory and vocabularies expanded"),
    description=DESCRIPTIONS["detail"],
    parameters=[
        OpenApiParameter(
            "slug",
            {"type": "string", "pattern": SLUG.pattern},
            OpenApiParameter.PATH,
            description=_("The initiative's slug, as in the list's results and the address of its page."),
        ),
        LANGUAGE_PARAMETER,
        RETRY_AFTER,
    ],
    responses={200: InitiativeDetailSerializer, **error_responses(400, 404, 429)},
)
class InitiativeDetail(LanguageMixin, generics.RetrieveAPIView):
    """Everything public about one initiative: texts and their translations, regions and municipalities,
    sectors, themes, programme and Rota. Drafts answer 404."""

    queryset = (
        Initiative.objects.published()
        .select_related("program", "route__program", "route__sector")
        .prefetch_related(
            Initiative.objects.sectors_with_families(),
            "themes",
            "regions",
            Prefetch("municipalities", Municipality.objects.select_related("region")),
        )
    )
    serializer_class = InitiativeDetailSerializer
    lookup_field = "slug"
    filter_backends = []  # the list's filters do not apply to one initiative

    def get_object(self):
        # The URL takes any text so that every miss is a JSON 404, never the HTML page of the site.
        if not SLUG.fullmatch(self.kwargs["slug"]):
            raise NotFound()
        return super().get_object()


def count_published(queryset, relation: str = "initiatives"):
    """Each term with its number of published initiatives, in the same query, in the model's order
    (Django leaves Meta.ordering out of a query that groups: the rows would come in any order)."""
    counted = queryset.annotate(initiative_count=Count(relation, filter=Q(**{f"{relation}__is_published": True})))
    return counted.order_by(*queryset.model._meta.ordering, "pk")


class VocabularyList(LanguageMixin, generics.ListAPIView):
    # A whole vocabulary, each term with its number of published initiatives; small, so unpaginated.
    pagination_class = None
    filter_backends = []


def vocabulary_view(model, serializer_class, summary, select=(), queryset=None):
    return extend_schema(
        summary=summary,
        description=DESCRIPTIONS["vocabulary"],
        parameters=[LANGUAGE_PARAMETER, RETRY_AFTER],
        responses={200: serializer_class(many=True), **error_responses(400, 429)},
    )(
        type(
            f"{model.__name__}List",
            (VocabularyList,),
            {
                "queryset": queryset
                if queryset is not None
                else count_published(model.objects.select_related(*select)),
                "serializer_class": serializer_class,
                "__doc__": "Every term, with its number of published initiatives.",
            },
        )
    )


SectorList = vocabulary_view(Sector, SectorSerializer, _("Sectors"), ("family",))
FamilyList = vocabulary_view(
    SectorFamily,
    FamilySerializer,
    _("Sector families"),
    # A family counts each published initiative of its sectors once.
    queryset=SectorFamily.objects.prefetch_related("sectors")
    .annotate(
        initiative_count=Count("sectors__initiatives", filter=Q(sectors__initiatives__is_published=True), distinct=True)
    )
    .order_by(*SectorFamily._meta.ordering, "pk"),
)
ThemeList = vocabulary_view(Theme, ThemeSerializer, _("Themes"))
ProgramList = vocabulary_view(Program, ProgramSerializer, _("Programmes"))
RouteList = vocabulary_view(
    Route, RouteSerializer, _("Rotas of the Rotas de Integração Nacional"), ("program", "sector")
)


class RegionCountryFilter(serializers.Serializer):
    country = serializers.ChoiceField(choices=list(countries), required=False)

    def to_internal_value(self, data):
        # An empty parameter is an absent one: ?country= lists every region.
        return super().to_internal_value({k: v.upper() for k, v in data.items() if k == "country" and v.strip()})


@extend_schema(
    summary=_("First-level regions (states, departments, provinces…)"),
    description=DESCRIPTIONS["regions"],
    parameters=[
        OpenApiParameter("country", str, description=_("Only the regions of this country (ISO 3166-1 alpha-2).")),
        LANGUAGE_PARAMETER,
        RETRY_AFTER,
    ],
    responses={200: RegionSerializer(many=True), **error_responses(400, 429)},
)
class RegionList(VocabularyList):
    """Every first-level region (ISO 3166-2), with its number of published initiatives."""

    serializer_class = RegionSerializer

    def get_queryset(self):
        chosen = RegionCountryFilter(data=self.request.query_params)
        chosen.is_valid(raise_exception=True)
        regions = count_published(Region.objects.all())
        country = chosen.validated_data.get("country")
        return regions.filter(country=country) if country else regions


@extend_schema_view(
    get=extend_schema(
        summary=_("Countries of Latin America and the Caribbean, and any other with initiatives"),
        description=DESCRIPTIONS["countries"],
        operation_id="countries_list",
        parameters=[LANGUAGE_PARAMETER, RETRY_AFTER],
        responses={200: CountrySerializer(many=True), **error_responses(400, 429)},
    )
)
class CountryList(LanguageMixin, APIView):
    """The 33 countries of Latin America and the Caribbean, and any other that has a published
    initiative, with their names in the requested language and their number of published initiatives."""

    def get(self, request):
        counts = dict(
            Initiative.objects.published()
            .order_by()
            .values_list("country")
            .annotate(n=Count("pk"))
            .values_list("country", "n")
        )
        rows = [
            {"code": code, "name": str(countries.name(code)), "initiative_count": counts.get(code, 0)}
            for code in set(lac_country_codes()) | set(counts)
        ]
        rows.sort(key=lambda row: (fold(row["name"]), row["code"]))
        return Response(CountrySerializer(rows, many=True).data)


class UseJson(BaseContentNegotiation):
    """Exports answer a file whatever the Accept header says; their errors are JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return None


class ExportView(LanguageMixin, generics.GenericAPIView):
    """The selection that /api/initiatives/ gives for the same filters, every row of it (unpaginated,
    in the same order), as a file to download. Text that a spreadsheet would take for a formula
    starts with an apostrophe. The columns are those the catalogue's importer reads back."""

    queryset = Initiative.objects.published()
    filterset_class = InitiativeFilterSet
    filter_backends = [SelectionFilter]
    pagination_class = None
    throttle_classes = [AnonThrottle, ExportThrottle]
    content_negotiation_class = UseJson
    extension = ""

    def get(self, request):
        selection = self.filter_queryset(self.get_queryset())
        filename = exports.export_filename(self.selection_countries(selection), self.extension, timezone.localdate())
        if request.method == "HEAD":  # the headers without building the file
            response = StreamingHttpResponse([], content_type=self.content_type)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return self.respond(selection, filename)

    def filters_nothing(self) -> bool:
        """Ordering, language and empty parameters choose no initiatives: the file holds them all."""
        return not set(normalise(self.request.query_params).params) - PRESENTATION

    def selection_countries(self, selection) -> list[str] | None:
        if self.filters_nothing():
            return None
        return list(
            selection.order_by().values_list("country", flat=True).distinct()[: exports.MAX_COUNTRIES_IN_NAME + 1]
        )

    def rows(self, selection, text: bool = False):
        """The rows, built with the requested language active even after this view has returned."""
        language, root = self.language, site_root(self.request)
        with translation.override(language):
            yield from exports.initiative_rows(selection, root, text=text, everything=self.filters_nothing())


def export_schema(media_type: str, summary, operation_id: str):
    return extend_schema_view(
        get=extend_schema(
            summary=summary,
            description=DESCRIPTIONS["export"],
            operation_id=operation_id,
            parameters=[*FILTER_PARAMETERS, LANGUAGE_PARAMETER, RETRY_AFTER],
            responses={(200, media_type): OpenApiTypes.BINARY, **error_responses(400, 429)},
        )
    )


@export_schema("text/csv", _("The selection as CSV (UTF-8 with BOM), streamed"), "initiatives_csv")
class CsvExport(ExportView):
    extension = "csv"
    content_type = "text/csv; charset=utf-8"

    def respond(self, selection, filename):
        response = StreamingHttpResponse(
            exports.csv_chunks(self.rows(selection, text=True), prepared=True), content_type=self.content_type
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@export_schema(XLSX, _("The selection as an Excel workbook"), "initiatives_xlsx")
class XlsxExport(ExportView):
    extension = "xlsx"
    content_type = XLSX

    def respond(self, selection, filename):
        spool = exports.write_xlsx(self.rows(selection), title=str(_("Initiatives")))
        return FileResponse(spool, as_attachment=True, filename=filename, content_type=self.content_type)


class ApiDocsView(TemplateView):
    """Swagger UI from the vendored files, at /<lang>/api/docs/; static/api/docs.js boots it from
    the schema URL in the page's language."""

    template_name = "api/docs.html"


def api_docs_in_language(request):
    """/api/docs/ sends to the docs in `?lang=` or else the visitor's language (Accept-Language),
    so that the page and its language links each have their own address."""
    language = request.GET.get("lang", "").lower()
    if language not in LANGUAGE_CODES:
        language = translation.get_language() or LANGUAGE_CODES[0]
    with translation.override(language):
        return redirect("api-docs")


class GeoJsonRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class GeoJsonFeed(APIView):
    """initiatives_geojson as a DRF view, so that the schema describes it. DRF adds nothing: the
    function budgets the client, validates and negotiates the encoding itself."""

    full = False
    authentication_classes = permission_classes = throttle_classes = ()
    renderer_classes = (GeoJsonRenderer,)  # one renderer: DRF adds no `Vary: Accept`
    content_negotiation_class = UseJson

    def get(self, request):
        return initiatives_geojson(request._request, full=self.full)


def geojson_schema(full: bool, summary):
    return extend_schema_view(
        get=extend_schema(
            summary=summary,
            description=DESCRIPTIONS["geojson_full" if full else "geojson"],
            operation_id="initiatives_full_geojson" if full else "initiatives_geojson",
            parameters=[*FILTER_PARAMETERS, LANGUAGE_PARAMETER, RETRY_AFTER],
            responses={(200, "application/geo+json"): OpenApiResponse(feature_collection(full)), **GEOJSON_ERRORS},
        )
    )


@geojson_schema(False, _("The selection's points as GeoJSON, slim: what the map draws"))
class SlimGeoJson(GeoJsonFeed):
    pass


@geojson_schema(True, _("The selection's points as GeoJSON for GIS tools: each with its page, sectors, regions"))
class FullGeoJson(GeoJsonFeed):
    full = True
