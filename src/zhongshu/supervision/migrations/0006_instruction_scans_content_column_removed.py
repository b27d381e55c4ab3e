from django.db import migrations


class Migration(migrations.Migration):
    """Step 3 of 3: every scan is in the file store; the column of bytes goes."""

    dependencies = [
        ("supervision", "0005_instruction_scans_into_file_store"),
    ]

    operations = [
        migrations.RemoveField(model_name="instructionrecord", name="scan"),
    ]
