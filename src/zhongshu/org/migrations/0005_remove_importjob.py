from django.db import migrations


class Migration(migrations.Migration):
    """Imports are kernel jobs now (kernel 0005 moved their rows)."""

    dependencies = [
        ("org", "0004_password_reset_request"),
        ("kernel", "0006_jobs_from_exports_and_imports"),
    ]

    operations = [
        migrations.DeleteModel(name="ImportJob"),
    ]
