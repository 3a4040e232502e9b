from django.db import models
from django.utils import timezone


class ManagementQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=self.model.Status.APPROVED)

    def requested(self):
        return self.filter(status=self.model.Status.REQUESTED)

    def decide(self, status, by):
        """Approve, refuse or revoke these requests, noting who and when."""
        return self.update(status=status, decided_by=by, decided_at=timezone.now())

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
