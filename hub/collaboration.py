"""Turning a proposal into a draft initiative and forwarding an interest: shared by the admin
actions and anything else that needs them; no request in here."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from initiatives.models import Initiative

from .models import Interest, Proposal

SLUG_LENGTH = Initiative._meta.get_field("slug").max_length
logger = logging.getLogger(__name__)


def unique_initiative_slug(name: str) -> str:
    base = (slugify(name) or "initiative")[: SLUG_LENGTH - 6].strip("-")
    slug, n = base, 1
    while Initiative.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_draft_initiative(proposal: Proposal) -> Initiative | None:
    """An unpublished initiative carrying the proposal's facts; the proposal becomes accepted and
    points at it. Returns None when the proposal already has its initiative."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.initiative_id:
        return None
    initiative = Initiative.objects.create(
        name=proposal.name,
        slug=unique_initiative_slug(proposal.name),
        kind=proposal.kind,
        is_published=False,
        language=proposal.language,
        description=proposal.description,
        country=proposal.country,
        territory=proposal.territory,
        managing_organisation=proposal.managing_organisation,
        year_started=proposal.year_started,
        member_count=proposal.member_count,
        website=proposal.website,
        source_text=_("Proposed through the catalogue's form (reference %(reference)s).")
        % {"reference": proposal.reference},
        internal_notes=_("Proposed by %(name)s, %(organisation)s <%(email)s>.")
        % {
            "name": proposal.proposer_name,
            "organisation": proposal.proposer_organisation or "-",
            "email": proposal.proposer_email,
        },
    )
    initiative.sectors.set(proposal.sectors.all())
    initiative.themes.set(proposal.themes.all())
    proposal.initiative = initiative
    proposal.status = Proposal.Status.ACCEPTED
    proposal.save(update_fields=["initiative", "status", "updated"])
    return initiative


class InvalidContactAddress(ValueError):
    """The initiative's stored address is not one valid address (nothing was sent)."""


def forward_interest(interest: Interest) -> bool:
    """E-mail the message to the initiative's contact address, replying to the sender. False when
    the initiative has no address (nothing is sent; the message stays in the inbox). Raises
    InvalidContactAddress when the address is not one valid address: sending to it would fail on
    a line break, or reach several people."""
    initiative = interest.initiative
    if not initiative.email:
        return False
    try:
        validate_email(initiative.email)
    except ValidationError as exc:
        raise InvalidContactAddress(initiative.email) from exc
    with translation.override(initiative.language):
        subject = _("Interest in collaborating with %(name)s") % {"name": initiative.name}
        body = render_to_string("hub/email/interest.txt", {"interest": interest, "initiative": initiative})
    EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[initiative.email],
        reply_to=[interest.email],
    ).send()
    interest.status = Interest.Status.FORWARDED
    interest.forwarded_at = timezone.now()
    interest.save(update_fields=["status", "forwarded_at"])
    return True


def send_proposal_confirmation(proposal: Proposal, status_url: str, language: str) -> bool:
    """E-mail the proposer the reference and where to follow the proposal, in the language of the
    page they posted from. The proposal is kept whatever happens: a mail server that refuses is
    logged for staff, and the page still shows the reference. True when sent."""
    with translation.override(language):
        subject = _("Proposal %(reference)s") % {"reference": proposal.reference}
        body = render_to_string("hub/email/proposal_received.txt", {"proposal": proposal, "status_url": status_url})
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[proposal.proposer_email]
    )
    try:
        message.send()
    except Exception:  # any backend's failure (SMTP, connection, TLS): the proposal is already saved
        logger.exception("Could not send the confirmation of proposal %s", proposal.reference)
        return False
    return True
