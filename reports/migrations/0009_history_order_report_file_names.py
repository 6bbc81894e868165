"""The order of the city IKM before the portal follows from its period (no sort key typed any more);
report files are kept in a folder per job under their own name.

Points entered before keep their label; where it is a year ("2018") or a semester ("2022-S2")
their sort key is set again from it, so that they sort with the points entered from now on.
Snapshots keep what they were locked with.
"""

import re

from django.db import migrations, models

import reports.models

_LABEL = re.compile(r"\A(\d{4})(?:-S([12]))?\Z")


def order_from_labels(apps, schema_editor):
    HistoricalIkm = apps.get_model("reports", "HistoricalIkm")
    for item in HistoricalIkm.objects.all():
        match = _LABEL.match(item.label.strip())
        if match is not None:
            item.urutan = int(match.group(1)) * 100 + int(match.group(2) or 0)
            item.save(update_fields=["urutan"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_snapshot_frozen_report"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalikm",
            name="urutan",
            field=models.PositiveIntegerField(editable=False, verbose_name="sort key"),
        ),
        migrations.AlterField(
            model_name="reportjob",
            name="file",
            field=models.FileField(blank=True, max_length=300, upload_to=reports.models._report_job_path),
        ),
        migrations.RunPython(order_from_labels, migrations.RunPython.noop),
    ]
