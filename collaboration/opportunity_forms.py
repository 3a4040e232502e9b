import re
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.forms import GroupedCheckboxes
from hub.spam import HoneypotForm
from initiatives.classification import sector_choices_by_family
from initiatives.models import Sector
from initiatives.reference import lac_country_codes
from initiatives.translation import active_language

from .models import Opportunity, OpportunityResponse

# Markup in a plain-text field is refused, not silently escaped: the author learns at once why.
MARKUP = re.compile(r"<\s*/?\s*[a-z!?][^>]*>", re.IGNORECASE)
FURTHEST_CLOSING = timedelta(days=2 * 365)


def reject_markup(value: str) -> None:
    if MARKUP.search(value or ""):
        raise ValidationError(
            _("Write plain text: HTML tags such as <script> or <a> are not accepted here."), code="markup"
        )


def country_choices():
    from django_countries import countries

    return sorted(((code, countries.name(code)) for code in lac_country_codes()), key=lambda c: c[1])


class OpportunityForm(forms.ModelForm):
    countries = forms.MultipleChoiceField(
        label=_("Countries where you seek partners"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for any country of Latin America and the Caribbean."),
    )

    class Meta:
        model = Opportunity
        fields = ["kind", "title", "description", "language", "closes_on", "themes", "sectors"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "themes": forms.CheckboxSelectMultiple,
            "sectors": GroupedCheckboxes,
        }
        help_texts = {"language": _("The language you write the title and description in.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = country_choices()
        self.fields["sectors"].choices = sector_choices_by_family(Sector.objects.all())
        self.fields["language"].initial = active_language()

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(_("Give the opportunity a title."), code="required")
        reject_markup(title)
        return title

    def clean_description(self):
        description = self.cleaned_data["description"].strip()
        reject_markup(description)
        return description

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        today = timezone.localdate()
        if closes_on < today:
            raise ValidationError(
                _("The closing date %(date)s has passed: choose today or a later day."),
                code="past",
                params={"date": closes_on.isoformat()},
            )
        if closes_on > today + FURTHEST_CLOSING:
            raise ValidationError(_("Choose a closing date within the next two years."), code="too_far")
        return closes_on

    def clean_countries(self):
        countries = self.cleaned_data["countries"]
        limit = settings.COLLABORATION_MAX_COUNTRIES
        if len(countries) > limit:
            raise ValidationError(
                _("You chose %(count)d countries; choose at most %(limit)d, or none for any country."),
                code="too_many",
                params={"count": len(countries), "limit": limit},
            )
        return countries


class ResponseForm(HoneypotForm, forms.ModelForm):
    class Meta:
        model = OpportunityResponse
        fields = ["name", "organisation", "email", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "message": _("Staff read every message before forwarding it to the initiative."),
        }

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        reject_markup(message)
        return message
