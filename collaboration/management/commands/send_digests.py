from django.conf import settings
from django.core.management.base import BaseCommand

from collaboration.digests import send_digests


class Command(BaseCommand):
    help = (
        "E-mail each subscribed manager the new opportunities matching their initiative that their "
        "account was never sent (run weekly by cron). Safe to run again: nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="The site's address for the links in the e-mails (default: SITE_URL).",
        )

    def handle(self, *args, base_url, **options):
        run = send_digests(base_url.rstrip("/"))
        self.stdout.write(
            f"{run.sent} digest(s) sent with {run.opportunities} opportunity(ies); "
            f"{run.skipped} subscription(s) skipped (no longer managing, or no verified address)."
        )
