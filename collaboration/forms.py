from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import EARLIEST_YEAR, Initiative, Theme
from initiatives.translation import suffix

from .logos import clean_logo
from .models import ManagerProfile
from .opportunity_forms import reject_markup

DESCRIPTION_LABELS = {
    "pt-br": _("Description in Portuguese"),
    "es": _("Description in Spanish"),
    "en": _("Description in English"),
}


class ManagementRequestForm(forms.Form):
    who_they_are = forms.CharField(
        label=_("Who are you?"),
        help_text=_(
            "Your name, your role in the initiative and how staff can check it (e.g. the initiative's website)."
        ),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ProfileForm(forms.Form):
    """Only the fields managers own (initiatives.ownership): anything else a request sends is
    not a field here, so it is never read."""

    description_pt_br = forms.CharField(required=False, max_length=5000)
    description_es = forms.CharField(required=False, max_length=5000)
    description_en = forms.CharField(required=False, max_length=5000)
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes (areas of joint work)"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(label=_("Website"), required=False, max_length=500, assume_scheme="https")
    email = forms.EmailField(
        label=_("Contact e-mail"),
        required=False,
        help_text=_("Never published: visitors' messages are forwarded to it."),
    )
    member_count = forms.IntegerField(
        label=_("Member firms or producers"), required=False, min_value=0, max_value=1_000_000
    )
    year_started = forms.IntegerField(label=_("Year started"), required=False, min_value=EARLIEST_YEAR)
    logo = forms.FileField(
        label=_("Logo"), required=False, help_text=_("PNG, JPEG, WebP or GIF; it is resized to 400 pixels at most.")
    )

    def __init__(self, *args, initiative: Initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year_started"].validators.append(MaxValueValidator(timezone.localdate().year))
        self.fields["year_started"].validators.append(MinValueValidator(EARLIEST_YEAR))
        for code, label in DESCRIPTION_LABELS.items():
            field = self.fields[f"description_{suffix(code)}"]
            field.label = label
            # Each text marked with its language, for readers, spell-checkers and screen readers.
            field.widget = forms.Textarea(attrs={"rows": 6, "lang": code})
            if code == initiative.language:
                field.help_text = _("The original text, in the language of the initiative's name.")

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        return clean_logo(upload) if upload else None


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and my requests to manage initiatives are deleted for good."),
    )


class ManagerProfileForm(forms.ModelForm):
    class Meta:
        model = ManagerProfile
        fields = ["text", "language"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def clean_text(self):
        text = self.cleaned_data["text"].replace("\r\n", "\n").strip()
        reject_markup(text)
        return text
