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


def _rate_key(request, scope: str) -> str:
    return f"hub:rate:{scope}:{client_address(request)}"


def over_rate_limit(request, scope: str) -> bool:
    """True once the address has used up HUB_FORM_RATE_LIMIT counted posts to this form within
    HUB_FORM_RATE_WINDOW seconds. Asking does not count: see count_post."""
    return (cache.get(_rate_key(request, scope)) or 0) >= settings.HUB_FORM_RATE_LIMIT


def count_post(request, scope: str) -> None:
    """Counts a post against the address's budget: an accepted one, or one the honeypot caught.
    A post refused for a mistake does not count: a person correcting a form is not a robot, and
    such a post writes nothing."""
    key = _rate_key(request, scope)
    window = settings.HUB_FORM_RATE_WINDOW
    cache.add(key, 0, timeout=window)  # the window starts at the first counted post
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)


def caught_by_honeypot(form) -> bool:
    return form.has_error(HONEYPOT_FIELD, code="honeypot")


def counted_valid(request, form, scope: str) -> bool:
    """Is the post valid? Accepted posts and those the honeypot caught count against the address's
    budget; posts refused for a mistake do not."""
    valid = form.is_valid()
    if valid or caught_by_honeypot(form):
        count_post(request, scope)
    return valid
