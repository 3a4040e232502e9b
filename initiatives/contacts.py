"""The initiatives' contact addresses, for staff only.

The public never sees an address: the catalogue forwards visitors' messages (hub). Staff who may
view initiatives download the addresses of those they select in the admin, as a CSV written by
the same safe writer as the public exports (every field quoted, formulas neutralised).
"""

from django.contrib import admin
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .api.exports import csv_chunks

CONTACT_COLUMNS = ["slug", "name", "country", "email", "is_published", "url"]


def contact_rows(queryset, page_url):
    """The header, then one row per initiative of the queryset, by name."""
    yield list(CONTACT_COLUMNS)
    for initiative in queryset.order_by("name_key", "pk"):
        yield [
            initiative.slug,
            initiative.name,
            str(initiative.country),
            initiative.email,
            initiative.is_published,
            page_url(initiative.get_absolute_url()),
        ]


@admin.action(permissions=["view"], description=_("Export the contact e-mails of the selected initiatives (CSV)"))
def export_contact_addresses(modeladmin, request, queryset):
    response = StreamingHttpResponse(
        csv_chunks(contact_rows(queryset, request.build_absolute_uri)), content_type="text/csv; charset=utf-8"
    )
    filename = f"initiative-contacts-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
