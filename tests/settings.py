"""Test settings: the product's settings with the slow or outward-facing parts swapped."""

from zhongshu.config.settings import *  # noqa: F403

# Hashing cost is not under test (Argon2 is, in test_auth); MD5 keeps factories fast.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
# Tasks run at once unless a test asks for the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The suite clears the cache around every test, database or not (conftest): a process's own
# memory. The shared database cache is exercised by tests/test_serve.py's processes.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
# Test-only models: one the routing engine attaches routes to, one classifiable model
# for the access tests.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflow_sample", "tests.access.testapp"]  # noqa: F405
# On SQLite, test in a file (WAL, IMMEDIATE transactions, busy timeout) rather than the
# shared-cache in-memory database: its table locks fail at once instead of waiting, so
# tests where two workers write at the same moment could not run there.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
