import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Step 1 of 3 of moving instruction scans out of the database into the file store
    (docs/decisions/1310): the pointer, empty until step 2 fills it."""

    dependencies = [
        ("supervision", "0003_ledger_light_updated_in_place"),
        ("kernel", "0008_stored_files_blob"),
    ]

    operations = [
        migrations.AddField(
            model_name="instructionrecord",
            name="scan_blob",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="kernel.storedfile", verbose_name="扫描件内容"),
        ),
    ]
