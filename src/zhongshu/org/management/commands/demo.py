"""`zhongshu demo`: load the demo organisation into an empty database."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhongshu.org.demo import KEY_ACCOUNTS, load_demo
from zhongshu.org.models import Unit
from zhongshu.seals.demo import install_demo_seals


class Command(BaseCommand):
    help = "载入演示组织机构（中共示例市委员会）到空数据库"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true",
                            help="数据库已有数据时静默跳过，而不是报错")

    def handle(self, *args: Any, **opts: Any) -> None:
        if Unit.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("数据库已有组织机构数据，跳过演示数据。")
                return
            raise CommandError("数据库中已有组织机构数据；演示数据只能载入空数据库。")
        counts = load_demo()
        from zhongshu.documents.demo import load_demo_documents

        load_demo_documents()
        install_demo_seals()  # 演示印章：市委 sw、市委办公室 swb
        # Apps above org add their own sample work (an additive call per app).
        if apps.is_installed("zhongshu.supervision"):
            from zhongshu.supervision.demo import load_demo as supervision_demo

            supervision_demo()
        self.stdout.write(self.style.SUCCESS(
            f"已载入演示数据：单位 {counts['units']} 个，人员 {counts['people']} 人。"))
        self.stdout.write(f"演示账号（密码均为 {settings.DEMO_PASSWORD}）：")
        for a in KEY_ACCOUNTS:
            self.stdout.write(f"  {a.username:<12} {a.full_name}  {a.what}")
        if apps.is_installed("zhongshu.inspections"):
            from zhongshu.inspections.demo import load_demo_plans

            self.stdout.write(f"督查检查考核计划 {load_demo_plans()} 个。")
