"""Measure the routing engine and the inbox on a fresh database.

    ZHONGSHU_DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python bench/workflow_inbox.py
    ZHONGSHU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zs_flow_bench .venv/bin/python bench/workflow_inbox.py

Creates ROUTES routes on a three-stage template (review → countersign of three units →
sign-off), acts them through, and times: starting a route, one action, one person's
inbox with PENDING open items, and the reminder job over every open step. The database is
dropped and recreated (SQLite) or flushed (PostgreSQL) first.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

ROUTES = int(os.environ.get("ROUTES", "300"))
PENDING = int(os.environ.get("PENDING", "500"))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.config.settings")
    os.environ.setdefault("ZHONGSHU_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    if connection.vendor == "sqlite":
        path = connection.settings_dict["NAME"]
        connection.close()
        if os.path.exists(path):
            os.remove(path)
    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)

    from zhongshu.inbox import selectors as inbox
    from zhongshu.inbox import services as reminders
    from zhongshu.inbox.registry import Box
    from zhongshu.org import services as org
    from zhongshu.org.models import Person, RoleCode, Unit
    from zhongshu.workflow import services as wf
    from zhongshu.workflow.models import Step, StepAction

    org.roles_ensure()

    def person(name, unit, roles=()):
        return org.person_create(actor=None, username=name, full_name=name, unit=unit,
                                 roles=list(roles), password=None, email=f"{name}@example.org")

    root = org.unit_create(actor=None, name="市委办公室", code="ROOT", kind="organ")
    dept = org.unit_create(actor=None, name="秘书一处", code="D1", kind="department", parent=root)
    leader = person("leader", root, [RoleCode.LEADER])
    director = person("director", root, [RoleCode.OFFICE_DIRECTOR])
    head = person("head", dept)
    drafter = person("drafter", dept)
    org.unit_update(actor=None, unit=dept, head=head, leader_in_charge=leader)
    units = []
    for i in range(3):
        u = org.unit_create(actor=None, name=f"会签单位{i}", code=f"C{i}", kind="subordinate", parent=root)
        org.unit_update(actor=None, unit=u, head=person(f"chief{i}", u))
        units.append(u)

    stages = [
        {"name": "处长审核", "mode": "single", "assignees": [{"kind": "drafter_unit_head"}],
         "actions": ["agree", "agree_opinion", "transfer"], "deadline_workdays": 2},
        {"name": "会签", "mode": "all", "assignees": [{"kind": "unit_head", "unit": u.pk} for u in units],
         "actions": ["agree", "agree_opinion", "return"], "deadline_workdays": 3},
        {"name": "签发", "mode": "single", "assignees": [{"kind": "drafter_unit_leader"}],
         "actions": ["agree", "agree_opinion", "return", "reject"], "delegable": False,
         "deadline_workdays": 1},
    ]
    template = wf.template_create(actor=director, code="bench", name="发文", stages=stages)


    # Routes attach to any model; the bench attaches them to units for simplicity, which
    # needs an item that says who may start it.
    Unit.workflow_may_start = lambda self, p: True  # bench only

    today = dt.date(2026, 6, 17)
    t0 = time.perf_counter()
    routes = [wf.route_start(actor=drafter, obj=dept, template=template, title=f"公文{i}", today=today)
              for i in range(ROUTES)]
    t_start = (time.perf_counter() - t0) / ROUTES

    # Act every route through the first two stages (1 + 3 actions each).
    acts = 0
    t0 = time.perf_counter()
    for route in routes:
        for _stage in range(2):
            for step in list(Step.objects.filter(route=route, status="pending")):
                wf.step_act(actor=step.assignee, step=step, action=StepAction.AGREE, today=today)
                acts += 1
    t_act = (time.perf_counter() - t0) / acts
    with CaptureQueriesContext(connection) as q:
        route = wf.route_start(actor=drafter, obj=dept, template=template, title="计数", today=today)
        step = Step.objects.get(route=route, status="pending")
        reset_queries()
    with CaptureQueriesContext(connection) as q:
        wf.step_act(actor=head, step=step, action=StepAction.AGREE, today=today)
    act_queries = len(q.captured_queries)

    # The leader now has ROUTES pending sign-offs; add more to reach PENDING.
    for i in range(max(0, PENDING - ROUTES)):
        r = wf.route_start(actor=drafter, obj=dept, template=template, title=f"补充{i}", today=today)
        s = Step.objects.get(route=r, status="pending")
        wf.step_act(actor=head, step=s, action=StepAction.AGREE, today=today)
        for s in list(Step.objects.filter(route=r, status="pending")):
            wf.step_act(actor=s.assignee, step=s, action=StepAction.AGREE, today=today)
    leader = Person.objects.get(username="leader")
    inbox.inbox_open(leader, Box.TODO)  # warm: translation catalogues, URL resolver
    with CaptureQueriesContext(connection) as q:
        t0 = time.perf_counter()
        items = inbox.inbox_open(leader, Box.TODO)
        t_inbox = time.perf_counter() - t0
    inbox_queries = len(q.captured_queries)

    open_steps = Step.objects.filter(status="pending").count()
    t0 = time.perf_counter()
    run = reminders.reminders_send(today=dt.date(2026, 6, 25))
    t_rem = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = reminders.reminders_send(today=dt.date(2026, 6, 25))
    t_rem2 = time.perf_counter() - t0

    print(f"database: {connection.vendor}")
    print(f"route_start: {t_start * 1000:.1f} ms per route ({ROUTES} routes)")
    print(f"step_act: {t_act * 1000:.1f} ms per action ({acts} actions), {act_queries} queries")
    print(f"inbox_open: {len(items)} items in {t_inbox * 1000:.0f} ms, {inbox_queries} queries")
    print(f"reminders_send: {run.sent} sent ({open_steps} open steps) in {t_rem:.2f} s; "
          f"second run skipped {again.skipped} in {t_rem2:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
