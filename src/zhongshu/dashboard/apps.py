from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "zhongshu.dashboard"
    verbose_name = "首页"
