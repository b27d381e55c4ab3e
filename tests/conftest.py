import os
import shutil

import pytest

from tests.factories import PASSWORD, PersonFactory
from zhongshu.org.models import RoleCode

# Fixtures through which a test opens the test database (pytest-django's, and the helper
# its django_db marker asks for).
DATABASE_FIXTURES = {"_django_db_helper", "db", "transactional_db", "live_server",
                     "django_db_reset_sequences", "django_db_serialized_rollback"}


def database_only(config, items):
    """With ZHONGSHU_TEST_DATABASE_ONLY=1 (./test's PostgreSQL run), run only the tests that
    open the database: the others — layout, proofreading, the calendar's arithmetic, CLI
    and file checks — do the same on any database and have passed in the SQLite run
    (decision 1300)."""
    if os.environ.get("ZHONGSHU_TEST_DATABASE_ONLY") != "1":
        return
    keep, drop = [], []
    for item in items:
        uses_db = (item.get_closest_marker("django_db") is not None
                   or item.get_closest_marker("postgres_only") is not None
                   or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))
        (keep if uses_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def sysadmin(db):
    return PersonFactory(username="sysadmin", full_name="系统管理员甲", roles=[RoleCode.SYSTEM_ADMIN])


@pytest.fixture
def staff(db):
    return PersonFactory(username="staff", full_name="普通职员乙")


@pytest.fixture
def admin_client(client, sysadmin):
    client.force_login(sysadmin)
    return client


@pytest.fixture(scope="session", autouse=True)
def _file_store_of_the_session(tmp_path_factory):
    """Stored files go to a directory of this test process (each xdist worker has its
    own), never the office's var/files; removed with pytest's temporary directories."""
    from django.conf import settings
    from django.test import override_settings

    location = tmp_path_factory.mktemp("file-store")
    with override_settings(STORAGES={**settings.STORAGES, "files": local_store(location)}):
        yield location


def local_store(location) -> dict:
    return {"BACKEND": "zhongshu.kernel.blobs.LocalStore", "OPTIONS": {"location": str(location)}}


@pytest.fixture
def file_store(tmp_path, settings):
    """A file store of the test's own (for tests that damage or collect files)."""
    settings.STORAGES = {**settings.STORAGES, "files": local_store(tmp_path / "store")}
    return tmp_path / "store"


@pytest.fixture
def newest_schema_after():
    """For migration tests, which stop at the migrations they are about: later tests on
    this database need every table of today's schema back, whatever the test's outcome."""
    yield
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached results (statistics) are keyed by row ids, which the next test reuses."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _keep_test_connections_open(monkeypatch):
    """`zhongshu X` (execute_from_command_line) closes every connection when the command
    ends. In a test that would close the test's own transaction; Django spares in-memory
    SQLite the same way, and the test database is a file (see tests/settings.py)."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


def pytest_collection_modifyitems(config, items):
    """Every transactional test restores the migrated data it started with (serialized
    rollback). Mixing the two kinds broke tests at random: a plain transactional test's
    flush recreates the content types under new ids, and the next serialized test then
    fails to load its copy (docs/decisions/0508)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(pytest.mark.django_db(*marker.args, **{**marker.kwargs, "serialized_rollback": True}),
                            append=False)
        names = getattr(item, "fixturenames", None)
        if names is not None and "transactional_db" in names and "django_db_serialized_rollback" not in names:
            names.append("django_db_serialized_rollback")
    database_only(config, items)


# --- browser tests: one Playwright driving Debian's Chromium (never a downloaded browser),
# shared by every test module that drives a browser, whatever its folder (two sync
# Playwright instances cannot run in one process).



CHROMIUM = os.environ.get("ZHONGSHU_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: ./test installs Debian's chromium package")
    # Playwright's sync API runs an event loop in this thread; the ORM calls that tests
    # make around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def demo_site(transactional_db, live_server):
    """The demo organisation behind a live server; its URL."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    # Content types may have been recreated under new ids by an earlier flush.
    ContentType.objects.clear_cache()
    call_command("demo")
    return live_server.url
