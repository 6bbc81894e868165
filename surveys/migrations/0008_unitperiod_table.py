from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0007_unitperiod_from_units"),
        ("units", "0006_unitperiod_to_surveys"),
    ]

    operations = [
        migrations.AlterModelTable(name="unitperiod", table=None),
    ]
