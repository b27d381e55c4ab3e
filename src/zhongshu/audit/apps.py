from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhongshu.audit"
    verbose_name = "安全审计"

    def ready(self) -> None:
        # Sign-in, sign-out and failed sign-ins come from Django's auth signals: the one
        # place where a signal is the right tool, since the auth views are Django's own.
        from . import checks, signals  # noqa: F401
