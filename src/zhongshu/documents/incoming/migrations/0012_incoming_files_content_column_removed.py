import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Step 3 of 3: every row points at its stored file; the column of bytes goes."""

    dependencies = [
        ("incoming", "0011_incoming_files_into_file_store"),
    ]

    operations = [
        migrations.RemoveField(model_name="incomingfile", name="content"),
        migrations.AlterField(
            model_name="incomingfile",
            name="blob",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="kernel.storedfile"),
        ),
    ]
