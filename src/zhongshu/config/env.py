"""Small typed parsers for settings read from the environment.

Each parser fails fast with a message that names the variable and what it accepts,
so a mistyped deployment stops at start-up instead of misbehaving later.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from dj_database_url import DBConfig



class SettingError(ImproperlyConfigured):
    """An environment variable holds a value Zhongshu cannot use."""


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip()
    if value not in choices:
        listed = ", ".join(choices)
        raise SettingError(f"{name}={raw!r}: expected one of {listed} (环境变量 {name} 只能是 {listed} 之一)")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name}={raw!r}: expected true or false (环境变量 {name} 只能是 true 或 false)")


def env_int(name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(
            f"{name}={raw!r}: expected a whole number from {minimum} to {maximum} "
            f"(环境变量 {name} 应为 {minimum}–{maximum} 的整数)"
        ) from None
    if not minimum <= value <= maximum:
        raise SettingError(
            f"{name}={raw!r}: expected a whole number from {minimum} to {maximum} "
            f"(环境变量 {name} 应为 {minimum}–{maximum} 的整数)"
        )
    return value


def env_database_url(name: str, default_sqlite_path: Path) -> DBConfig:
    """Parse a sqlite:/// or postgres:// URL into a Django DATABASES entry."""
    import dj_database_url

    raw = os.environ.get(name) or f"sqlite:///{default_sqlite_path}"
    scheme = urlparse(raw).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise SettingError(
            f"{name}={raw!r}: only sqlite:///path and postgres://user@host:port/name are supported "
            f"(数据库地址只支持 SQLite 或 PostgreSQL)"
        )
    if scheme == "sqlite":
        path = Path(raw.removeprefix("sqlite:///"))
        if raw.startswith("sqlite:///") and str(path) not in {"", ":memory:"}:
            path.parent.mkdir(parents=True, exist_ok=True)
        config = dj_database_url.parse(raw)
        config["OPTIONS"] = {
            # WAL lets the web server read while the task worker writes; IMMEDIATE
            # transactions take the write lock up front so two writers queue
            # instead of failing with "database is locked" halfway through.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
        return config
    config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    # JIT compilation costs 200–400 ms on the registers' need-to-know queries and saves
    # nothing on pages this size (docs/benchmarks/documents.md).
    config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    if not config.get("NAME"):
        raise SettingError(f"{name}={raw!r}: the URL must name a database (数据库地址缺少库名)")
    return config


def private_file(path: Path, make: Callable[[], str]) -> str:
    """The content of ``path``, created on first start from ``make()`` with mode 0600
    (readable by the service's user only). Several processes starting at once agree on
    one value: the file appears whole through a hard link, or another process's wins."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(make() + "\n")
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        finally:
            Path(tmp).unlink(missing_ok=True)
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SettingError(f"{path}: cannot read ({exc.strerror}) (无法读取密钥文件 {path})") from None
    if not value:
        raise SettingError(f"{path} is empty (密钥文件 {path} 为空)")
    return value


def env_secret_key(name: str, path: Path) -> str:
    """``$name`` when set; otherwise a key generated on first start into ``path``. No
    installation runs on a shared default key."""
    raw = os.environ.get(name, "")
    if raw:
        if len(raw) < 32:
            raise SettingError(f"{name}: at least 32 characters (环境变量 {name} 至少 32 个字符)")
        return raw
    return private_file(path, lambda: secrets.token_urlsafe(50))


# The database cache's table; created by ``migrate`` (kernel's post_migrate handler).
CACHE_TABLE = "zhongshu_cache"
DB_CACHE_MAX_ENTRIES = 200_000


def env_cache(name: str) -> dict[str, Any]:
    """The cache every process and host shares (docs/decisions/1320): the database's
    own table when ``$name`` is empty or ``db://``; Redis for ``redis://`` or
    ``rediss://`` URLs (needs the ``redis`` package); ``locmem://`` keeps a cache per
    process, right only when one process serves."""
    raw = os.environ.get(name, "").strip()
    scheme = urlparse(raw).scheme if raw else "db"
    if scheme == "db":
        # Django's default of 300 entries would make every write count the table and cull
        # a third of it once a few hundred people have their menus kept (access.generation).
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE,
                "OPTIONS": {"MAX_ENTRIES": DB_CACHE_MAX_ENTRIES}}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "zhongshu"}
    if scheme in {"redis", "rediss"}:
        try:
            import redis  # noqa: F401
        except ImportError:
            raise SettingError(
                f"{name}={raw!r}: Redis needs the redis package (pip install 'zhongshu[redis]') "
                f"(使用 Redis 缓存需要安装 redis 包)") from None
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": raw}
    raise SettingError(
        f"{name}={raw!r}: expected db://, redis://host:port/n, rediss://… or locmem:// "
        f"(缓存地址只支持数据库、Redis 或进程内缓存)")


def env_time_of_day(name: str, default: str) -> dt.time | None:
    """``HH:MM`` (local time), or ``off`` for None."""
    raw = (os.environ.get(name) or default).strip()
    if raw.lower() == "off":
        return None
    try:
        return dt.time.fromisoformat(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r}: expected HH:MM or off (环境变量 {name} 应为 时:分 或 off)") from None


# Options of an s3:// file store that pass to django-storages' S3Storage as they are.
_S3_OPTIONS = ("endpoint_url", "region", "addressing_style", "verify")


def env_file_store(name: str, default_dir: Path) -> dict:
    """The STORAGES entry of the file store (kernel.blobs, docs/decisions/1310):
    unset or ``file:///absolute/dir`` → files on the local file system (default
    ``var/files``); ``s3://bucket[/prefix]?endpoint_url=…&region=…&addressing_style=path``
    → S3-compatible object storage through django-storages (credentials from
    AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, never from the URL)."""
    from urllib.parse import parse_qsl

    raw = os.environ.get(name, "")
    parsed = urlparse(raw)
    if not raw or parsed.scheme == "file":
        location = Path(parsed.path) if raw else default_dir
        if raw and (parsed.netloc or not location.is_absolute()):
            raise SettingError(f"{name}={raw!r}: expected file:///absolute/directory (文件存储目录须为绝对路径)")
        return {"BACKEND": "zhongshu.kernel.blobs.LocalStore", "OPTIONS": {"location": str(location)}}
    if parsed.scheme != "s3" or not parsed.netloc:
        raise SettingError(f"{name}={raw!r}: expected file:///dir or s3://bucket?endpoint_url=… "
                           f"(文件存储只支持本地目录或 S3 兼容对象存储)")
    if parsed.username or parsed.password:
        raise SettingError(f"{name}: put the keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                           f"not in the URL (访问密钥不得写在地址中)")
    query = dict(parse_qsl(parsed.query))
    unknown = sorted(set(query) - set(_S3_OPTIONS))
    if unknown:
        raise SettingError(f"{name}: unknown option(s) {', '.join(unknown)}; known: "
                           f"{', '.join(_S3_OPTIONS)} (文件存储地址含未知参数)")
    options: dict = {"bucket_name": parsed.netloc, "location": parsed.path.strip("/"),
                     # Objects are named by their digest: overwriting one writes the same bytes.
                     "file_overwrite": True, "default_acl": None, "querystring_auth": True}
    if "endpoint_url" in query:
        options["endpoint_url"] = query["endpoint_url"]
    if "region" in query:
        options["region_name"] = query["region"]
    if "addressing_style" in query:
        options["addressing_style"] = query["addressing_style"]
    if "verify" in query:
        options["verify"] = query["verify"].lower() not in {"0", "false", "no"}
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
