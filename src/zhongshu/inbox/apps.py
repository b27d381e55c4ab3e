from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "zhongshu.inbox"
    label = "inbox"
    verbose_name = "待办待阅"
