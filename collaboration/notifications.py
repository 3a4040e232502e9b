"""E-mails telling a manager what staff decided on their request to manage an initiative, their
profile change or their opportunity, in the language of the page they asked from. Called by the
admin's actions after the decision is saved; sent through Django's e-mail backend."""

import enum
import logging

from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .accounts import account_address
from .models import Management, Opportunity, ProfileChange

logger = logging.getLogger(__name__)


class Delivery(enum.Enum):
    SENT = "sent"
    # Nobody to tell (a change staff wrote, or whose author was deleted, or nothing decided): no failure.
    NOBODY = "nobody"
    # A manager should have been told and was not: no verified address, or the backend failed.
    UNSENT = "unsent"


def _send(user, language: str, subject: str, message: str, path: str, base_url: str) -> Delivery:
    """The decision is saved whatever this returns; the admin warns staff of each UNSENT."""
    if user is None:
        return Delivery.NOBODY
    recipient = account_address(user)
    if recipient is None:
        return Delivery.UNSENT
    with translation.override(language):
        body = render_to_string(
            "collaboration/email/decision.txt", {"message": message, "url": base_url.rstrip("/") + reverse(path)}
        )
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient])
    try:
        message.send()
    except Exception:  # any backend's failure (SMTP, connection, TLS): the decision is already saved
        logger.exception("Could not e-mail a decision to account %s", user.pk)
        return Delivery.UNSENT
    return Delivery.SENT


def warn_unsent(modeladmin, request, deliveries) -> None:
    """Tells staff in the admin how many managers the e-mail did not reach."""
    unsent = sum(delivery is Delivery.UNSENT for delivery in deliveries)
    if unsent:
        message = ngettext(
            "%(count)d manager was not told by e-mail (no verified address, or the mail server refused it).",
            "%(count)d managers were not told by e-mail (no verified address, or the mail server refused it).",
            unsent,
        )
        modeladmin.message_user(request, message % {"count": unsent}, messages.WARNING)


def management_decided(management: Management, base_url: str) -> Delivery:
    S = Management.Status
    name = management.initiative.name
    with translation.override(management.page_language):
        if management.status == S.APPROVED:
            subject = _("You now manage %(name)s in the catalogue") % {"name": name}
            message = _("Staff approved your request to manage %(name)s: you can now edit its profile and publish opportunities for it.") % {"name": name}  # fmt: skip
        elif management.status == S.REFUSED:
            subject = _("Your request to manage %(name)s was refused") % {"name": name}
            message = _("Staff refused your request to manage %(name)s. If you think this is a mistake, write to the catalogue's staff.") % {"name": name}  # fmt: skip
        elif management.status == S.REVOKED:
            subject = _("You no longer manage %(name)s in the catalogue") % {"name": name}
            message = _("Staff revoked your right to manage %(name)s. If you think this is a mistake, write to the catalogue's staff.") % {"name": name}  # fmt: skip
        else:
            return Delivery.NOBODY
    return _send(management.user, management.page_language, subject, message, "collaboration:dashboard", base_url)


def profile_change_decided(change: ProfileChange, base_url: str) -> Delivery:
    name = change.initiative.name
    with translation.override(change.page_language):
        if change.status == ProfileChange.Status.PUBLISHED:
            subject = _("Your changes to %(name)s are published") % {"name": name}
            message = _("Staff reviewed your changes to the profile of %(name)s and published them.") % {"name": name}
        elif change.status == ProfileChange.Status.REJECTED:
            subject = _("Your changes to %(name)s were not published") % {"name": name}
            message = _("Staff reviewed your changes to the profile of %(name)s and did not publish them; the profile is unchanged.") % {"name": name}  # fmt: skip
        else:
            return Delivery.NOBODY
    return _send(change.author, change.page_language, subject, message, "collaboration:dashboard", base_url)


def opportunity_decided(opportunity: Opportunity, base_url: str) -> Delivery:
    title = opportunity.title
    with translation.override(opportunity.page_language):
        if opportunity.is_published:
            subject = _("Your opportunity is published: %(title)s") % {"title": title}
            message = _("Staff approved your opportunity “%(title)s”: it is now on the catalogue's public pages.") % {"title": title}  # fmt: skip
        else:
            subject = _("Your opportunity was refused: %(title)s") % {"title": title}
            message = _("Staff refused your opportunity “%(title)s”: it is not shown on the catalogue's pages.") % {"title": title}  # fmt: skip
    return _send(opportunity.author, opportunity.page_language, subject, message, "collaboration:my_opportunities", base_url)  # fmt: skip
