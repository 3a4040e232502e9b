"""A growing delay per account, alongside django-axes' lockout per username and address.

Guesses spread over many addresses never reach axes' per-address limit. So every failed login for
an account, from anywhere, is counted here; after LOGIN_DELAY_AFTER of them the account's logins
are refused for LOGIN_DELAY_SECONDS, doubling with each further failure up to
LOGIN_DELAY_MAX_SECONDS. The password is never checked while refused, so a guesser gets one try
per delay. The owner is not shut out by a stranger: a browser that has logged in to the account
before carries a signed cookie naming it, and is never delayed; any other recovers when the delay
ends. State lives in the cache (shared by every worker), forgotten a day after the last failure.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache

COOKIE = "known_login"
COOKIE_SALT = "catalogue.login_delay"
COOKIE_MAX_AGE = 180 * 24 * 3600
FORGET_AFTER = 24 * 3600


def _key(kind: str, username: str) -> str:
    # Hashed: a username is visitor input, and cache keys have a length and character set.
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()
    return f"login:{kind}:{digest}"


def seconds_left(username: str) -> int:
    """How long this account's logins are still refused (0: not at all)."""
    until = cache.get(_key("until", username or ""))
    return max(0, math.ceil(until - time.time())) if until else 0


def record_failure(username: str) -> int:
    """Count a failed login; returns the delay it starts, in seconds (0 before the threshold)."""
    counter = _key("failures", username or "")
    cache.add(counter, 0, timeout=FORGET_AFTER)
    try:
        failures = cache.incr(counter)
    except ValueError:  # expired between add() and incr()
        failures = 1
        cache.set(counter, failures, timeout=FORGET_AFTER)
    cache.touch(counter, FORGET_AFTER)
    beyond = failures - settings.LOGIN_DELAY_AFTER
    if beyond < 0:
        return 0
    delay = min(settings.LOGIN_DELAY_SECONDS * 2 ** min(beyond, 32), settings.LOGIN_DELAY_MAX_SECONDS)
    cache.set(_key("until", username), time.time() + delay, timeout=int(delay) + 1)
    return delay


def forget(username: str) -> None:
    """Lift the delay and forget the failures (a successful login; staff unlocking an account)."""
    cache.delete_many([_key("failures", username), _key("until", username)])


def is_known_browser(request, username: str) -> bool:
    known = request.get_signed_cookie(COOKIE, default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    return bool(username) and known == username


def remember_browser(response, username: str) -> None:
    response.set_signed_cookie(
        COOKIE,
        username,
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
