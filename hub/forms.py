from django import forms
from django.utils.translation import gettext_lazy as _

from initiatives.classification import sector_choices_by_family
from initiatives.models import Sector

from .models import Interest, Proposal
from .spam import HoneypotForm


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in groups a visitor opens one at a time (<details>, no JavaScript)."""

    template_name = "hub/widgets/grouped_checkboxes.html"


class ProposalForm(HoneypotForm, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The sectors by family: a dozen groups instead of one list of every sector.
        self.fields["sectors"].choices = sector_choices_by_family(Sector.objects.all())

    class Meta:
        model = Proposal
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
            "message": _("Staff read every message before forwarding it to the initiative."),
        }


class ProposalLookupForm(forms.Form):
    """A tracking reference as typed, case and surrounding spaces ignored. A NUL byte or a text too
    long for a reference is refused here with a message, not by the database (PostgreSQL fails on NUL)."""

    reference = forms.CharField(max_length=Proposal._meta.get_field("reference").max_length)

    def clean_reference(self):
        return self.cleaned_data["reference"].upper()
