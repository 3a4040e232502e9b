"""The weekly digest: to each subscribed manager, the new published opportunities matching their
initiative that their account was never sent, recorded so that no run sends one twice. The
unsubscribe link carries a signed token, so it works without logging in."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .accounts import account_address
from .models import DigestDelivery, DigestSubscription, Management, Opportunity

UNSUBSCRIBE_SALT = "collaboration.digest.unsubscribe"
# A new subscriber gets what was published in the week before they subscribed, not the archive.
LOOK_BACK = timedelta(days=7)
DIGEST_SIZE = 20


def unsubscribe_token(subscription: DigestSubscription) -> str:
    return signing.dumps({"s": subscription.pk, "u": subscription.user_id}, salt=UNSUBSCRIBE_SALT)


def subscription_from_token(token: str) -> DigestSubscription | None:
    """The subscription a token names, or None when the token is forged or the subscription gone."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return DigestSubscription.objects.filter(pk=data.get("s"), user_id=data.get("u")).first()


def due_opportunities(subscription: DigestSubscription):
    initiative = subscription.initiative
    already = DigestDelivery.objects.filter(user=subscription.user_id).values("opportunity_id")
    return (
        Opportunity.objects.published()
        .open()
        .matching(initiative)
        .filter(published_at__gte=subscription.created - LOOK_BACK)
        .exclude(pk__in=already)
        .select_related("initiative")
        .latest_first()[:DIGEST_SIZE]
    )


@dataclass
class DigestRun:
    sent: int = 0
    opportunities: int = 0
    skipped: int = 0  # subscribers who no longer manage the initiative or have no verified address


def send_digests(base_url: str) -> DigestRun:
    run = DigestRun()
    subscriptions = DigestSubscription.objects.select_related("user", "initiative").order_by("pk")
    for subscription in subscriptions:
        managing = Management.objects.approved().filter(
            user=subscription.user_id, initiative=subscription.initiative_id
        )
        address = account_address(subscription.user)
        if not managing.exists() or address is None:
            run.skipped += 1
            continue
        opportunities = list(due_opportunities(subscription))
        if opportunities and _claim(subscription, opportunities):
            try:
                _send(subscription, address, opportunities, base_url)
            except Exception:
                # Not sent: free them for the next run.
                DigestDelivery.objects.filter(user=subscription.user_id, opportunity__in=opportunities).delete()
                raise
            run.sent += 1
            run.opportunities += len(opportunities)
    return run


def _claim(subscription, opportunities) -> bool:
    """Record the deliveries first: a second run at the same time fails here instead of sending
    the same opportunities again (the unique constraint decides)."""
    try:
        with transaction.atomic():
            DigestDelivery.objects.bulk_create(
                [DigestDelivery(user_id=subscription.user_id, opportunity=o) for o in opportunities]
            )
            subscription.last_sent_at = timezone.now()
            subscription.save(update_fields=["last_sent_at"])
    except IntegrityError:
        return False
    return True


def _send(subscription, address, opportunities, base_url):
    language = subscription.initiative.language or settings.LANGUAGE_CODE
    with translation.override(language):
        unsubscribe_url = base_url + reverse("collaboration:unsubscribe", args=[unsubscribe_token(subscription)])
        context = {
            "initiative": subscription.initiative,
            "opportunities": [(o, base_url + o.get_absolute_url()) for o in opportunities],
            "unsubscribe_url": unsubscribe_url,
        }
        subject = _("New collaboration opportunities for %(name)s") % {"name": subscription.initiative.name}
        body = render_to_string("collaboration/email/digest.txt", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>"},
    )
    message.send()
