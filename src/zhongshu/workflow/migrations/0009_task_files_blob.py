import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Step 1 of 3 of moving task files out of the database into the file store
    (docs/decisions/1310): the pointer, empty until step 2 fills it."""

    dependencies = [
        ("workflow", "0008_opinion_phrases"),
        ("kernel", "0008_stored_files_blob"),
    ]

    operations = [
        # Nullable while the bytes move, so that a downgrade can put the column back
        # empty (step 3 backwards) before step 2 backwards fills it again.
        migrations.AlterField(model_name="taskfile", name="content", field=models.BinaryField(null=True)),
        migrations.AddField(
            model_name="taskfile",
            name="blob",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="kernel.storedfile"),
        ),
    ]
