"""Spam protection for the public forms without any third party: a honeypot field and a
per-address rate limit counted in the cache."""

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from initiatives.client_address import client_address

HONEYPOT_FIELD = "homepage"


class HoneypotForm(forms.Form):
    """Adds a field people never see (CSS hides it) and robots fill in."""

    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_homepage(self):
        if self.cleaned_data.get(HONEYPOT_FIELD):
            raise ValidationError(
                _(
                    "The field 'Leave this field empty' must stay empty: it catches automated spam. Clear it and send again."
                ),
                code="honeypot",
            )
        return ""


def over_rate_limit(request, scope: str) -> bool:
    """Counts this submission; True once the address has used up HUB_FORM_RATE_LIMIT posts to
    this form within HUB_FORM_RATE_WINDOW seconds."""
    key = f"hub:rate:{scope}:{client_address(request)}"
    window = settings.HUB_FORM_RATE_WINDOW
    cache.add(key, 0, timeout=window)  # the window starts at the first post
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    return count > settings.HUB_FORM_RATE_LIMIT
