# The audit trail keeps a period's code as text instead of a link to surveys' Period: units is the
# lowest layer and points at nothing above it. Existing events keep their period's code.

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_period_codes(apps, schema_editor):
    AuditEvent = apps.get_model("units", "AuditEvent")
    Period = apps.get_model("surveys", "Period")
    AuditEvent.objects.filter(period__isnull=False).update(
        periode=Subquery(Period.objects.filter(pk=OuterRef("period_id")).values("kode")[:1])
    )


def restore_period_links(apps, schema_editor):
    AuditEvent = apps.get_model("units", "AuditEvent")
    Period = apps.get_model("surveys", "Period")
    AuditEvent.objects.exclude(periode="").update(
        period=Subquery(Period.objects.filter(kode=OuterRef("periode")).values("pk")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0006_unitperiod_to_surveys"),
        ("surveys", "0008_unitperiod_table"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="periode",
            field=models.CharField(blank=True, max_length=20, verbose_name="period"),
        ),
        migrations.RunPython(copy_period_codes, restore_period_links),
        migrations.RemoveField(model_name="auditevent", name="period"),
    ]
