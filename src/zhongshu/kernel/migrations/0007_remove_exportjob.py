from django.db import migrations


class Migration(migrations.Migration):
    """The register exports are jobs now (0005 moved their rows)."""

    dependencies = [
        ("kernel", "0006_jobs_from_exports_and_imports"),
    ]

    operations = [
        migrations.DeleteModel(name="ExportJob"),
    ]
