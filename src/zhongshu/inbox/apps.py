from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "zhongshu.inbox"
    label = "inbox"
    verbose_name = "待办待阅"

    def ready(self) -> None:
        from zhongshu.access import registry
        from zhongshu.kernel import notify, schedule

        from .actions import policy
        from .services import notice_send
        from .tasks import send_reminders

        registry.register(policy())
        # Apps below the inbox notify people through the kernel (kernel.notify).
        notify.register_sender(notice_send)
        # 到期提醒和超期催办, queued by the task workers once a day (decision 1322).
        schedule.register("reminders", send_reminders)
