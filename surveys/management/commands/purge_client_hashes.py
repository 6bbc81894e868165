from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from surveys.services.retention import retention_purge


class Command(BaseCommand):
    help = (
        "Clear the client hash of responses older than SKM_CLIENT_HASH_RETENTION_DAYS and delete stale "
        "rate limit buckets (for cron, where Celery beat does not run)."
    )

    def handle(self, *args, **options):
        purged = retention_purge()
        self.stdout.write(
            _("%(hashes)s client hashes cleared, %(buckets)s rate limit buckets deleted")
            % {"hashes": purged["client_hashes"], "buckets": purged["rate_limit_buckets"]}
        )
