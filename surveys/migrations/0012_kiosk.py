# The counter kiosk (issue 18): paired devices, the kiosk channel, the device and the filling
# duration of a response, and tallies of channels and durations.

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
            name="durasi_detik",
            field=models.PositiveIntegerField(
                blank=True, editable=False, null=True, verbose_name="filling duration (seconds)"
            ),
        ),
        migrations.AlterField(
            model_name="keyedtally",
            name="kind",
            field=models.CharField(
                choices=[
                    ("umur", "Umur"),
                    ("jenis_kelamin", "Jenis Kelamin"),
                    ("pendidikan", "Pendidikan"),
                    ("pekerjaan", "Pekerjaan"),
                    ("channel", "Channel"),
                    ("durasi", "Durasi"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="response",
            name="channel",
            field=models.CharField(
                choices=[("online", "online"), ("paper", "paper"), ("import", "import"), ("kiosk", "counter kiosk")],
                max_length=10,
                verbose_name="channel",
            ),
        ),
        migrations.CreateModel(
            name="KioskDevice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("nama", models.CharField(max_length=60, verbose_name="name")),
                ("ikon_wajah", models.BooleanField(default=True, verbose_name="face icons beside the answers")),
                ("pairing_code_hash", models.CharField(blank=True, default="", editable=False, max_length=64)),
                ("pairing_expires_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("token_hash", models.CharField(blank=True, default="", editable=False, max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="added at")),
                ("paired_at", models.DateTimeField(blank=True, null=True, verbose_name="paired at")),
                ("last_seen_at", models.DateTimeField(blank=True, null=True, verbose_name="last seen")),
                ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked at")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="kiosk_devices", to="units.unit"
                    ),
                ),
            ],
            options={
                "verbose_name": "counter device",
                "verbose_name_plural": "counter devices",
                "ordering": ["unit", "nama", "pk"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("token_hash", ""), _negated=True),
                        fields=["token_hash"],
                        name="kiosk_token",
                    ),
                    models.Index(
                        condition=models.Q(("pairing_code_hash", ""), _negated=True),
                        fields=["pairing_code_hash"],
                        name="kiosk_pairing_code",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="response",
            name="device",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responses",
                to="surveys.kioskdevice",
            ),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                condition=models.Q(("device__isnull", False)),
                fields=["device", "submitted_at"],
                name="response_device_time",
            ),
        ),
        # The channel counts of the responses stored so far (new ones are counted as they come);
        # any that a tally rebuild of an earlier migration made are replaced.
        migrations.RunSQL("DELETE FROM surveys_keyedtally WHERE kind = 'channel'", migrations.RunSQL.noop),
        migrations.RunSQL(
            "INSERT INTO surveys_keyedtally (period_id, unit_id, kind, value, count) "
            "SELECT period_id, unit_id, 'channel', channel, COUNT(*) FROM surveys_response "
            "GROUP BY period_id, unit_id, channel",
            migrations.RunSQL.noop,
        ),
    ]
