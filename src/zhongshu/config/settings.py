"""The one settings module. Everything that differs between machines comes from the
environment through the parsers in ``env.py``."""

from __future__ import annotations

from pathlib import Path

import django_stubs_ext
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from zhongshu.audit.keys import ensure_keyring

from .env import (
    env_bool,
    env_cache,
    env_choice,
    env_database_url,
    env_file_store,
    env_int,
    env_secret_key,
    env_str,
    env_time_of_day,
)

# Lets the classes django-stubs declares generic be subscripted at run time too
# (``forms.ModelForm[Unit]``, ``QuerySet[Grant]`` as a base class).
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The checkout (pyproject.toml, node_modules) when installed in editable mode.
SOURCE_ROOT = PACKAGE_DIR.parent.parent
VAR_DIR = Path(env_str("ZHONGSHU_VAR_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("ZHONGSHU_DEBUG", False)
# Never a shared default: without ZHONGSHU_SECRET_KEY the first start generates one into
# var/ (mode 0600). Several application hosts must share it (docs/security-admin.md).
SECRET_KEY = env_secret_key("ZHONGSHU_SECRET_KEY", VAR_DIR / "secret_key")
# The audit chain's keyring, outside the database; created on first start (0600).
AUDIT_KEY_FILE = Path(env_str("ZHONGSHU_AUDIT_KEY_FILE", str(VAR_DIR / "audit-chain.key"))).resolve()
ensure_keyring(AUDIT_KEY_FILE)
# Encrypts the seals' private keys at rest (docs/seals.md); empty: derived from SECRET_KEY.
SEALS_KEY = env_str("ZHONGSHU_SEALS_KEY", "")
ALLOWED_HOSTS = [h for h in env_str("ZHONGSHU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("ZHONGSHU_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
PORT = env_int("ZHONGSHU_PORT", 8000, minimum=1, maximum=65535)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widgets' own templates, for the site's form renderer
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "zhongshu.kernel",
    "zhongshu.org",
    "zhongshu.access",
    "zhongshu.audit",
    "zhongshu.workflow",
    "zhongshu.inbox",
    "zhongshu.dashboard",
    "zhongshu.layout",
    "zhongshu.layout.proofread",
    "zhongshu.documents",
    "zhongshu.api",
    "zhongshu.documents.incoming",
    "zhongshu.inspections",
    "zhongshu.seals",
    "zhongshu.supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "zhongshu.access.nostore.NoStoreMiddleware",
    "zhongshu.org.middleware.OneTimePasswordMiddleware",
    "zhongshu.org.middleware.SessionRenewalMiddleware",
    "zhongshu.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it must see the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhongshu.config.urls"
WSGI_APPLICATION = "zhongshu.config.wsgi.application"

# Every form field on the site: asterisk on required fields, "请选择" for an empty choice.
FORM_RENDERER = "zhongshu.kernel.form_rendering.OfficeFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhongshu.dashboard.context_processors.shell",
                "zhongshu.inbox.context_processors.inbox_nav",
            ],
        },
    },
]

DATABASES = {"default": env_database_url("ZHONGSHU_DATABASE_URL", VAR_DIR / "zhongshu.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# One cache for every process and host, never a per-process memory (decision 1320): the
# database's table by default, Redis with ZHONGSHU_CACHE_URL=redis://host:6379/0.
CACHES = {"default": env_cache("ZHONGSHU_CACHE_URL")}

# `zhongshu run` (gunicorn): processes and threads per process; 0 picks them. SQLite takes
# one writer at a time, so on SQLite one process (8 threads) serves; on PostgreSQL one
# process per core (4 threads each). See docs/operations.md.
SERVER_WORKERS = env_int("ZHONGSHU_WORKERS", 0, minimum=0, maximum=256)
SERVER_THREADS = env_int("ZHONGSHU_THREADS", 0, minimum=0, maximum=64)

AUTH_USER_MODEL = "org.Person"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "zhongshu.org.backends.PersonBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "zhongshu.org.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after a period without activity; every request renews the period.
SESSION_COOKIE_AGE = env_int("ZHONGSHU_SESSION_IDLE_MINUTES", 30, minimum=5, maximum=24 * 60) * 60
# Idle expiry: the session is renewed at most once a minute (org.middleware.
# SessionRenewalMiddleware), not written on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Served over TLS (directly or behind a proxy that sets X-Forwarded-Proto): cookies are
# Secure and browsers are told to use HTTPS only (HSTS, which Django sends only on
# HTTPS requests). Off on a laptop's http://127.0.0.1, where Secure cookies would fail.
HTTPS = env_bool("ZHONGSHU_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env_int("ZHONGSHU_HSTS_SECONDS", 31_536_000 if HTTPS else 0, minimum=0,
                              maximum=63_072_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
if env_bool("ZHONGSHU_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): scripts only from this server, or inline with the
# request's nonce (templates write nonce="{{ request.csp_nonce }}"); htmx gives swapped
# fragments' scripts the page's nonce (base.html). Styles allow inline style attributes,
# which templates and ECharts use; nothing is loaded from elsewhere (no CDN).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Lockout after repeated failed sign-ins (django-axes). An account is locked from the
# address that failed, not everywhere: five wrong passwords from anyone's machine must
# not lock the 书记 out of her own. Each address is throttled as well, with a higher
# limit, since one office behind one NAT address shares it (org.lockout.failure_limit).
LOCKOUT_FAILURES = env_int("ZHONGSHU_LOCKOUT_FAILURES", 5, minimum=2, maximum=100)
LOCKOUT_ADDRESS_FAILURES = env_int("ZHONGSHU_LOCKOUT_ADDRESS_FAILURES", 30, minimum=2, maximum=10_000)
AXES_FAILURE_LIMIT = "zhongshu.org.lockout.failure_limit"
AXES_COOLOFF_TIME = env_int("ZHONGSHU_LOCKOUT_MINUTES", 30, minimum=1, maximum=24 * 60) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The address is part of the lockout through the combination above.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# The office works in Chinese whatever the browser asks for, so there is no
# LocaleMiddleware: Django's own messages (form errors, dates) are Chinese too.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"] + [
    (prefix, SOURCE_ROOT / "node_modules" / path)
    for prefix, path in [("vendor/htmx", "htmx.org/dist"), ("vendor/echarts", "echarts/dist"),
                         ("vendor/swagger-ui", "swagger-ui-dist")]
    if (SOURCE_ROOT / "node_modules" / path).is_dir()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Uploaded and generated files, named by their SM3 digest (kernel.blobs, decision 1310).
    "files": env_file_store("ZHONGSHU_FILE_STORE", VAR_DIR / "files"),
}
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads are judged by content (kernel.files, docs/decisions/1150): what a DOCX/OFD/XLSX
# may unpack to and its compression ratio (zip bombs), an image's pixels (decompression
# bombs), a PDF's pages; and how much XML stamping one classified download may parse,
# which bounds its memory (about eight times that).
UPLOAD_MAX_UNPACKED_MB = env_int("ZHONGSHU_UPLOAD_MAX_UNPACKED_MB", 100, minimum=1, maximum=1024)
UPLOAD_MAX_RATIO = env_int("ZHONGSHU_UPLOAD_MAX_RATIO", 100, minimum=10, maximum=10_000)
UPLOAD_MAX_MEGAPIXELS = env_int("ZHONGSHU_UPLOAD_MAX_MEGAPIXELS", 40, minimum=1, maximum=1000)
UPLOAD_MAX_PDF_PAGES = env_int("ZHONGSHU_UPLOAD_MAX_PDF_PAGES", 5000, minimum=1, maximum=100_000)
UPLOAD_STAMP_MAX_XML_MB = env_int("ZHONGSHU_UPLOAD_STAMP_MAX_XML_MB", 32, minimum=1, maximum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# An issued copy binds its attachments as pages (decision 0705) up to this size each;
# a larger one is named in the copy by its digest and goes with it as its own file,
# stored once for every recipient (decision 1312).
ISSUED_COPY_BIND_MB = env_int("ZHONGSHU_ISSUED_COPY_BIND_MB", 10, minimum=0, maximum=1024)

TASKS = {
    "default": {
        "BACKEND": env_str("ZHONGSHU_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# A background job that has shown no sign of life for this long (queued and never
# taken, or running without progress) is marked interrupted; its owner may run it again.
ZHONGSHU_JOB_STALE_MINUTES = env_int("ZHONGSHU_JOB_STALE_MINUTES", 30, minimum=5, maximum=24 * 60)

# The task workers queue the daily work (reminders, the 督办 daily job, the jobs' clean-up)
# themselves, once a day across all of them, from this local time on; "off" leaves it to
# cron (docs/operations.md, decision 1322).
ZHONGSHU_DAILY_AT = env_time_of_day("ZHONGSHU_DAILY_AT", "07:30")
ZHONGSHU_DAILY_CHECK_SECONDS = env_int("ZHONGSHU_DAILY_CHECK_SECONDS", 60, minimum=1, maximum=3600)

EMAIL_BACKEND = env_str("ZHONGSHU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("ZHONGSHU_FROM_EMAIL", "zhongshu@localhost")
# Reminders go out this many working days before a deadline, on it, and daily after it.
ZHONGSHU_REMINDER_DAYS_BEFORE = env_int("ZHONGSHU_REMINDER_DAYS_BEFORE", 1, minimum=0, maximum=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ZHONGSHU_LOG_LEVEL", "WARNING")},
}

SITE_NAME = _("中枢")
# Documented in the README; demo data only, never a real account.
DEMO_PASSWORD = "Zhongshu@2026"  # noqa: S105
CSRF_FAILURE_VIEW = "zhongshu.config.views.csrf_failure"

# 排版: each face bound to a font FILE (Windows names such as 仿宋_GB2312 do not resolve on
# Linux). Free Debian fonts by default; an office sets ZHONGSHU_FONT_<FACE> (file) and
# ZHONGSHU_FONT_<FACE>_NAME (family name written into DOCX) for its licensed fonts.
from zhongshu.layout.fonts import DEFAULT_FONTS as _LAYOUT_DEFAULT_FONTS  # noqa: E402

LAYOUT_FONTS = {
    face: {**entry,
           "file": env_str(f"ZHONGSHU_FONT_{face.upper()}", entry["file"]),
           "index": env_int(f"ZHONGSHU_FONT_{face.upper()}_INDEX", entry.get("index", 0), minimum=0, maximum=64),
           "name": env_str(f"ZHONGSHU_FONT_{face.upper()}_NAME", entry["name"])}
    for face, entry in _LAYOUT_DEFAULT_FONTS.items()
}

# 办文: the key of the outgoing route's stage at whose end the 发文字号 is given
# (numbering by default; some offices number at sign_off). A stage key, never a name the
# office can edit.
DOCUMENTS_NUMBER_STAGE = env_choice("ZHONGSHU_DOCUMENTS_NUMBER_STAGE", "numbering",
                                    ("numbering", "final_check", "sign_off"))
