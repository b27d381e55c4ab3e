"""批量导入 as a background job (``kernel.jobs``): the uploaded workbook is validated
row by row with progress, then written in one transaction together with the job's
result, so an import is either wholly applied and done, or not applied at all."""

from __future__ import annotations

from typing import Any

from zhongshu.access.policy import Action
from zhongshu.kernel import jobs
from zhongshu.kernel.files import XLSX
from zhongshu.kernel.models import Job

from . import importer
from .events import OrgEvent
from .models import Person

ORG_IMPORT = "org_import"
VALIDATING = "校验中"
IMPORTING = "导入中"


def _run(ctx: jobs.JobContext) -> jobs.JobOutcome:
    content = ctx.input()
    ctx.stage(VALIDATING)
    parsed = importer.parse(content, progress=ctx.progress, actor=ctx.owner)
    if parsed.errors:
        raise jobs.JobRefused(
            f"校验未通过：发现 {len(parsed.errors)} 处错误，未导入任何数据。请修改后重新上传。",
            result={"errors": [e.as_dict() for e in parsed.errors]})
    rows = len(parsed.units) + len(parsed.people)
    # The writing runs in the transaction that marks the job done (its progress would
    # not be seen before that commit): the page shows the stage without a count.
    ctx.stage(IMPORTING)
    owner: Person = ctx.owner
    return jobs.JobOutcome(write=lambda: importer.apply(parsed, actor=owner), done=rows, total=rows)


def _describe(job: Job) -> dict[str, Any]:
    return {"file_name": job.params.get("file_name", "")}


org_import = jobs.JobKind(
    code=ORG_IMPORT, label="批量导入单位和人员", action=Action.ORG_MANAGE, run=_run,
    submit_event=OrgEvent.IMPORT_SUBMIT, origin="org:import_start", origin_label="批量导入",
    result_template="org/_import_result.html", unit="行", needs_input=True,
    refusal="提交人已无权管理单位和人员，未导入任何数据。",
    error_text="导入时出错，未导入任何数据。请检查文件后重新上传；如仍失败，请联系系统管理员。",
    describe=_describe)


def import_submit(*, actor: Person, file_name: str, content: bytes) -> Job:
    """Queue an import of the uploaded workbook for ``actor``."""
    return jobs.job_submit(actor=actor, kind=ORG_IMPORT, params={"file_name": file_name[:200]},
                           upload=jobs.Upload(name=file_name, content=content,
                                              content_type=XLSX.content_type))
