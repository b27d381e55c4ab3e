from django.db import migrations

ROLES = [
    ("leader", "领导"), ("office_director", "办公室主任"), ("secretary", "秘书/文书"),
    ("confidential_clerk", "机要员"), ("supervision_officer", "督查员"),
    ("information_officer", "信息员"), ("duty_officer", "值班员"), ("liaison_officer", "联络员"),
    ("archivist", "档案员"), ("system_admin", "系统管理员"), ("security_admin", "安全保密管理员"),
    ("auditor", "安全审计员"),
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("org", "Role")
    for code, name in ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
