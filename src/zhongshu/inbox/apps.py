from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "zhongshu.inbox"
    label = "inbox"
    verbose_name = "待办待阅"

    def ready(self) -> None:
        from zhongshu.access import registry
        from zhongshu.kernel import notify

        from .actions import policy
        from .services import notice_send

        registry.register(policy())
        # Apps below the inbox notify people through the kernel (kernel.notify).
        notify.register_sender(notice_send)
