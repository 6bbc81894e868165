# Responses stored before the tallies existed: their content hash, then their units' tallies,
# counted by the same code as the rebuild_tallies command (with this migration's models).

from django.db import migrations

from surveys.services.tally_rebuild import tallies_rebuild
from surveys.tallies import content_hash

FIELDS = (
    "umur",
    "jenis_kelamin",
    "pendidikan",
    "pekerjaan",
    "jenis_layanan",
    *(f"u{k}" for k in range(1, 10)),
    "saran",
)


def hash_and_count(apps, schema_editor):
    Response = apps.get_model("surveys", "Response")
    batch = []
    for response in Response.objects.only("pk", *FIELDS).iterator(chunk_size=5000):
        response.content_hash = content_hash({name: getattr(response, name) for name in FIELDS})
        batch.append(response)
        if len(batch) == 5000:
            Response.objects.bulk_update(batch, ["content_hash"])
            batch = []
    Response.objects.bulk_update(batch, ["content_hash"])
    for period_id in Response.objects.values_list("period_id", flat=True).distinct():
        tallies_rebuild(
            period_id=period_id,
            response_model=Response,
            unit_tally_model=apps.get_model("surveys", "UnitTally"),
            keyed_tally_model=apps.get_model("surveys", "KeyedTally"),
            burst_tally_model=apps.get_model("surveys", "BurstTally"),
        )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0009_tallies")]

    operations = [migrations.RunPython(hash_and_count, migrations.RunPython.noop)]
