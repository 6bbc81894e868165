"""Databases made before the catalog was matched by name got U8 and U9 swapped: load it again."""

import importlib

from django.db import migrations

catalog = importlib.import_module("reports.migrations.0002_katalog_tindak_lanjut")


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_report_documents")]
    operations = [migrations.RunPython(catalog.load_katalog, migrations.RunPython.noop)]
