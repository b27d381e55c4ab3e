"""`manage.py documents_templates`: create the default outgoing routing template of every
document type (17: the 15 statutory types, 令 and 签报) that does not exist yet."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from zhongshu.documents import routing


class Command(BaseCommand):
    help = "为各文种建立默认发文流程模板（已有的保持不变）"

    def handle(self, *args: object, **opts: object) -> None:
        with transaction.atomic():
            templates = routing.ensure_all()
        self.stdout.write(self.style.SUCCESS(f"发文流程模板共 {len(templates)} 个。"))
