"""The kinds of background job, registered by the apps that own them.

The kernel imports no app: an app declares what one of its jobs does, who may ask for
it and how its result is shown, and registers that ``JobKind`` from its ``ready``. The
kernel then queues, runs, recovers, shows and cleans up every kind the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zhongshu.kernel.models import Job

    from .runner import JobContext, JobOutcome


DEFAULT_ERROR_TEXT = "任务执行时出错，未完成。请稍后重新提交；如仍失败，请联系系统管理员。"


@dataclass(frozen=True)
class JobKind:
    code: str  # stored on the job; permanent once shipped, e.g. "outgoing_register"
    label: str  # what the job is, in the owner's list: "导出发文登记簿"
    # The owner must hold it to submit the job, when it runs, to download, to retry.
    action: StrEnum
    run: Callable[[JobContext], JobOutcome]  # the work itself, in the worker
    submit_event: str  # audit event recorded when the job is asked for
    download_event: str = ""  # audit event of a download; a kind without one has no file
    origin: str = ""  # URL name of the page the job is started from (the back link)
    origin_label: str = ""  # that page's name: "发文登记簿"
    origin_query: bool = False  # carry ``params`` back to it as the query string
    result_template: str = ""  # shows a finished job's result on its page
    unit: str = ""  # what ``done``/``total`` count: "行"
    needs_input: bool = False  # runs on a file its owner uploaded (kept until it finishes)
    # Told to the owner when they lost ``action`` before the job ran.
    refusal: str = ""
    # Told to the owner when the job failed unexpectedly (the exception goes to the log).
    error_text: str = ""
    # Audit details of the job (the kernel adds its kind).
    describe: Callable[[Job], dict[str, Any]] | None = None

    @property
    def refusal_text(self) -> str:
        return self.refusal or f"提交人已无权进行“{self.label}”，任务未执行。"

    @property
    def failure_text(self) -> str:
        return self.error_text or DEFAULT_ERROR_TEXT

    def details(self, job: Job) -> dict[str, Any]:
        extra = self.describe(job) if self.describe else {"params": job.params}
        return {"kind": self.code, **extra}


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> None:
    """Declare a kind (from an app's ``ready``). Registering a code again replaces it."""
    _KINDS[kind.code] = kind


def kind_of(code: str) -> JobKind | None:
    return _KINDS.get(code)


def kinds() -> dict[str, JobKind]:
    return dict(_KINDS)
