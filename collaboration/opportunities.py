"""What may be done with opportunities, shared by the views, the admin and the digest command:
who may publish, publishing (the first one waits for staff), approving, forwarding responses and
the initiatives that could answer. No request in here."""

import enum
import logging
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from initiatives.cache import bump_catalogue_version
from initiatives.models import Initiative
from initiatives.similarity import explain_similarity, rank_similar

from .accounts import account_address
from .models import Management, Opportunity, OpportunityResponse

logger = logging.getLogger(__name__)


def has_verified_email(user) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def manages(user, initiative) -> bool:
    return Management.objects.approved().of(user).filter(initiative=initiative).exists()


def publishes_at_once(user) -> bool:
    """Staff approve a manager's first opportunity; once one was approved, or for a trusted
    manager, the next ones publish at once."""
    if Management.objects.approved().of(user).filter(trusted=True).exists():
        return True
    return Opportunity.objects.by(user).published().filter(reviewed_by__isnull=False).exists()


def over_daily_limit(user) -> bool:
    return Opportunity.objects.created_today_by(user).count() >= settings.COLLABORATION_OPPORTUNITIES_PER_DAY


def responses_over_daily_limit(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False  # anonymous senders are held by the per-address limit
    return OpportunityResponse.objects.sent_today_by(user).count() >= settings.COLLABORATION_RESPONSES_PER_DAY


@transaction.atomic
def publish(opportunity: Opportunity, countries, themes, sectors) -> Opportunity:
    """Save a new opportunity with its relations; published now unless it must wait for staff."""
    if publishes_at_once(opportunity.author):
        opportunity.is_published = True
        opportunity.published_at = timezone.now()
    opportunity.save()
    _set_relations(opportunity, countries, themes, sectors)
    return opportunity


def may_edit(user, opportunity: Opportunity) -> bool:
    """Its author, while they still manage its initiative (responses are forwarded to them)."""
    return opportunity.author_id == user.pk and manages(user, opportunity.initiative)


def _set_relations(opportunity: Opportunity, countries, themes, sectors) -> None:
    opportunity.themes.set(themes)
    opportunity.sectors.set(sectors)
    opportunity.sought_countries.all().delete()
    opportunity.sought_countries.model.objects.bulk_create(
        [opportunity.sought_countries.model(opportunity=opportunity, country=code) for code in countries]
    )


@transaction.atomic
def update(opportunity: Opportunity, countries, themes, sectors) -> Opportunity:
    """Save its author's edit. Staff review a manager's first opportunity, not each text: the edit
    of a manager whose opportunities publish at once stays published; any other goes back to staff
    (one still waiting keeps waiting)."""
    if opportunity.is_published and not publishes_at_once(opportunity.author):
        opportunity.is_published = False
        opportunity.published_at = None
        opportunity.reviewed_by = None
        opportunity.reviewed_at = None
    opportunity.save()
    _set_relations(opportunity, countries, themes, sectors)
    return opportunity


def close(opportunity: Opportunity) -> bool:
    """Close it now: its last day to respond becomes yesterday. False when it was already closed."""
    if not opportunity.is_open:
        return False
    opportunity.closes_on = timezone.localdate() - timedelta(days=1)
    opportunity.save(update_fields=["closes_on", "updated"])
    return True


def approve(opportunities, staff_user) -> int:
    now = timezone.now()
    count = 0
    for opportunity in opportunities.filter(is_published=False):
        opportunity.is_published = True
        opportunity.published_at = now
        opportunity.reviewed_by = staff_user
        opportunity.reviewed_at = now
        opportunity.save(update_fields=["is_published", "published_at", "reviewed_by", "reviewed_at", "updated"])
        count += 1
    return count


def refuse(opportunities, staff_user) -> int:
    count = opportunities.update(
        is_published=False, published_at=None, reviewed_by=staff_user, reviewed_at=timezone.now()
    )
    bump_catalogue_version()  # update() sends no signal; a refused one may have been public
    return count


class Forwarding(enum.Enum):
    SENT = "sent"
    NO_ADDRESS = "no_address"  # the author's account has no verified address: nothing sent
    FAILED = "failed"  # the mail backend refused it or could not be reached: try again later


def forward_response(response: OpportunityResponse) -> Forwarding:
    """E-mail the response to the opportunity's author at their account's verified address,
    replying to the sender. The response is marked forwarded only once the mail has left."""
    opportunity = response.opportunity
    recipient = account_address(opportunity.author)
    if recipient is None:
        return Forwarding.NO_ADDRESS
    with translation.override(opportunity.language):
        subject = _("Response to your opportunity: %(title)s") % {"title": opportunity.title}
        body = render_to_string("collaboration/email/response.txt", {"response": response, "opportunity": opportunity})
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        reply_to=[response.email],
    )
    try:
        message.send()
    except Exception:  # any backend's failure (SMTP, connection, TLS): the response stays pending
        logger.exception("Could not forward opportunity response %s", response.pk)
        return Forwarding.FAILED
    response.status = OpportunityResponse.Status.FORWARDED
    response.forwarded_at = timezone.now()
    response.save(update_fields=["status", "forwarded_at"])
    return Forwarding.SENT


@dataclass
class Profile:
    """What similarity ranking reads of an initiative, taken from an opportunity: its terms, and
    the country and identity of the initiative that published it."""

    pk: int
    country: str
    sectors: object
    themes: object


def could_answer(opportunity: Opportunity, wanted: int):
    """The published initiatives that could answer, best first (shared sector, then family, then
    themes; other countries first), restricted to the countries sought if any, with the reasons."""
    profile = Profile(
        pk=opportunity.initiative_id,
        country=opportunity.initiative.country,
        sectors=opportunity.sectors,
        themes=opportunity.themes,
    )
    candidates = Initiative.objects.published()
    countries = [row.country.code for row in opportunity.sought_countries.all()]
    if countries:
        candidates = candidates.filter(country__in=countries)
    ids = rank_similar(profile, candidates, wanted)
    found = candidates.prefetch_related(Initiative.objects.sectors_with_families(), "themes").in_bulk(ids)
    return explain_similarity(profile, [found[pk] for pk in ids if pk in found])
