from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "zhongshu.org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from zhongshu.access import registry
        from zhongshu.kernel import jobs

        from .imports import org_import
        from .pickers.actions import policy

        # 批量导入 runs in the background (kernel.jobs).
        jobs.register(org_import)
        # Keeping the office's groups for the pickers (org.pickers.actions).
        registry.register(policy())
