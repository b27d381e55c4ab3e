from django.apps import AppConfig
from django.core import checks


class LayoutConfig(AppConfig):
    name = "zhongshu.layout"
    label = "layout"
    verbose_name = "排版"

    def ready(self) -> None:
        from zhongshu.access import registry

        from .actions import policy

        registry.register(policy())
        checks.register(check_fonts)


def check_fonts(app_configs, **kwargs):
    from .fonts import check_faces, configured_faces

    return [checks.Warning(problem, hint="在 LAYOUT_FONTS 或 ZHONGSHU_FONT_* 环境变量中配置字体文件",
                           id="layout.W001") for problem in check_faces(configured_faces())]
