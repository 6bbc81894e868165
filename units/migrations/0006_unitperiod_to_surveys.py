# UnitPeriod now belongs to surveys (surveys 0007 took over its table): forget it here, keep the rows.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0005_populasi_positive"),
        ("surveys", "0007_unitperiod_from_units"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="UnitPeriod")],
            database_operations=[],
        ),
    ]
