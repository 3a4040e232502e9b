"""Property tests of the hub's public forms: whatever a visitor (or a bot) submits, the form is
saved or says what is wrong, field by field; it never raises and never stores half a record."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.forms import InterestForm, ProposalForm
from hub.models import Interest, Proposal
from initiatives.models import Initiative

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_isolation")]

FUZZ = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
HOSTILE = st.one_of(
    st.text(max_size=120),
    st.text(max_size=5000),
    st.sampled_from(["", " ", "\x00", "<script>alert(1)</script>", "javascript:alert(1)", "' OR 1=1 --", "𝕏" * 300]),
)
NUMBERS = st.one_of(HOSTILE, st.integers(min_value=-(10**12), max_value=10**12).map(str))
CHOICES = {
    "kind": ["cluster", "apl", "rotas_polo", "nope", ""],
    "country": ["CO", "BR", "co", "XX", "FR", ""],
    "language": ["es", "pt-br", "en", "fr", ""],
}


def check(form, model) -> None:
    before = model.objects.count()
    if form.is_valid():
        with transaction.atomic():
            form.save()
        assert model.objects.count() == before + 1
    else:
        assert form.errors
        for field, messages in form.errors.items():
            assert field == "__all__" or field in form.fields, field
            assert all(str(message).strip() for message in messages)
        assert model.objects.count() == before


@FUZZ
@given(
    text=st.fixed_dictionaries(
        {
            name: HOSTILE
            for name in [
                "name",
                "territory",
                "description",
                "managing_organisation",
                "website",
                "proposer_name",
                "proposer_email",
                "proposer_organisation",
                "homepage",
            ]
        }  # fmt: skip
    ),
    numbers=st.fixed_dictionaries({"year_started": NUMBERS, "member_count": NUMBERS}),
    choices=st.fixed_dictionaries({k: st.sampled_from(v) for k, v in CHOICES.items()}),
    terms=st.lists(st.one_of(st.integers(min_value=-5, max_value=10**6).map(str), HOSTILE), max_size=3),
)
def test_the_proposal_form_saves_or_explains_any_submission(reference_data, text, numbers, choices, terms):
    check(ProposalForm(data={**text, **numbers, **choices, "sectors": terms, "themes": terms}), Proposal)


@FUZZ
@given(data=st.fixed_dictionaries({name: HOSTILE for name in ["name", "organisation", "email", "message", "homepage"]}))
def test_the_interest_form_saves_or_explains_any_submission(make_initiative, data):
    initiative = Initiative.objects.first() or make_initiative()
    form = InterestForm(data=data, instance=Interest(initiative=initiative))
    check(form, Interest)


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "name": st.text(min_size=1, max_size=50).filter(str.strip),
            "email": st.emails(),
            "message": st.text(min_size=1, max_size=200).filter(str.strip),
        }
    )
)
def test_the_interest_form_accepts_any_plausible_submission(make_initiative, data):
    initiative = Initiative.objects.first() or make_initiative()
    form = InterestForm(data={**data, "homepage": ""}, instance=Interest(initiative=initiative))
    if "\x00" not in "".join(data.values()):
        assert form.is_valid() or set(form.errors) <= {"email"}, form.errors
