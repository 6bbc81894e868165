from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from surveys.services import demo_load


class Command(BaseCommand):
    help = "Load the demo: 79 units of Kota Pekalongan and the responses of period 2023-S2."

    def handle(self, *args, **options):
        loaded = demo_load()
        username, password = loaded["admin"]
        self.stdout.write(
            _("demo: %(units)s units, %(responses)s responses in period %(period)s")
            % {"units": loaded["units"], "responses": loaded["responses"], "period": loaded["period"]}
        )
        self.stdout.write(
            _("period %(period)s is open: try the questionnaire at http://127.0.0.1:8000/survei/UPP016/")
            % {"period": loaded["open_period"]}
        )
        self.stdout.write(
            _("demo city administrator: user %(user)s, password %(password)s (http://127.0.0.1:8000/admin/)")
            % {"user": username, "password": password}
        )
