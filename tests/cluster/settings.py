"""Settings of the application and worker processes that test_exactly_once.py starts: the
test settings, with what several processes must share instead of what one process keeps
to itself (the task queue in the database, the database cache, mail written to files
that the test can count)."""

import os

from tests.settings import *  # noqa: F403
from zhongshu.config.env import env_cache

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
CACHES = {"default": env_cache("ZHONGSHU_CACHE_URL")}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ.get("ZHONGSHU_TEST_MAIL_DIR", str(VAR_DIR / "mail"))  # noqa: F405
