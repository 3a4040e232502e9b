"""Property tests of the one InitiativeFilterSet and of text folding: whatever a visitor (or a bot)
puts in the query string, the FilterSet either filters or explains what is wrong; it never raises."""

import re

import pytest
from django.http import QueryDict
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from initiatives.filters import ORDERINGS, InitiativeFilterSet, nothing_chosen
from initiatives.models import Initiative, Program, Region, Route, Sector, SectorFamily, Theme
from initiatives.text import fold, search_terms

pytestmark = pytest.mark.django_db

PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,  # database round trips vary; speed is the benchmark's business, not this test's
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text as hostile as a query string can carry: controls, NUL, RTL marks, emoji, long runs.
ANY_TEXT = st.text(max_size=250)
NUMBERISH = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["", " ", "-", "1e999", "nan", "0x10", "1_0", "٣", "१"]),
)
BBOXES = st.one_of(ANY_TEXT, st.lists(NUMBERISH, min_size=0, max_size=6).map(",".join))


def known(values):
    return st.sampled_from(sorted(values))


def parameter_values():
    """For each parameter: valid values, near misses and garbage, one or several at a time."""
    return {
        "q": ANY_TEXT,
        "country": st.one_of(known(["BR", "br", " co ", "MX"]), ANY_TEXT),
        "region": st.one_of(known(Region.objects.values_list("code", flat=True)[:50]), ANY_TEXT),
        "kind": st.one_of(known(Initiative.Kind.values), ANY_TEXT),
        "family": st.one_of(known(SectorFamily.objects.values_list("slug", flat=True)), ANY_TEXT),
        "sector": st.one_of(known(Sector.objects.values_list("slug", flat=True)), ANY_TEXT),
        "theme": st.one_of(known(Theme.objects.values_list("slug", flat=True)), ANY_TEXT),
        "program": st.one_of(known(Program.objects.values_list("slug", flat=True)), ANY_TEXT),
        "route": st.one_of(known(Route.objects.values_list("slug", flat=True)), ANY_TEXT),
        "status": st.one_of(known(Initiative.Status.values), ANY_TEXT),
        "bbox": BBOXES,
        "ordering": st.one_of(known(ORDERINGS), ANY_TEXT),
        "page": ANY_TEXT,  # not a filter: must simply be ignored
    }


def query_strings():
    values = parameter_values()
    pairs = st.lists(st.sampled_from(sorted(values)).flatmap(lambda k: st.tuples(st.just(k), values[k])), max_size=8)
    return pairs


def apply(pairs) -> InitiativeFilterSet:
    data = QueryDict(mutable=True)
    for key, value in pairs:
        data.appendlist(key, value)
    filterset = InitiativeFilterSet(data)
    ids = list(filterset.qs.values_list("pk", flat=True))  # the query actually runs on the database
    assert len(ids) == len(set(ids)), "an initiative listed twice"
    # ...and without DISTINCT over every column, which doubled the cost of a list at 100,000 rows.
    assert not filterset.qs.query.distinct
    return filterset


def assert_explained(filterset):
    for field, messages in filterset.errors.items():
        assert field in filterset.filters, field
        assert messages and all(isinstance(m, str) and m.strip() for m in messages), (field, messages)


@pytest.fixture
def catalogue(make_initiative, rota_do_mel):
    make_initiative(name="Polo do Mel", country="BR", kind="rotas_polo", route=rota_do_mel, regions=["BR-CE"])
    make_initiative(name="Clúster Café", country="CO", sectors=[Sector.objects.first()], themes=[Theme.objects.first()])


def test_it_filters_or_explains_any_combination_of_parameters(catalogue):
    @settings(PROPERTY_SETTINGS, max_examples=150)
    @given(query_strings())
    def check(pairs):
        assert_explained(apply(pairs))

    check()


PARAMETERS = [
    "q",
    "country",
    "region",
    "kind",
    "family",
    "sector",
    "theme",
    "program",
    "route",
    "status",
    "bbox",
    "ordering",
]


def test_it_knows_every_parameter_of_the_filterset():
    # A new filter must get its strategy above, or these properties silently stop covering it.
    assert sorted(InitiativeFilterSet.base_filters) == sorted(PARAMETERS)


@pytest.mark.parametrize("parameter", PARAMETERS)
def test_it_filters_or_explains_any_value_of_each_parameter(catalogue, parameter):
    strategy = st.lists(parameter_values()[parameter], min_size=1, max_size=3)

    @PROPERTY_SETTINGS
    @given(strategy)
    def check(values):
        assert_explained(apply([(parameter, value) for value in values]))

    check()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("bbox=1,2,3", "bbox", "Give bbox as four numbers"),
        ("bbox=10,0,-10,5", "bbox", "bbox must satisfy"),
        ("bbox=nan,0,1,1", "bbox", "bbox must satisfy"),
        ("country=XX", "country", "Select a valid choice"),
        ("region=BR-XX", "region", "Select a valid choice"),
        ("route=no-such-rota", "route", "Select a valid choice"),
        ("status=sleeping", "status", "Select a valid choice"),
        ("ordering=-pk", "ordering", "Select a valid choice"),
        (f"q={'a' * 201}", "q", "at most 200 characters"),
        ("region=BR-CE%00", "region", ""),
        ("sector=mel%00", "sector", ""),
    ],
)
def test_it_explains_each_kind_of_bad_value(catalogue, query, field, message):
    filterset = InitiativeFilterSet(QueryDict(query))
    with translation.override("en"):
        assert not filterset.is_valid()
        assert message in " ".join(filterset.errors[field])
    list(filterset.qs)


def test_it_still_finds_initiatives_with_valid_parameters(catalogue):
    filterset = apply([("country", "br"), ("route", "rota-do-mel"), ("q", "MEL"), ("bbox", "-80,-35,-30,10")])
    assert filterset.is_valid(), filterset.errors
    assert [i.name for i in filterset.qs] == ["Polo do Mel"]


def test_it_lists_each_initiative_once_for_several_values_of_each_filter(catalogue, make_initiative):
    make_initiative(name="Clúster Mango", country="MX", sectors=list(Sector.objects.all()[:2]))
    pairs = [("country", code) for code in ("BR", "CO", "MX")] + [("kind", kind) for kind in Initiative.Kind.values]
    pairs += [("sector", slug) for slug in Sector.objects.values_list("slug", flat=True)[:2]]

    filterset = apply(pairs)

    assert filterset.is_valid(), filterset.errors
    names = [i.name for i in filterset.qs]
    assert names.count("Clúster Mango") == 1  # in three chosen values at once, listed once
    assert "Polo do Mel" not in names  # in none of the chosen sectors


def test_it_tells_whether_terms_were_chosen_without_running_a_query(reference_data, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert nothing_chosen(Sector.objects.none()) and nothing_chosen([]) and nothing_chosen(None)
        assert not nothing_chosen(Sector.objects.filter(slug__in=["beekeeping"]))
        assert not nothing_chosen(["BR"])


FOLDED = re.compile(r"^(?:[0-9a-z]+(?: [0-9a-z]+)*)?$")


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.none(), st.text(), st.text(alphabet=st.characters(codec="utf-8"))))
def test_it_folds_any_text_into_plain_words(text):
    folded = fold(text)
    assert FOLDED.match(folded), folded
    assert fold(folded) == folded
    assert search_terms(text) == (folded.split() if folded else [])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aeiouáéíóúâêôãõçÁÉÍÓÚÇñÑüÜ -'’.,", max_size=40))
def test_it_folds_accents_and_case_away(text):
    assert fold(text) == fold(text.upper()) == fold(text.lower())
    assert fold(text) == fold("".join({"á": "a", "é": "e", "ç": "c", "ñ": "n"}.get(c, c) for c in text))
