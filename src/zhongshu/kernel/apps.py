from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "zhongshu.kernel"
    verbose_name = "基础"
