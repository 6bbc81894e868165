"""Snapshots keep the canonical CSV's format version and what the published report shows beside the
figures (its words, every unit's population and method, the history points of the trend).

Snapshots taken before this migration hashed format 1 (text as stored), so they keep version 1 and
their hashes stay valid. Their words, settings and history were editable until now: they are filled
from the current values (the words' row is created with the defaults when the city never edited them,
as a new lock does).
"""

from django.db import migrations, models
from django.db.models import Q

FRONT_MATTER_FIELDS = (
    "kota",
    "kata_pengantar",
    "penandatangan_nama",
    "penandatangan_jabatan",
    "tempat",
    "tanggal",
    "nomor_surat",
    "latar_belakang",
    "dasar_hukum",
    "pengumpulan_data",
)


def fill_existing_snapshots(apps, schema_editor):
    PeriodSnapshot = apps.get_model("reports", "PeriodSnapshot")
    FrontMatter = apps.get_model("reports", "FrontMatter")
    HistoricalIkm = apps.get_model("reports", "HistoricalIkm")
    UnitPeriod = apps.get_model("surveys", "UnitPeriod")
    Response = apps.get_model("surveys", "Response")
    Unit = apps.get_model("units", "Unit")
    default_metode = UnitPeriod._meta.get_field("metode").default
    history = [
        {"label": h.label, "urutan": h.urutan, "ikm": str(h.ikm)} for h in HistoricalIkm.objects.order_by("urutan")
    ]
    for snapshot in PeriodSnapshot.objects.all():
        front, _created = FrontMatter.objects.get_or_create(period_id=snapshot.period_id)
        texts = {name: getattr(front, name) for name in FRONT_MATTER_FIELDS}
        texts["tanggal"] = front.tanggal.isoformat() if front.tanggal else None
        # The units the report shows: every active unit, and any inactive one with responses.
        answered = Response.objects.filter(period_id=snapshot.period_id).values("unit_id")
        declared = {s.unit_id: s for s in UnitPeriod.objects.filter(period_id=snapshot.period_id)}
        settings = {}
        for unit in Unit.objects.filter(Q(aktif=True) | Q(pk__in=answered)).order_by("kode"):
            setting = declared.get(unit.pk)
            settings[unit.kode] = {
                "populasi": setting.populasi if setting else None,
                "metode": setting.metode if setting else default_metode,
            }
        snapshot.format_version = 1
        snapshot.front_matter = texts
        snapshot.unit_settings = settings
        snapshot.historical_ikm = history
        snapshot.save(update_fields=["format_version", "front_matter", "unit_settings", "historical_ikm"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0007_period_snapshot"),
        ("surveys", "0008_unitperiod_table"),
        ("units", "0008_unit_kode_validator"),
    ]

    operations = [
        migrations.AddField(
            model_name="periodsnapshot",
            name="format_version",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="format version of the responses CSV"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="periodsnapshot",
            name="front_matter",
            field=models.JSONField(default=dict, verbose_name="report texts"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="periodsnapshot",
            name="unit_settings",
            field=models.JSONField(default=dict, verbose_name="population and method per unit"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="periodsnapshot",
            name="historical_ikm",
            field=models.JSONField(default=list, verbose_name="city IKM before the portal"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_existing_snapshots, migrations.RunPython.noop),
    ]
