"""The 15 statutory document types plus the internal memo (签报), each with its layout,
its rules and its default routing template (党政机关公文处理工作条例, art. 8).

The templates are data in the routing engine (``outgoing-<slug>``); this module only
gives their defaults, created on first use (see ``routing.ensure_template``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class DocKind:
    name: str
    slug: str
    format: str = "standard"
    # 上行文 carry the 签发人 (filled in from the signing leader at sign-off).
    upward: bool = False
    # 请示: one main recipient only (一文一事，只主送一个上级机关).
    single_main_recipient: bool = False
    # 请示: contact person and phone in the 附注.
    contact_in_notes: bool = False
    seal: bool = True
    # Issued outside with a 发文字号 and copies: 签报 is internal and is not.
    issued: bool = True


KINDS: tuple[DocKind, ...] = (
    DocKind("决议", "jueyi"), DocKind("决定", "jueding"),
    DocKind("命令", "mingling", format="order"), DocKind("令", "ling", format="order"),
    DocKind("公报", "gongbao"), DocKind("公告", "gonggao"), DocKind("通告", "tonggao"),
    DocKind("意见", "yijian"), DocKind("通知", "tongzhi"), DocKind("通报", "tongbao"),
    DocKind("报告", "baogao", upward=True),
    DocKind("请示", "qingshi", upward=True, single_main_recipient=True, contact_in_notes=True),
    DocKind("批复", "pifu"), DocKind("议案", "yian", upward=True),
    DocKind("函", "han", format="letter"),
    DocKind("纪要", "jiyao", format="minutes", seal=False),
    DocKind("签报", "qianbao", seal=False, issued=False),
)
BY_NAME = {k.name: k for k in KINDS}
CHOICES = [(k.name, k.name) for k in KINDS]

# The stage keys of 发文审批 (环节标识), in the order a template keeps them. Permanent once
# shipped: templates, steps and opinions store them, and every rule of 办文 follows the
# key — the office renames stages freely (routing.PURPOSE).
DRAFTING = "drafting"
DEPARTMENT_REVIEW = "department_review"
OFFICE_REVIEW = "review"
COUNTERSIGN = "countersign"
SIGN_OFF = "sign_off"
FINAL_CHECK = "final_check"
NUMBERING = "numbering"
SEALING = "sealing"
PRINTING = "printing"
DISTRIBUTION = "distribution"
ARCHIVING = "archiving"
STAGE_LABELS = {
    DRAFTING: "拟稿", DEPARTMENT_REVIEW: "部门审核", OFFICE_REVIEW: "核稿", COUNTERSIGN: "会签",
    SIGN_OFF: "签发", FINAL_CHECK: "复核", NUMBERING: "编号", SEALING: "用印", PRINTING: "印制",
    DISTRIBUTION: "分发", ARCHIVING: "归档",
}
# 印发: what the secretariat does after sign-off, on one screen where the office works so.
ISSUING_STAGES = (FINAL_CHECK, NUMBERING, SEALING, PRINTING, DISTRIBUTION)
# Stages in which the text may still change (the reviewers' edits are tracked).
EDITABLE_STAGES = frozenset({DRAFTING, DEPARTMENT_REVIEW, OFFICE_REVIEW, COUNTERSIGN})

_REVIEW = ["agree", "agree_opinion", "return", "reject"]
_OFFICE = ["agree", "agree_opinion", "return"]


def default_stages(kind: DocKind) -> list[dict]:
    """The default route of a type. Assignees of kind ``item`` are named by the document
    itself (会签单位, the authorised leader, the issuing office's secretaries)."""
    def stage(key, slot, mode="any", actions=_OFFICE, days=None, delegable=True, choosable=False):
        spec = {"kind": "drafter"} if slot == "drafter" else (
            {"kind": "drafter_unit_head"} if slot == "drafter_unit_head" else {"kind": "item", "slot": slot})
        return {"key": key, "name": STAGE_LABELS[key], "mode": mode, "assignees": [spec],
                "actions": list(actions), "deadline_workdays": days, "delegable": delegable,
                "choosable": choosable}

    stages = [
        stage(DRAFTING, "drafter", mode="single", actions=["agree"]),
        # The head of the drafting department; the deputy director in charge when the
        # head drafted it himself (the engine never gives a person his own work to review).
        stage(DEPARTMENT_REVIEW, "drafter_unit_head", mode="single", actions=_REVIEW, days=2),
        # 核稿: the office's director, or the secretary general he designates.
        # The department head picks which of the office's reviewers receives it.
        stage(OFFICE_REVIEW, "office_review", actions=_OFFICE, days=2, choosable=True),
        stage(COUNTERSIGN, "countersign", mode="all", actions=_OFFICE, days=3),
        # 签发 is the leader's own act: never by a secretary on the leader's behalf.
        stage(SIGN_OFF, "sign_off", mode="single", actions=_REVIEW, days=2, delegable=False),
    ]
    if kind.issued:
        # The secretariat (文书) checks, numbers, seals, prints and sends: one 印发 screen.
        stages += [stage(FINAL_CHECK, "secretariat", days=1), stage(NUMBERING, "secretariat", days=1)]
        if kind.seal:
            stages.append(stage(SEALING, "secretariat", days=1))
        stages += [stage(PRINTING, "secretariat", days=1), stage(DISTRIBUTION, "secretariat", days=1)]
    stages.append(stage(ARCHIVING, "archive", actions=["agree", "agree_opinion"], days=5))
    return stages


_SEPARATORS = re.compile(r"[、，,；;]")
_PHONE = re.compile(r"\d{3,4}-?\d{7,8}|1\d{10}|\d{5,}")


def rule_problems(kind: DocKind, spec: dict) -> list[str]:
    """What the type's own rules say about a draft, in the office's words."""
    problems = []
    recipients = (spec.get("main_recipients") or "").strip()
    if kind.single_main_recipient:
        if not recipients:
            problems.append(f"{kind.name}须写明主送机关。")
        elif _SEPARATORS.search(recipients):
            problems.append(f"{kind.name}只能主送一个上级机关，其他机关请列入抄送。")
    if kind.contact_in_notes:
        notes = spec.get("notes") or ""
        if "联系人" not in notes or not _PHONE.search(notes):
            problems.append(f"{kind.name}须在附注中注明联系人和联系电话，例如“联系人：张三，电话：0771-1234567”。")
    if not kind.seal and spec.get("seal"):
        problems.append(f"{kind.name}不加盖印章。")
    return problems
