"""Property tests of the hub's public forms: whatever a visitor (or a bot) submits, each field's
outcome is predicted before the form sees it, and the form must match the prediction exactly:
every field accepted and the record stored with exactly the cleaned values, or the form refused
with, for each wrong field and no other, the specific messages predicted for it."""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.forms import InterestForm, ProposalForm
from hub.models import Interest
from initiatives.models import Initiative, Sector, Theme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_isolation")]

FUZZ = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

REQUIRED = "This field is required."
NULL = "Null characters are not allowed."
BAD_EMAIL = "Enter a valid email address."
BAD_URL = "Enter a valid URL."
BAD_NUMBER = "Enter a whole number."
HONEYPOT = "The field 'Leave this field empty' must stay empty: it catches automated spam. Clear it and send again."
NOT_PROPOSABLE = (
    "Polos of the Rotas de Integração Nacional come from the ministry's (MIDR) lists and cannot be proposed "
    "here. Choose the kind that describes the initiative, such as “Local productive arrangement (APL)” or “Other”."
)


def too_long(limit: int, length: int) -> str:
    return f"Ensure this value has at most {limit} characters (it has {length})."


def not_a_choice(value) -> str:
    return f"Select a valid choice. {value} is not one of the available choices."


@dataclass(frozen=True)
class Outcome:
    """What must become of one submitted value: stored as `stored`, or refused with `refused`.
    `possibly` lists messages that may come with the refusal: a URL that fails to parse is
    refused before its NUL check runs, one that parses gets both messages."""

    stored: object = None
    refused: frozenset = frozenset()
    possibly: frozenset = frozenset()


def refused(*messages, possibly=()) -> Outcome:
    return Outcome(refused=frozenset(messages), possibly=frozenset(possibly))


# --- Submitted values, each with the outcome a person would predict for it. -----------------------

HOSTILE = st.one_of(
    st.text(max_size=120),
    st.text(max_size=5000),
    st.sampled_from(["", " ", "\x00", "<script>alert(1)</script>", "javascript:alert(1)", "' OR 1=1 --", "𝕏" * 300]),
)
PADDING = st.sampled_from(["", " ", "\t", "\n "])
WITH_A_LETTER = st.tuples(st.text(max_size=20), st.sampled_from("aZx"), st.text(max_size=20)).map("".join)
LABEL = st.from_regex(r"[a-z0-9]{1,20}", fullmatch=True)
DOMAIN = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(LABEL, min_size=1, max_size=3),
    st.from_regex(r"[a-z]{2,6}", fullmatch=True),
)
EMAIL = st.builds("{}@{}".format, st.from_regex(r"[a-z0-9_+-]{1,20}(\.[a-z0-9_+-]{1,10}){0,2}", fullmatch=True), DOMAIN)


def text_outcome(value: str, limit: int, required: bool) -> Outcome:
    """A text field: surrounding whitespace dropped; empty, too long or with a NUL refused."""
    kept = value.strip()
    if not kept:
        return refused(REQUIRED) if required else Outcome(stored="")
    problems = [too_long(limit, len(kept))] if len(kept) > limit else []
    problems += [NULL] if "\x00" in kept else []
    return refused(*problems) if problems else Outcome(stored=kept)


def text(limit: int, required: bool, valid: bool):
    values = st.text(max_size=limit).filter(lambda s: "\x00" not in s) if valid else HOSTILE
    if valid and required:
        values = values.filter(str.strip)
    return values.map(lambda value: (value, text_outcome(value, limit, required)))


def email(valid: bool):
    """An address as people write it, padded; or any text without an @, or nothing."""
    good = st.builds(lambda pad, address: (pad + address + pad, Outcome(stored=address)), PADDING, EMAIL)
    if valid:
        return good

    def bad_outcome(value):
        kept = value.strip()
        if not kept:
            return refused(REQUIRED)
        return refused(
            BAD_EMAIL, *([too_long(254, len(kept))] if len(kept) > 254 else []), *([NULL] if "\x00" in kept else [])
        )

    bad = HOSTILE.map(lambda s: s.replace("@", "")).map(lambda value: (value, bad_outcome(value)))
    return st.one_of(good, bad)


def website(valid: bool):
    """A web address with or without its scheme (https assumed), nothing, or text with a space in it."""
    good = st.one_of(
        st.just(("", Outcome(stored=""))),
        DOMAIN.map(lambda domain: (domain, Outcome(stored=f"https://{domain}"))),
        st.builds(lambda d, path: (f"http://{d}/{path}", Outcome(stored=f"http://{d}/{path}")), DOMAIN, LABEL),
    )
    if valid:
        return good
    # Short enough that, with the https:// it gains, it never also exceeds the field's 500 characters.
    part = st.text(min_size=1, max_size=200).filter(str.strip)
    spaced = st.builds("{} {}".format, part, part)
    explicit = st.sampled_from(["javascript:alert(1)", "<script>alert(1)</script>", "ftp://", "https://exa mple.org"])
    bad = st.one_of(spaced, explicit).map(lambda value: (value, refused(BAD_URL, possibly=(NULL,))))
    return st.one_of(good, bad)


def honeypot(valid: bool):
    """The field people never see: empty is fine; anything else is a robot's."""

    def outcome(value):
        kept = value.strip()
        return refused(NULL) if "\x00" in kept else refused(HONEYPOT) if kept else Outcome()

    values = st.sampled_from(["", " ", "\n"]) if valid else HOSTILE
    return values.map(lambda value: (value, outcome(value)))


def whole_number(lowest: int, highest: int, valid: bool):
    """A whole number, padded; nothing; or blanks or text with a letter in it. `lowest` is the form's own
    floor (the field is positive) or the model's, whichever the number breaks first."""
    floor_message = "Ensure this value is greater than or equal to {}."

    def outcome(number: int) -> Outcome:
        if number < 0:
            return refused(floor_message.format(0))
        if number < lowest:
            return refused(floor_message.format(lowest))
        if number > highest:
            return refused(f"Ensure this value is less than or equal to {highest}.")
        return Outcome(stored=number)

    numbers = st.integers(lowest, highest) if valid else st.integers(-(10**6), highest * 10)
    good = st.builds(lambda pad, n: (f"{pad}{n}{pad}", outcome(n)), PADDING, numbers)
    empty = st.just(("", Outcome(stored=None)))
    if valid:
        return st.one_of(good, empty)
    not_numbers = st.one_of(st.sampled_from([" ", "\n"]), WITH_A_LETTER)  # only "" means no number
    return st.one_of(good, empty, not_numbers.map(lambda value: (value, refused(BAD_NUMBER))))


def choice(good: list[str], bad: dict[str, str], valid: bool):
    values = [(value, Outcome(stored=value)) for value in good]
    if not valid:
        values += [(value, refused(message)) for value, message in bad.items()]
    return st.sampled_from(values)


def terms(valid: bool):
    """Indexes into the catalogue's sectors or themes (turned into keys in the test), and
    possibly one wrong key: text with a letter (maybe a NUL), or a number no term has."""
    picks = st.lists(st.integers(0, 10**6), max_size=4)
    wrong = st.none() if valid else st.one_of(st.none(), WITH_A_LETTER, st.integers(-(10**6), -1).map(str))
    return st.tuples(picks, wrong)


def terms_case(model, drawn) -> tuple[list[str], Outcome]:
    keys = sorted(model.objects.values_list("pk", flat=True))
    picks, wrong = drawn
    chosen = {keys[i % len(keys)] for i in picks}
    submitted = [str(pk) for pk in sorted(chosen)]
    if wrong is None:
        return submitted, Outcome(stored=chosen)
    if "\x00" in wrong:
        message = NULL
    elif wrong.lstrip("-").isdigit():
        message = not_a_choice(wrong)
    else:
        message = f"“{wrong}” is not a valid value."
    return [*submitted, wrong], refused(message)


# --- The forms, and the check that each matches its prediction. ------------------------------------


def check(form, cases: dict[str, tuple[object, Outcome]]) -> None:
    """`form` was bound to the values of `cases`; the outcome of every field must be the predicted one."""
    expected = {name: outcome for name, (_value, outcome) in cases.items()}
    with translation.override("en"):
        wrong = {name: outcome for name, outcome in expected.items() if outcome.refused}
        if wrong:
            assert not form.is_valid()
            assert set(form.errors) == set(wrong), form.errors
            for name, outcome in wrong.items():
                messages = set(form.errors[name])
                assert outcome.refused <= messages <= outcome.refused | outcome.possibly, (name, messages)
            return
        assert form.is_valid(), form.errors
        record = form.save()
    record.refresh_from_db()
    for name, outcome in expected.items():
        if name == "homepage":
            continue  # never stored
        stored = getattr(record, name)
        if name in ("sectors", "themes"):
            stored = set(stored.values_list("pk", flat=True))
        elif name == "country":
            stored = stored.code
        assert stored == outcome.stored, (name, stored, outcome.stored)


def proposal_cases(valid: bool):
    return st.fixed_dictionaries(
        {
            "name": text(300, True, valid),
            "territory": text(300, False, valid),
            "description": text(5000, True, valid),
            "managing_organisation": text(300, False, valid),
            "proposer_name": text(200, True, valid),
            "proposer_organisation": text(300, False, valid),
            "proposer_email": email(valid),
            "website": website(valid),
            "homepage": honeypot(valid),
            "year_started": whole_number(1800, 2100, valid),
            # No limit of its own: the database's (PostgreSQL's integer, SQLite's 64 bits).
            "member_count": whole_number(0, connection.ops.integer_field_range("PositiveIntegerField")[1], valid),
            "kind": choice(
                ["cluster", "apl", "network", "other"],
                {"rotas_polo": NOT_PROPOSABLE, "nope": not_a_choice("nope"), "": REQUIRED},
                valid,
            ),
            "country": choice(
                ["CO", "BR", "MX"],
                {"co": not_a_choice("co"), "XX": not_a_choice("XX"), "FR": not_a_choice("FR"), "": REQUIRED},
                valid,
            ),
            "language": choice(["es", "pt-br", "en"], {"fr": not_a_choice("fr"), "": REQUIRED}, valid),
        }
    )


def interest_cases(valid: bool):
    return st.fixed_dictionaries(
        {
            "name": text(200, True, valid),
            "organisation": text(300, False, valid),
            "email": email(valid),
            "message": text(4000, True, valid),
            "homepage": honeypot(valid),
        }
    )


def submit_proposal(cases, sectors, themes):
    cases = {**cases, "sectors": terms_case(Sector, sectors), "themes": terms_case(Theme, themes)}
    with translation.override("en"):
        form = ProposalForm(data={name: value for name, (value, _outcome) in cases.items()})
    check(form, cases)


@FUZZ
@given(cases=proposal_cases(valid=False), sectors=terms(valid=False), themes=terms(valid=False))
def test_the_proposal_form_stores_or_refuses_each_field_as_predicted(reference_data, cases, sectors, themes):
    submit_proposal(cases, sectors, themes)


@FUZZ
@given(cases=proposal_cases(valid=True), sectors=terms(valid=True), themes=terms(valid=True))
def test_the_proposal_form_stores_every_valid_submission_exactly(reference_data, cases, sectors, themes):
    submit_proposal(cases, sectors, themes)


def submit_interest(make_initiative, cases):
    initiative = Initiative.objects.first() or make_initiative()
    form = InterestForm(
        data={name: value for name, (value, _outcome) in cases.items()}, instance=Interest(initiative=initiative)
    )
    check(form, cases)


@FUZZ
@given(cases=interest_cases(valid=False))
def test_the_interest_form_stores_or_refuses_each_field_as_predicted(make_initiative, cases):
    submit_interest(make_initiative, cases)


@FUZZ
@given(cases=interest_cases(valid=True))
def test_the_interest_form_stores_every_valid_submission_exactly(make_initiative, cases):
    submit_interest(make_initiative, cases)
