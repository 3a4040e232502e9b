from django.db import models


class ManagementQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=self.model.Status.APPROVED)

    def requested(self):
        return self.filter(status=self.model.Status.REQUESTED)

    def of(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)
