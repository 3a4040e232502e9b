from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from initiatives.classification import sector_choices_by_family
from initiatives.models import Initiative, Sector

from .countries import grouped_lac_country_choices
from .models import Interest, Proposal
from .spam import HoneypotForm


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in groups a visitor opens one at a time (<details>, no JavaScript)."""

    template_name = "hub/widgets/grouped_checkboxes.html"


def https_urls(db_field, **kwargs):
    """A visitor's bare "example.org" means https://example.org (Django 6's default)."""
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


NOT_PROPOSABLE_KINDS = {Initiative.Kind.ROTAS_POLO}  # only MIDR's lists, through the importer, create them


class ProposableKindField(forms.TypedChoiceField):
    def validate(self, value):
        if value in NOT_PROPOSABLE_KINDS:
            raise ValidationError(
                _(
                    "Polos of the Rotas de Integração Nacional come from the ministry's (MIDR) lists and "
                    "cannot be proposed here. Choose the kind that describes the initiative, such as "
                    "“Local productive arrangement (APL)” or “Other”."
                ),
                code="not_proposable",
            )
        super().validate(value)


def proposal_formfield(db_field, **kwargs):
    if db_field.name == "kind":
        kwargs["choices_form_class"] = ProposableKindField
    return https_urls(db_field, **kwargs)


class ProposalForm(HoneypotForm, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The sectors by family: a dozen groups instead of one list of every sector.
        self.fields["sectors"].choices = sector_choices_by_family(Sector.objects.all())
        # The region the catalogue covers, its countries first, instead of the world's 249.
        self.fields["country"].choices = grouped_lac_country_choices()
        kind = self.fields["kind"]
        kind.choices = [(value, label) for value, label in kind.choices if value not in NOT_PROPOSABLE_KINDS]

    class Meta:
        model = Proposal
        formfield_callback = proposal_formfield
        fields = [
            "name", "kind", "country", "territory", "language", "description", "sectors", "themes",
            "managing_organisation", "year_started", "member_count", "website",
            "proposer_name", "proposer_email", "proposer_organisation",
        ]  # fmt: skip
        widgets = {
            "sectors": GroupedCheckboxes,
            "themes": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {"language": _("The language you write the description in.")}


class InterestForm(HoneypotForm, forms.ModelForm):
    class Meta:
        model = Interest
        fields = ["name", "organisation", "email", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "email": _("Where the answer reaches you."),
        }


class ProposalLookupForm(forms.Form):
    """A tracking reference as typed, case and surrounding spaces ignored. A NUL byte or a text too
    long for a reference is refused here with a message, not by the database (PostgreSQL fails on NUL)."""

    reference = forms.CharField(max_length=Proposal._meta.get_field("reference").max_length)

    def clean_reference(self):
        return self.cleaned_data["reference"].upper()
