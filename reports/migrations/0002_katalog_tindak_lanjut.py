"""The standard follow-up catalog (shared/reference/tindak-lanjut-katalog.csv): 27 actions, 3 per unsur.

The catalog file numbers complaint handling U8 and facilities U9, the reverse of the report's
columns (skm-method.md), so its rows are matched to the unsur by name, not by code.
"""

import csv
from pathlib import Path

from django.db import migrations

CATALOG = Path(__file__).resolve().parent.parent / "data" / "tindak-lanjut-katalog.csv"


def load_katalog(apps, schema_editor):
    Unsur = apps.get_model("surveys", "Unsur")
    Katalog = apps.get_model("reports", "KatalogTindakLanjut")
    unsur = {u.label_singkat.lower(): u for u in Unsur.objects.all()}
    with CATALOG.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            Katalog.objects.update_or_create(
                unsur=unsur[row["nama_unsur"].strip().lower()],
                nomor=int(row["no"]),
                defaults={"teks": row["rencana_tindak_lanjut"].strip()},
            )


def unload_katalog(apps, schema_editor):
    apps.get_model("reports", "KatalogTindakLanjut").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("surveys", "0003_unsur_defaults")]
    operations = [migrations.RunPython(load_katalog, unload_katalog)]
