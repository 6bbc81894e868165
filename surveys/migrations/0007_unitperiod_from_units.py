# UnitPeriod moves from units to surveys (units may not point at a period): first surveys takes
# the model over on its existing table, units lets go of it (units 0006), then the table gets
# surveys' name (0008). No row is copied.

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0006_offline_privacy"),
        ("units", "0005_populasi_positive"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="UnitPeriod",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "populasi",
                            models.PositiveIntegerField(
                                blank=True,
                                null=True,
                                validators=[django.core.validators.MinValueValidator(1)],
                                verbose_name="population of service users",
                            ),
                        ),
                        (
                            "metode",
                            models.CharField(default="Kuesioner Online", max_length=100, verbose_name="survey method"),
                        ),
                        (
                            "period",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="unit_settings",
                                to="surveys.period",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="period_settings",
                                to="units.unit",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "unit period setting",
                        "verbose_name_plural": "unit period settings",
                        "db_table": "units_unitperiod",
                        "constraints": [models.UniqueConstraint(fields=("unit", "period"), name="unique_unit_period")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
