from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0012_kiosk"),
        ("surveys", "0012_saran_tema"),
    ]

    operations = []
