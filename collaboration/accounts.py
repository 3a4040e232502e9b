"""A manager's account: whether its address is verified, and everything it holds, for export."""

from allauth.account.models import EmailAddress
from django.utils import timezone

from .models import ManagerProfile


def is_verified(user) -> bool:
    return user.is_authenticated and EmailAddress.objects.filter(user=user, verified=True).exists()


def account_address(user) -> str | None:
    """The account's verified address, the primary one first; None without one."""
    address = EmailAddress.objects.filter(user=user, verified=True).order_by("-primary", "pk").first()
    return address.email if address else None


def account_data(user) -> dict:
    """Everything the catalogue keeps about this account (the data it may take away)."""
    return {
        "exported": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "public_profile": next(
            ({"text": p.text, "language": p.language} for p in ManagerProfile.objects.filter(user=user)), None
        ),
        "managements": [
            {
                "initiative": m.initiative.slug,
                "status": m.status,
                "trusted": m.trusted,
                "who_they_are": m.who_they_are,
                "requested": m.created.isoformat(),
                "decided": m.decided_at.isoformat() if m.decided_at else None,
            }
            for m in user.managements.select_related("initiative").order_by("created")
        ],
        "profile_changes": [
            {
                "initiative": c.initiative.slug,
                "status": c.status,
                "values": c.values,
                "logo": c.logo.name or None,
                "submitted": c.created.isoformat(),
            }
            for c in user.profile_changes.select_related("initiative").order_by("created")
        ],
    }
