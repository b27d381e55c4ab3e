"""Fill a database with supervised tasks for the 督查督办 benchmark (bench.py).

    ZHONGSHU_DATABASE_URL=sqlite:////work/var/zs_sv.sqlite3 \\
        .venv/bin/python bench/supervision/generate.py --tasks 500000 --extra 2000000
    ZHONGSHU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zs_sv \\
        .venv/bin/python bench/supervision/generate.py --tasks 500000 --extra 2000000

Migrates, loads the demo organisation, then writes ``--tasks`` tasks of kind
``supervision.task`` on ``--tasks / 2`` matters (a lead unit and a co-unit each, chosen
among the subordinate units and the office's departments), their ledger rows, and
``--extra`` progress reports and reminders (three reports for each reminder), spread over
two years ending at ``--until``. Older tasks are closed (a few late), recent ones open.
Deterministic. Like bench/documents/generate.py it bypasses the services on purpose (no
audit events, no timeline events, no notifications) and writes with ``executemany``
(SQLite) or ``COPY`` (PostgreSQL); every model constraint holds. Lights are left for the
benchmark's first recomputation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

TOPICS = ["优化营商环境", "老旧小区改造", "安全生产整治", "防汛抗旱", "乡村振兴", "生态环境整改",
          "政务服务改革", "招商引资", "基层减负", "信访积案化解", "民生实事", "重大项目建设"]
SOURCES = [("instruction", 35), ("meeting", 25), ("work_plan", 15), ("npc", 8), ("cppcc", 7), ("office", 10)]


def pick(rng: random.Random, weighted: list[tuple]) -> object:
    total = sum(w for _v, w in weighted)
    x = rng.random() * total
    for value, w in weighted:
        x -= w
        if x < 0:
            return value
    return weighted[-1][0]


class Rows:
    """Rows of a model as tuples in its column order, with the model's defaults."""

    def __init__(self, writer, model) -> None:
        self.writer = writer
        self.table = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = tuple(f.column for f in self.fields)

    def add(self, **values) -> None:
        from django.db import models

        w = self.writer
        out = []
        for f in self.fields:
            v = values[f.attname] if f.attname in values else f.get_default()
            if isinstance(f, models.DateTimeField):
                v = w.ts(v)
            elif isinstance(f, models.DateField):
                v = w.day(v)
            elif isinstance(f, models.BooleanField):
                v = w.flag(v)
            elif isinstance(f, models.JSONField):
                v = w.js(v)
            out.append(v)
        w.add(self.table, self.columns, tuple(out))


def main(argv: list[str] | None = None) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.config.settings")
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench.documents.generate import Writer
    from zhongshu.org.models import Person, RoleCode, Unit, UnitKind
    from zhongshu.supervision.models import LedgerRow, Matter
    from zhongshu.workflow.models import Task, TaskReminder, TaskReport

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tasks", type=int, default=500_000)
    p.add_argument("--extra", type=int, default=2_000_000, help="progress reports and reminders")
    p.add_argument("--until", type=dt.date.fromisoformat, default=dt.date(2026, 11, 30))
    p.add_argument("--seed", type=int, default=14)
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    if not connection.in_atomic_block:
        call_command("migrate", verbosity=0)
    call_command("demo", if_empty=True, verbosity=0, stdout=io.StringIO())
    if Task.objects.filter(kind="supervision.task").count() > 100:
        raise SystemExit("the database already holds supervised tasks; generate into a fresh database")
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA cache_size=-1000000")
    rng = random.Random(args.seed)
    officer = Person.objects.get(username="ducha")
    leaders = list(Person.objects.filter(roles__code=RoleCode.LEADER, unit__code="SW").order_by("id"))
    units = list(Unit.objects.filter(kind__in=[UnitKind.SUBORDINATE, UnitKind.DEPARTMENT])
                 .exclude(code__in=["BGS-DC"]).order_by("id"))
    liaison = {}
    for u in units:
        person = (Person.objects.filter(unit=u, roles__code=RoleCode.LIAISON_OFFICER).first()
                  or u.head or officer)
        liaison[u.pk] = person.pk
    ct = ContentType.objects.get_for_model(Matter).pk
    w = Writer(connection, batch=20_000)
    matters, tasks, rows = Rows(w, Matter), Rows(w, Task), Rows(w, LedgerRow)
    reports, reminders = Rows(w, TaskReport), Rows(w, TaskReminder)
    next_matter = (Matter.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    next_task = (Task.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    next_report = (TaskReport.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    next_reminder = (TaskReminder.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    span = 730
    start = args.until - dt.timedelta(days=span)
    extra_per_task = args.extra / max(args.tasks, 1)
    made = {"matters": 0, "tasks": 0, "rows": 0, "reports": 0, "reminders": 0}
    tz = dt.UTC
    with transaction.atomic():
        for i in range(args.tasks // 2):
            mid = next_matter + i
            created = start + dt.timedelta(days=span * i / (args.tasks // 2))
            created_at = dt.datetime.combine(created, dt.time(9), tzinfo=tz) + dt.timedelta(minutes=rng.randrange(480))
            source = pick(rng, SOURCES)
            level = pick(rng, [(0, 15), (1, 80), (2, 5)])
            leader = rng.choice(leaders) if source in ("instruction", "meeting") else None
            title = f"{rng.choice(TOPICS)}第{mid}项"
            matters.add(id=mid, classification=level, secrecy_years=10 if level >= 2 else None,
                        classified_on=created if level >= 2 else None, owner_unit_id=officer.unit_id,
                        registered_by_id=officer.pk, source=source, leader_id=leader.pk if leader else None,
                        title=title, requirement="按要求抓好落实。", created_at=created_at,
                        importance=rng.choice((0, 1, 2)), status="open")
            made["matters"] += 1
            lead, co = rng.sample(units, 2)
            due = created + dt.timedelta(days=rng.randrange(20, 90))
            for pos, (unit, role) in enumerate(((lead, "lead"), (co, "co"))):
                tid = next_task + 2 * i + pos
                old = due < args.until - dt.timedelta(days=rng.randrange(0, 40))
                done_on = due + dt.timedelta(days=rng.choice((-10, -5, -2, 0, 0, 3, 12))) if old else None
                if done_on and done_on > args.until:
                    done_on = None
                status = "done" if done_on else rng.choice(("open", "accepted", "accepted", "accepted", "review"))
                report_due = due - dt.timedelta(days=10) if status != "done" else None
                tasks.add(id=tid, subject_type_id=ct, subject_id=mid, kind="supervision.task", title=title,
                          unit_id=unit.pk, role=role, status=status, created_at=created_at,
                          given_by_id=officer.pk, activated_at=created_at, due_date=due,
                          accepted_at=created_at if status != "open" else None,
                          done_at=dt.datetime.combine(done_on, dt.time(16), tzinfo=tz) if done_on else None,
                          done_by_id=liaison[unit.pk] if done_on else None, report_every=10,
                          next_report_due=report_due)
                rows.add(task_id=tid, matter_id=mid, unit_id=unit.pk, role=role,
                         leader_id=leader.pk if leader else None, source=source, classification=level,
                         title=title, status=status, importance=0, created_on=created, due_date=due,
                         next_report_due=report_due, closed_on=done_on, light="none" if done_on else "green")
                made["tasks"] += 1
                made["rows"] += 1
                n = int(extra_per_task) + (1 if rng.random() < extra_per_task % 1 else 0)
                for k in range(n):
                    at = created_at + dt.timedelta(days=3 + 7 * k)
                    if k % 4 == 3:
                        reminders.add(id=next_reminder, task_id=tid, recipient_id=liaison[unit.pk],
                                      day=at.date(), sent_at=at, message="")
                        next_reminder += 1
                        made["reminders"] += 1
                    else:
                        reports.add(id=next_report, task_id=tid, kind="progress", author_id=liaison[unit.pk],
                                    created_at=at, text=f"第{k + 1}次报送：工作有序推进。", state="recorded")
                        next_report += 1
                        made["reports"] += 1
        w.flush_all()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for t in ("supervision_matter", "workflow_task", "supervision_ledgerrow",
                      "workflow_taskreport", "workflow_taskreminder"):
                cur.execute(f'SELECT setval(pg_get_serial_sequence(\'"{t}"\', \'id\'), (SELECT MAX(id) FROM "{t}"))'
                            if t != "supervision_ledgerrow" else "SELECT 1")
        cur.execute("ANALYZE")
    made["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(made, ensure_ascii=False))
    return made


if __name__ == "__main__":
    main()
