from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhongshu.audit"
    verbose_name = "安全审计"

    def ready(self) -> None:
        # Sign-in, sign-out and failed sign-ins come from Django's auth signals: the one
        # place where a signal is the right tool, since the auth views are Django's own.
        from zhongshu.kernel import exports

        from . import checks, signals  # noqa: F401
        from .exports import audit_events

        # The auditor's Excel export runs in the background (kernel.jobs).
        exports.register(audit_events)
