"""Policy-matrix rows for the 督查督办 pages and API, and what they need in the matrix
world: a supervision officer of the office (not a persona) registers the leader's 批办性
instruction, opens a matter from it and gives it to the office, whose head is the leader
persona; the weekly report of the week is compiled.

Of the personas only the leader uses the area (a leader, and the head of the unit that
holds the task): he sees the matter and its task and acts on the task; nobody of them is
a supervision officer (督查员), so registering, opening, giving, merging, the instruction
register, the weekly report and the plan import are refused to all. The three
administrators see no content. The area's entry sends whoever plans inspections there."""

from __future__ import annotations

from types import SimpleNamespace

from tests.access.matrix import ANON, Row, everyone, only, signed_in
from tests.documents.matrix_rows import api

# Those who open the area's entry without using it are sent to the inspection plans.
PLANNERS = {"staff", "leader", "secretary", "clerk", "cleared_granted", "cleared_ungranted",
            "granted_uncleared", "flowadmin"}
USERS = {"leader"}
NOBODY: set[str] = set()
# route_below heads 政研室 in the matrix world (matrix._secret_route): a unit's head uses
# the area (its own tasks: none), and the office's matter is outside his need-to-know.
HEAD_OF_OTHER = {"route_below": 200}
OUTSIDE = {"route_below": 404}


def _with(row: dict, extra: dict) -> dict:
    return {**row, **extra}


def _matter(w: SimpleNamespace) -> list:
    return [w.supervision_matter.pk]


def _task(w: SimpleNamespace) -> list:
    return [w.supervision_task.pk]


def _instruction(w: SimpleNamespace) -> list:
    return [w.supervision_instruction.pk]


ROWS: dict[str, Row] = {
    # The leader is sent to his own view; the others who plan inspections to the plans.
    "supervision:home": Row(get=only(PLANNERS, ok=302), post=only(PLANNERS, ok=302)),
    "supervision:ledger": Row(get=_with(only(USERS), HEAD_OF_OTHER)),
    # POST only: starts a background export and goes to its progress page.
    "supervision:ledger_export": Row(get=signed_in(405), post=_with(only(USERS, ok=302), {"route_below": 302})),
    "supervision:register": Row(get=only(NOBODY)),
    "supervision:instruction_new": Row(get=only(NOBODY), post=only(NOBODY)),
    "supervision:instruction_scan": Row(get=only(NOBODY), args=_instruction),
    "supervision:instruction_circulate": Row(get=signed_in(405), post=only(NOBODY), args=_instruction),
    "supervision:matter_new": Row(get=only(NOBODY), post=only(NOBODY)),
    "supervision:matter": Row(get=_with(only(USERS), OUTSIDE), args=_matter),
    # POST only, for the supervision office.
    "supervision:matter_act": Row(get=signed_in(405), post=only(NOBODY), args=_matter),
    "supervision:task": Row(get=_with(only(USERS), OUTSIDE), args=_task),
    # An empty POST names no action: back on the task's page with a message.
    "supervision:task_act": Row(get=signed_in(405), post=_with(only(USERS, ok=302), OUTSIDE),
                                  args=_task),
    "supervision:mine": Row(get=_with(only(USERS), HEAD_OF_OTHER)),
    "supervision:leader": Row(get=only(USERS)),
    "supervision:stats": Row(get=only(USERS)),
    # POST only: the 通报 draft; the leader may not draft and is sent back with a message.
    "supervision:circular": Row(get=signed_in(405), post=only(USERS, ok=302)),
    "supervision:weekly": Row(get=only(NOBODY), args=lambda w: [w.supervision_weekly.pk]),
    "supervision:plan_import": Row(get=only(NOBODY), post=only(NOBODY)),
    # --- the API: a task outside one's need-to-know does not exist (404) ---
    # The list asks what the ledger page asks (supervision.use): the rest are refused.
    "api:supervision_tasks": Row(get={**only(USERS), **HEAD_OF_OTHER, ANON: 401}, post=everyone(405)),
    "api:supervision_task": Row(get=api(dict.fromkeys(USERS, 200)), post=everyone(405), args=_task),
    "api:supervision_task_accept": Row(get=everyone(405), post=api(dict.fromkeys(USERS, 200)), args=_task),
    # An empty form POST is not the JSON the operation takes (400).
    "api:supervision_task_return": Row(get=everyone(405), post=api(400), args=_task),
    "api:supervision_task_report": Row(get=everyone(405), post=api(dict.fromkeys(USERS, 409)), args=_task),
    # Not yet accepted: a progress report is refused (409); an empty completion request
    # lacks its result text (400), which is checked first.
    "api:supervision_task_completion": Row(get=everyone(405), post=api(dict.fromkeys(USERS, 400)),
                                           args=_task),
    "api:supervision_task_review": Row(get=everyone(405), post=api(400), args=_task),
}


def add_to_world(w: SimpleNamespace) -> None:
    from tests import uploads
    from tests.factories import PersonFactory
    from zhongshu.org.models import Clearance, RoleCode
    from zhongshu.supervision import services

    w.supervisor = PersonFactory(username="supervisor", full_name="督查员钱", unit=w.office,
                                 roles=[RoleCode.SUPERVISION_OFFICER], clearance=Clearance.IMPORTANT)
    w.supervision_instruction = services.instruction_register(
        actor=w.supervisor, leader=w.leader, kind="actionable", text="请督查室督办落实。",
        document_title="关于矩阵测试工作的报告", scan=("批示件.pdf", uploads.pdf("批示")))
    w.supervision_matter = services.matter_open(
        actor=w.supervisor, source="instruction", title="矩阵测试督办事项",
        requirement="按期办结。", instruction=w.supervision_instruction)
    w.supervision_task = services.task_give(actor=w.supervisor, matter=w.supervision_matter,
                                            lead=w.office, due_workdays=10)[0]
    w.supervision_weekly = services.weekly_report()
