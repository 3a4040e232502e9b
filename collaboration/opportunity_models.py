"""Opportunities for joint work that managers publish, the answers visitors send to them, and the
managers' weekly digests of new opportunities (with what each one was already sent)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from initiatives.models import Initiative, Sector, Theme
from initiatives.translation import LANGUAGE_CHOICES

from .opportunity_querysets import OpportunityQuerySet, ResponseQuerySet

__all__ = ["DigestDelivery", "DigestSubscription", "Opportunity", "OpportunityResponse", "SoughtCountry"]


class Opportunity(models.Model):
    class Kind(models.TextChoices):
        JOINT_PROJECT = "joint_project", _("Joint project")
        STAY_OFFERED = "stay_offered", _("Professional stay offered")
        STAY_SOUGHT = "stay_sought", _("Professional stay sought")
        TRAINING = "training", _("Training course")
        EXCHANGE = "exchange", _("Exchange visit or meeting")
        MARKET_ACCESS = "market_access", _("Market-access mission")
        RESEARCH = "research", _("R&D partnership")
        SUPPLIER_BUYER = "supplier_buyer", _("Supplier or buyer sought")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="opportunities", verbose_name=_("initiative")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="opportunities", verbose_name=_("published by")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    language = models.CharField(_("language of the texts"), max_length=8, choices=LANGUAGE_CHOICES)
    # Staff's decision is e-mailed in the language of the page it was published from.
    page_language = models.CharField(
        _("language of the manager's pages"),
        max_length=8,
        choices=LANGUAGE_CHOICES,
        default=settings.LANGUAGE_CODE,
        editable=False,
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="opportunities", verbose_name=_("themes"))
    sectors = models.ManyToManyField(Sector, blank=True, related_name="opportunities", verbose_name=_("sectors"))
    closes_on = models.DateField(_("closing date"), help_text=_("The last day to respond."))
    is_published = models.BooleanField(_("published"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created", "-pk"]
        verbose_name = _("collaboration opportunity")
        verbose_name_plural = _("collaboration opportunities")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False), name="opportunity_published_has_time"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("collaboration:opportunity", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closes_on >= timezone.localdate()

    @property
    def is_refused(self) -> bool:
        return not self.is_published and self.reviewed_at is not None

    @property
    def review_state(self) -> str:
        if self.is_published:
            return _("Published")
        return _("Refused") if self.reviewed_at else _("Awaiting approval")


class SoughtCountry(models.Model):
    """A country an opportunity seeks partners in (a row each, so they can be counted and filtered)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="sought_countries")
    country = CountryField(_("country"))

    class Meta:
        ordering = ["country"]
        verbose_name = _("country sought")
        verbose_name_plural = _("countries sought")
        constraints = [models.UniqueConstraint(fields=["opportunity", "country"], name="one_row_per_sought_country")]

    def __str__(self):
        return str(self.country.name)


class OpportunityResponse(models.Model):
    """An answer to an opportunity, held for moderation, then forwarded to its author's account e-mail."""

    class Status(models.TextChoices):
        NEW = "new", _("Awaiting moderation")
        FORWARDED = "forwarded", _("Forwarded")
        REJECTED = "rejected", _("Rejected")

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="responses", verbose_name=_("opportunity")
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
        help_text=_("When the sender was logged in."),
    )
    name = models.CharField(_("your name"), max_length=200)
    organisation = models.CharField(_("your organisation"), max_length=300, blank=True)
    email = models.EmailField(_("your e-mail"), help_text=_("The initiative replies to this address."))
    message = models.TextField(_("message"), max_length=4000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    forwarded_at = models.DateTimeField(_("forwarded"), null=True, blank=True, editable=False)
    created = models.DateTimeField(_("received"), auto_now_add=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("response to an opportunity")
        verbose_name_plural = _("responses to opportunities")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="forwarded") | Q(forwarded_at__isnull=False), name="response_forwarded_has_time"
            ),
        ]

    def __str__(self):
        return _("%(name)s about %(opportunity)s") % {"name": self.name, "opportunity": self.opportunity}


class DigestSubscription(models.Model):
    """A manager's wish to receive, weekly, the new opportunities matching one initiative they manage."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_subscriptions",
        verbose_name=_("account"),
    )
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="digest_subscriptions", verbose_name=_("initiative")
    )
    created = models.DateTimeField(_("subscribed"), auto_now_add=True)
    last_sent_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["user", "initiative"], name="one_digest_per_user_and_initiative")
        ]

    def __str__(self):
        return f"{self.user} · {self.initiative}"


class DigestDelivery(models.Model):
    """An opportunity sent to an account in a digest: never sent to it again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("opportunity sent in a digest")
        verbose_name_plural = _("opportunities sent in digests")
        constraints = [
            models.UniqueConstraint(fields=["user", "opportunity"], name="one_delivery_per_user_and_opportunity")
        ]

    def __str__(self):
        return f"{self.user} · {self.opportunity}"
