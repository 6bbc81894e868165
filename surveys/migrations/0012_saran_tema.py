"""Suggestion themes: stored with each response, their tallies, the rule set the city admin edits.
Existing responses get their themes from `manage.py saran_tema_rebuild`."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0011_response_fewer_indexes"),
        ("units", "0008_unit_kode_validator"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="saran_jenis",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=7, verbose_name="kind of suggestion"
            ),
        ),
        migrations.AddField(
            model_name="response",
            name="saran_unsur",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=30, verbose_name="suggestion's unsur"
            ),
        ),
        migrations.CreateModel(
            name="SaranTemaAturan",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("data", models.JSONField(verbose_name="rules")),
                ("diubah_pada", models.DateTimeField(auto_now_add=True, verbose_name="changed at")),
                (
                    "diubah_oleh",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "suggestion theme rules",
                "verbose_name_plural": "suggestion theme rules",
            },
        ),
        migrations.CreateModel(
            name="SaranTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("unsur", models.CharField(blank=True, max_length=2)),
                (
                    "jenis",
                    models.CharField(
                        choices=[("keluhan", "complaint"), ("usul", "proposal"), ("pujian", "praise")], max_length=7
                    ),
                ),
                ("frasa", models.CharField(blank=True, max_length=100)),
                ("count", models.PositiveIntegerField(default=0)),
                (
                    "period",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="surveys.period",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="units.unit"
                    ),
                ),
            ],
            options={
                "verbose_name": "suggestion tally",
                "verbose_name_plural": "suggestion tallies",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("period", "unit", "unsur", "jenis", "frasa"), name="unique_saran_tally"
                    )
                ],
            },
        ),
    ]
