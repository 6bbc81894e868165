from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reports.demo.load import demo_load


class Command(BaseCommand):
    help = "Load the demo: 79 units of Kota Pekalongan and the responses of period 2023-S2."

    def handle(self, *args, **options):
        loaded = demo_load()
        self.stdout.write(
            _("demo: %(units)s units, %(responses)s responses in period %(period)s")
            % {"units": loaded["units"], "responses": loaded["responses"], "period": loaded["period"]}
        )
        self.stdout.write(
            _("period %(period)s is open: try the questionnaire at http://127.0.0.1:8000/survei/UPP016/")
            % {"period": loaded["open_period"]}
        )
        roles = {"superuser": _("superuser (Django admin)"), "city": _("city administrator (Bagian Organisasi)")}
        self.stdout.write(_("demo users (log in at http://127.0.0.1:8000/masuk/):"))
        for username, password, role in loaded["users"]:
            who = roles.get(role) or _("unit administrator of %(kode)s and its units") % {"kode": role}
            self.stdout.write(f"  {username} / {password}: {who}")
