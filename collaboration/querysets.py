from django.db import models
from django.utils import timezone

from initiatives.cache import bump_catalogue_version


class ManagementQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=self.model.Status.APPROVED)

    def requested(self):
        return self.filter(status=self.model.Status.REQUESTED)

    def decide(self, status, by):
        """Approve, refuse or revoke these requests, noting who and when."""
        count = self.update(status=status, decided_by=by, decided_at=timezone.now())
        bump_catalogue_version()  # initiative pages show their approved managers; update() sends no signal
        return count

    def of(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)


class ProfileChangeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=self.model.Status.PENDING)

    def published(self):
        return self.filter(status=self.model.Status.PUBLISHED)

    def claims(self, initiative_ids) -> dict[int, set[str]]:
        """{initiative id: fields its managers changed}: what the importers leave alone."""
        found: dict[int, set[str]] = {}
        for pk, values, logo in (
            self.published().filter(initiative_id__in=initiative_ids).values_list("initiative_id", "values", "logo")
        ):
            found.setdefault(pk, set()).update(values)
            if logo:
                found[pk].add("logo")
        return found


class ManagerProfileQuerySet(models.QuerySet):
    def shown_on(self, initiative):
        """The profiles of the initiative's approved managers that say something, oldest manager first."""
        return (
            self.filter(user__managements__initiative=initiative, user__managements__status="approved")
            .exclude(text="")
            .order_by("user__managements__created", "pk")
        )
