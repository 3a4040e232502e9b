"""The collaboration space: who manages which initiative."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative
from initiatives.translation import LANGUAGE_CHOICES

from .querysets import ManagementQuerySet, ManagerProfileQuerySet, ProfileChangeQuerySet


class StaffDecision(models.Model):
    """Who on the staff decided on a manager's request or change, and when."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # The decision is e-mailed in the language of the page the manager asked from.
    page_language = models.CharField(
        _("language of the manager's pages"),
        max_length=8,
        choices=LANGUAGE_CHOICES,
        default=settings.LANGUAGE_CODE,
        editable=False,
    )

    class Meta:
        abstract = True


class Management(StaffDecision):
    """A person's request to manage an initiative, and, once staff approve it, their right to."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="managements", verbose_name=_("account")
    )
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="managements", verbose_name=_("initiative")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    trusted = models.BooleanField(
        _("trusted"), default=False, help_text=_("Their profile changes are published at once, without review.")
    )
    who_they_are = models.TextField(
        _("who they are"), help_text=_("Their name, role and how they are related to the initiative.")
    )
    created = models.DateTimeField(_("requested"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ManagementQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("initiative manager")
        verbose_name_plural = _("initiative managers")
        constraints = [
            # One request per person and initiative: a refused one stays refused, not asked again.
            models.UniqueConstraint(fields=["user", "initiative"], name="one_management_per_user_and_initiative"),
        ]

    def __str__(self):
        return f"{self.user} → {self.initiative}"


class ProfileChange(StaffDecision):
    """A manager's edit of their initiative's profile: waits for staff unless the manager is
    trusted, then is applied (its history row names the manager)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="profile_changes", verbose_name=_("initiative")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="profile_changes",
        verbose_name=_("author"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # The proposed value of each changed field (model field names; themes as a list of ids).
    values = models.JSONField(_("proposed values"), default=dict, blank=True)
    logo = models.ImageField(_("proposed logo"), upload_to="initiatives/logos/", blank=True)
    created = models.DateTimeField(_("submitted"), auto_now_add=True)

    objects = ProfileChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("profile change")
        verbose_name_plural = _("profile changes")

    def __str__(self):
        return f"{self.initiative} ({self.created:%Y-%m-%d %H:%M})"

    @property
    def fields(self) -> list[str]:
        return [*self.values, *(["logo"] if self.logo else [])]


class ManagerProfile(models.Model):
    """What a manager says about themselves, shown on the pages of the initiatives they manage
    (while staff approve them): published at once, as staff already checked who they are."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="manager_profile", verbose_name=_("account")
    )
    text = models.TextField(
        _("about you"),
        max_length=600,
        blank=True,
        help_text=_(
            "Your name and your role in the initiatives you manage, shown on their public pages. "
            "Your e-mail address is never shown."
        ),
    )
    language = models.CharField(_("language of the text"), max_length=8, choices=LANGUAGE_CHOICES)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ManagerProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("manager's public profile")
        verbose_name_plural = _("managers' public profiles")

    def __str__(self):
        return str(self.user)


def managed_initiatives(user):
    """The initiatives this account manages now (approved, not revoked)."""
    if not getattr(user, "is_authenticated", False):
        return Initiative.objects.none()
    return Initiative.objects.filter(managements__user=user, managements__status=Management.Status.APPROVED)


from .opportunity_models import *  # noqa: E402, F401, F403  (opportunities, responses, digests)
