import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """Step 1 of 3 of moving job files out of the database into the file store
    (docs/decisions/1310): the pointer, empty until step 2 fills it."""

    dependencies = [
        ("kernel", "0007_remove_exportjob"),
    ]

    operations = [
        # Nullable while the bytes move, so that a downgrade can put the column back
        # empty (step 3 backwards) before step 2 backwards fills it again.
        migrations.AlterField(model_name="jobfile", name="content", field=models.BinaryField(null=True, verbose_name="文件内容")),
        migrations.CreateModel(
            name="StoredFile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("algorithm", models.CharField(max_length=10, verbose_name="摘要算法")),
                ("digest", models.CharField(max_length=128, unique=True, verbose_name="摘要")),
                ("size", models.PositiveBigIntegerField(verbose_name="大小")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="存入时间")),
            ],
            options={
                "verbose_name": "存储文件",
                "verbose_name_plural": "存储文件",
                "indexes": [models.Index(fields=["created_at"], name="kernel_stor_created_8fcf71_idx")],
            },
        ),
        migrations.AddField(
            model_name="jobfile",
            name="blob",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="kernel.storedfile", verbose_name="文件内容"),
        ),
    ]
