from django.db import migrations


class Migration(migrations.Migration):
    """Imports are kernel jobs now (kernel 0005 moved their rows)."""

    dependencies = [
        ("org", "0002_roles"),
        ("kernel", "0005_jobs_from_exports_and_imports"),
    ]

    operations = [
        migrations.DeleteModel(name="ImportJob"),
    ]
