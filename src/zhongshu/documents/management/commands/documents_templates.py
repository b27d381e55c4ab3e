"""`manage.py documents_templates`: create the default outgoing routing template of every
document type (17: the 15 statutory types, 令 and 签报) that does not exist yet."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from zhongshu.documents import routing
from zhongshu.org.models import Person, RoleCode


class Command(BaseCommand):
    help = "为各文种建立默认发文流程模板（已有的保持不变）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--actor", help="记为模板创建人的账号（默认：第一位办公室主任）")

    def handle(self, *args, **opts) -> None:
        people = Person.objects.filter(is_active=True)
        actor = (people.filter(username=opts["actor"]).first() if opts.get("actor")
                 else people.filter(roles__code=RoleCode.OFFICE_DIRECTOR).order_by("sort_order", "id").first())
        if actor is None:
            raise CommandError("找不到创建人：请用 --actor 指定一个账号，或先建立办公室主任。")
        with transaction.atomic():
            templates = routing.ensure_all(actor=actor)
        self.stdout.write(self.style.SUCCESS(f"发文流程模板共 {len(templates)} 个（创建人：{actor}）。"))
