"""`zhongshu admins`: the three administrator accounts (三员), handled only here, on the
server, by whoever runs the installation. Every act is an audit event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhongshu.org import installation
from zhongshu.org.installation import (
    ADMIN_ROLE_ORDER,
    DEFAULT_CLEARANCES,
    DEFAULT_USERNAMES,
    AdminSpec,
)
from zhongshu.org.models import Clearance, RoleCode, Unit

FLAGS = {RoleCode.SYSTEM_ADMIN: "system", RoleCode.SECURITY_ADMIN: "security", RoleCode.AUDITOR: "auditor"}


def _unit(code: str | None) -> Unit | None:
    if not code:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise CommandError(f"单位代码“{code}”不存在。")
    return unit


class Command(BaseCommand):
    help = "三员账号：install 安装时创建 | list 列出 | reset-password 重置密码 | replace 更换人员"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        install = sub.add_parser("install", help="创建系统管理员、安全保密管理员、安全审计员三个账号（只能一次）")
        for role in ADMIN_ROLE_ORDER:
            flag = FLAGS[role]
            install.add_argument(f"--{flag}-username", default=DEFAULT_USERNAMES[role])
            install.add_argument(f"--{flag}-name", default=str(RoleCode(role).label), help="姓名")
            install.add_argument(f"--{flag}-clearance", default=DEFAULT_CLEARANCES[role],
                                 choices=Clearance.values)
            install.add_argument(f"--{flag}-unit", default=None, help="所在单位代码（可选）")
        sub.add_parser("list", help="列出在岗的三员账号")
        reset = sub.add_parser("reset-password", help="为管理员生成一次性密码（首次登录须修改）")
        reset.add_argument("role", choices=["system", "security", "auditor"])
        reset.add_argument("--reason", required=True, help="重置原因（记入审计日志）")
        replace = sub.add_parser("replace", help="停用现任管理员账号并为继任者创建账号")
        replace.add_argument("role", choices=["system", "security", "auditor"])
        replace.add_argument("--username", required=True)
        replace.add_argument("--name", required=True, help="姓名")
        replace.add_argument("--clearance", default=None, choices=Clearance.values)
        replace.add_argument("--unit", default=None, help="所在单位代码（可选）")
        replace.add_argument("--reason", required=True, help="更换原因（记入审计日志）")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            getattr(self, "_" + opts["action"].replace("-", "_"))(opts)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None

    def _print(self, installed: installation.Installed) -> None:
        p = installed.person
        line = f"  {RoleCode(installed.role).label}：{p.username}（{p.full_name}）"
        if installed.one_time_password:
            line += f"  一次性密码：{installed.one_time_password}"
        self.stdout.write(line)

    def _install(self, opts: dict[str, Any]) -> None:
        specs: dict[str, AdminSpec] = {}
        for role in ADMIN_ROLE_ORDER:
            flag = FLAGS[role]
            specs[role] = AdminSpec(username=opts[f"{flag}_username"], full_name=opts[f"{flag}_name"],
                                    clearance=opts[f"{flag}_clearance"], unit=_unit(opts[f"{flag}_unit"]),
                                    position=str(RoleCode(role).label))
        done = installation.administrators_install(specs)
        self.stdout.write(self.style.SUCCESS("已创建三员账号（已记入审计日志）："))
        for item in done:
            self._print(item)
        self.stdout.write("请将一次性密码分别当面交给本人；首次登录后须立即修改，此密码不会再次显示。")

    def _list(self, opts: dict[str, Any]) -> None:
        holders = installation.holders()
        for role in ADMIN_ROLE_ORDER:
            p = holders.get(role)
            who = f"{p.username}（{p.full_name}）" if p else "（未安装）"
            self.stdout.write(f"  {RoleCode(role).label}：{who}")

    def _reset_password(self, opts: dict[str, Any]) -> None:
        done = installation.administrator_reset_password(opts["role"], reason=opts["reason"])
        self.stdout.write(self.style.SUCCESS("已重置密码（已记入审计日志）："))
        self._print(done)

    def _replace(self, opts: dict[str, Any]) -> None:
        role = installation.ROLE_ALIASES[opts["role"]]
        spec = AdminSpec(username=opts["username"], full_name=opts["name"],
                         clearance=opts["clearance"] or DEFAULT_CLEARANCES[role],
                         unit=_unit(opts["unit"]), position=str(RoleCode(role).label))
        done = installation.administrator_replace(opts["role"], spec, reason=opts["reason"])
        self.stdout.write(self.style.SUCCESS("已更换管理员（原账号已停用，已记入审计日志）："))
        self._print(done)
