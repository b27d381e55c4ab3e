from django.db import migrations

from zhongshu.kernel import filestore


def forward(apps, schema_editor):
    filestore.move_out(apps, "kernel.JobFile", content="content", blob="blob")


def backward(apps, schema_editor):
    filestore.move_in(apps, "kernel.JobFile", content="content", blob="blob")


class Migration(migrations.Migration):
    """Step 2 of 3: each row's bytes into the file store, one committed row at a time
    (not atomic), so that a run that dies half-way loses nothing and the next run goes
    on from where it stopped. Backwards, the bytes go back into the column the same way."""

    atomic = False

    dependencies = [
        ("kernel", "0008_stored_files_blob"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
