"""Login throttling, for the admin's username logins and the managers' e-mail logins (allauth):
django-axes per account and address, and a growing delay per account (catalogue/login_delay.py)."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.shortcuts import render

from . import login_delay


def account_name(username=None, email=None) -> str:
    """Whose login this is: the username, also when the login gives the account's e-mail (a
    manager's), so that the delay, the lockout and the known-browser cookie agree on one key."""
    if username:
        return username
    if not email:
        return ""
    found = get_user_model().objects.filter(email__iexact=email).values_list("username", flat=True).first()
    return found or email.strip().lower()


def axes_username(request, credentials=None) -> str:
    """django-axes' idea of the account (AXES_USERNAME_CALLABLE)."""
    credentials = credentials or {}
    return account_name(credentials.get("username"), credentials.get("email"))


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for logins that come through a request (the admin, the API),
    after the account's own delay.

    Logins without a request (the test client's login(), management commands) cannot be
    brute-forced from outside, and django-axes would refuse them outright.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        name = account_name(username, kwargs.get("email"))
        if not login_delay.is_known_browser(request, name) and (wait := login_delay.seconds_left(name)):
            request.login_delay_seconds = wait  # LoginDelayMiddleware answers with the page that says so
            raise PermissionDenied  # stops every backend: the password is not even checked
        return super().authenticate(request, username=username, password=password, **kwargs)


def refused_by_delay(request, credentials=None) -> bool:
    """django-axes' whitelist: an attempt the delay refused unchecked is no failure of that
    address, or an owner waiting out a stranger's guesses would be locked out after it."""
    return bool(getattr(request, "login_delay_seconds", 0))


@receiver(user_login_failed)
def count_failed_login(sender, credentials, request=None, **kwargs):
    # A refused attempt (delayed, or locked by axes) checked no password: it teaches a guesser
    # nothing and must not lengthen the owner's wait.
    if request is None or getattr(request, "login_delay_seconds", 0) or getattr(request, "axes_locked_out", False):
        return
    login_delay.record_failure(account_name(credentials.get("username"), credentials.get("email")))


@receiver(user_logged_in)
def forget_failed_logins(sender, request, user, **kwargs):
    login_delay.forget(user.get_username())
    request.remember_login_for = user.get_username()


class LoginDelayMiddleware:
    """Turns a delayed login into its page (429, Retry-After), and marks the browser of each
    successful login as known to that account."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if wait := getattr(request, "login_delay_seconds", 0):
            response = render(request, "registration/login_delay.html", {"seconds": wait}, status=429)
            response["Retry-After"] = str(wait)
        elif username := getattr(request, "remember_login_for", None):
            login_delay.remember_browser(response, username)
        return response


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout page: what happened and for how long, in the admin's look."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "registration/lockout.html", context, status=429)
