import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Step 3 of 3: every row points at its stored file; the column of bytes goes."""

    dependencies = [
        ("documents", "0007_attachments_into_file_store"),
    ]

    operations = [
        migrations.RemoveField(model_name="outgoingattachment", name="content"),
        migrations.AlterField(
            model_name="outgoingattachment",
            name="blob",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="kernel.storedfile"),
        ),
    ]
