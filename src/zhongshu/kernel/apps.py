from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(*, using: str = "default", **kwargs: Any) -> None:
    """``migrate`` also creates the database cache's table (decision 1320): it is no
    model, so no migration makes it, and an installation that switches from Redis back
    to the database gets it by migrating. Does nothing for other caches or when the
    table exists."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class KernelConfig(AppConfig):
    name = "zhongshu.kernel"
    verbose_name = "基础"

    def ready(self) -> None:
        from . import kept, schedule, tasks

        post_migrate.connect(_create_cache_table, sender=self,
                             dispatch_uid="zhongshu.kernel.cache_table")
        schedule.register("purge_jobs", tasks.purge_jobs)
        kept.connect()
