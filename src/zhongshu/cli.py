"""The `zhongshu` command: a thin front over Django's management commands."""

from __future__ import annotations

import os
import subprocess
import sys

COMMANDS = {
    "run": "start the web server and a background task worker together (启动服务)",
    "worker": "run a background task worker; it also queues the daily work once a day (后台任务)",
    "migrate": "create or update the database tables (数据库迁移)",
    "demo": "load the demo organisation into an empty database (演示数据)",
    "calendar": "working days: is-workday DATE | add DATE N | between A B [--provisional] | recompute YEAR (工作日历)",
    "admins": "the three administrator accounts: install | list | reset-password | replace (三员账号)",
    "audit": "audit trail: verify | anchor | rotate-key (审计链校验、锚点、密钥轮换)",
    "render": "lay out a document (JSON) as PDF, DOCX or OFD per GB/T 9704 (公文排版)",
    "reminders": "send today's deadline reminders; run daily from cron (催办提醒)",
    "supervision": "督查督办: light --due DATE --today DATE [--warn-days N] | daily [--date DATE] (督办灯、每日重算)",
    "proofread": "check documents (JSON or text): proofread FILE… [--json] [--type 通知] (公文校对)",
    "seal": "electronic seals: verify FILE… checks a sealed PDF or OFD (电子印章验证)",
    "files": "file store: verify (size and SM3 of every file) | gc [--grace-hours N] (文件存储校验、清理)",
    "manage": "any Django management command, e.g. `zhongshu manage createsuperuser`",
}
# Later issues register more commands here (render, proofread, audit, bench …).
MANAGEMENT_NAMES = {"worker": "worker", "migrate": "migrate", "demo": "demo",
                    "calendar": "calendar", "render": "render", "reminders": "reminders",
                    "proofread": "proofread", "audit": "audit", "admins": "admins",
                    "seal": "seal", "files": "files",
                    "supervision": "supervision"}


def _usage() -> str:
    lines = ["usage: zhongshu COMMAND [ARGS…]", "", "commands:"]
    lines += [f"  {name:<10} {text}" for name, text in COMMANDS.items()]
    lines += ["", "`zhongshu COMMAND --help` shows a command's own options."]
    return "\n".join(lines)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.config.settings")
    try:
        import django

        django.setup()
    except Exception as exc:  # a bad setting: say which, without a traceback
        from django.core.exceptions import ImproperlyConfigured

        if isinstance(exc, ImproperlyConfigured):
            print(f"zhongshu: configuration error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        raise


def run_server() -> int:
    """Serve the site with gunicorn (processes and threads from ``config.serving``) and
    run one background task worker beside it. Ctrl-C or SIGTERM stops both: gunicorn
    handles the signal, and the worker is stopped when gunicorn has ended."""
    from django.conf import settings

    from zhongshu.config import serving

    host = os.environ.get("ZHONGSHU_HOST", "127.0.0.1")
    plan = serving.plan()
    worker = subprocess.Popen([sys.executable, "-m", "zhongshu.cli", "worker", "--no-reload"])
    print(plan.banner(host, settings.PORT), flush=True)
    status = 0
    try:
        serving.serve(plan, host, settings.PORT)
    except SystemExit as exc:  # gunicorn ends by exiting; its status is ours
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        pass
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    return status


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        print(f"zhongshu: unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    _setup()
    if command == "run":
        return run_server()
    from django.core.management import execute_from_command_line

    name = rest.pop(0) if command == "manage" and rest else MANAGEMENT_NAMES.get(command, command)
    execute_from_command_line(["zhongshu", name, *rest])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
