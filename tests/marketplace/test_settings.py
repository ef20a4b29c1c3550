"""Configuration comes from the environment: the embedded default without any, production with.

Each case loads the settings in a fresh Python process with exactly the environment given, as
`make run`, a container or `manage.py check --deploy` would.
"""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

# Variables the settings read; the runs below start without any of them unless they set it.
CONFIG_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "DEFAULT_FROM_EMAIL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "SECURE_SSL_REDIRECT",
    "KIEZMARKT_VAR_DIR",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "EMAIL_FILE_PATH",
)

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
from marketplace.celery import app
db = s.DATABASES["default"]
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ENGINE": db["ENGINE"], "DB_NAME": str(db["NAME"]), "DB_HOST": db.get("HOST", ""),
    "CACHE": s.CACHES["default"]["BACKEND"],
    "EAGER": s.CELERY_TASK_ALWAYS_EAGER, "BROKER": app.conf.broker_url,
    "EMAIL_BACKEND": s.EMAIL_BACKEND, "EMAIL_FILE_PATH": s.EMAIL_FILE_PATH,
    "EMAIL_HOST": getattr(s, "EMAIL_HOST", ""), "EMAIL_PORT": getattr(s, "EMAIL_PORT", 0),
    "SITE_URL": s.SITE_URL, "DEFAULT_FROM_EMAIL": s.DEFAULT_FROM_EMAIL,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
}))
"""


def _run(args, tmp_path, **variables) -> subprocess.CompletedProcess:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a production check.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in CONFIG_VARIABLES and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env["KIEZMARKT_VAR_DIR"] = str(tmp_path / "var")  # keep the runs out of the real var/
    env.update(variables)
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _settings_of(tmp_path, **variables) -> dict:
    result = _run(["-c", SHOW_SETTINGS], tmp_path, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _production_env(**more) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),  # 86 random characters
        "ALLOWED_HOSTS": "kiezmarkt.example",
        **more,
    }


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    # Given production settings with a long random SECRET_KEY and the site's host name
    # When Django's deployment checklist runs
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **_production_env()
    )

    # Then it finds nothing at all, not even a warning
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env()
    del env["SECRET_KEY"]

    result = _run(["manage.py", "check"], tmp_path, **env)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_local_stack_without_tls_proxy_is_reported_by_the_checklist(tmp_path):
    # docker-compose.yml turns the HTTPS redirect off because nothing terminates TLS locally;
    # the checklist must keep saying so, lest a real deployment ship that way.
    env = _production_env(SECURE_SSL_REDIRECT="false")
    result = _run(["manage.py", "check", "--deploy"], tmp_path, **env)

    assert "security.W008" in result.stdout + result.stderr


def test_embedded_default_needs_no_services(tmp_path):
    # Given no configuration at all (what `make run` uses)
    values = _settings_of(tmp_path, DJANGO_SETTINGS_MODULE="marketplace.settings.dev")

    # Then SQLite under var/, an in-process cache, tasks in-process, e-mail as .eml files
    assert values["DEBUG"] is True
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DB_NAME"] == str(tmp_path / "var" / "kiezmarkt.sqlite3")
    assert values["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["EAGER"] is True
    assert values["BROKER"] == "memory://"
    assert values["EMAIL_BACKEND"] == "notifications.mail_backends.EmlFileBackend"
    assert values["EMAIL_FILE_PATH"] == str(tmp_path / "var" / "mail")
    assert values["SITE_URL"] == "http://127.0.0.1:8000"


def test_services_come_from_the_environment(tmp_path):
    # Given the production stack's variables
    values = _settings_of(
        tmp_path,
        **_production_env(
            DATABASE_URL="postgres://kiez:geheim@postgres:5432/kiezmarkt",
            REDIS_URL="redis://redis:6379/0",
            EMAIL_URL="smtp://mailpit:1025",
            SITE_URL="https://kiezmarkt.example/",
            DEFAULT_FROM_EMAIL="Kiezmarkt <kiez@kiezmarkt.example>",
            ALLOWED_HOSTS="kiezmarkt.example,www.kiezmarkt.example",
        ),
    )

    # Then PostgreSQL, Redis as cache and broker with a real worker, SMTP to mailpit
    assert values["DEBUG"] is False
    assert values["ENGINE"] == "marketplace.postgresql"  # Django's, with bulk batches split
    assert (values["DB_NAME"], values["DB_HOST"]) == ("kiezmarkt", "postgres")
    # (django-redis, degrading to process memory while Redis is away: marketplace/cache.py)
    assert values["CACHE"] == "marketplace.cache.DegradingRedisCache"
    assert values["EAGER"] is False
    assert values["BROKER"] == "redis://redis:6379/0"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"]) == ("mailpit", 1025)
    assert values["SITE_URL"] == "https://kiezmarkt.example"
    assert values["DEFAULT_FROM_EMAIL"] == "Kiezmarkt <kiez@kiezmarkt.example>"
    assert values["ALLOWED_HOSTS"] == ["kiezmarkt.example", "www.kiezmarkt.example"]


def test_production_web_process_serves_requests_side_by_side(tmp_path):
    # docker-compose's web runs `gunicorn marketplace.wsgi` in the project folder, so gunicorn
    # reads gunicorn.conf.py there; without it gunicorn would serve one request at a time.
    result = _run(
        [
            "-c",
            "import sys; from gunicorn.app.wsgiapp import run; sys.exit(run())",
            "--check-config",
            "--print-config",
            "marketplace.wsgi",
        ],
        tmp_path,
        **_production_env(),
    )

    assert result.returncode == 0, result.stderr
    config = dict(
        (name.strip(), value.strip())
        for name, _sep, value in (line.partition("=") for line in result.stdout.splitlines())
    )
    assert config["worker_class"] == "gthread"
    assert int(config["workers"]) * int(config["threads"]) >= 8


def test_the_access_log_keeps_no_secret_from_link_paths(tmp_path):
    # docker-compose's web writes gunicorn's access log; a link's secret must not reach it
    import time
    import urllib.error
    import urllib.request

    from tests.support.redis_server import unused_tcp_port

    port, log = unused_tcp_port(), tmp_path / "access.log"
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    env.update(_production_env(KIEZMARKT_VAR_DIR=str(tmp_path / "var"), WEB_CONCURRENCY="1"))
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from gunicorn.app.wsgiapp import run; sys.exit(run())",
            "marketplace.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--access-logfile={log}",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    secret = "geheimes-token-4711"
    try:
        request = urllib.request.Request(
            # An API path: answered (401) without templates or a database
            f"http://127.0.0.1:{port}/api/v1/invitations/{secret}/",
            headers={
                "Host": "kiezmarkt.example",
                "X-Forwarded-Proto": "https",
                "Referer": f"https://kiezmarkt.example/einladung/{secret}/",
            },
        )
        for _ in range(150):
            try:
                urllib.request.urlopen(request, timeout=5)  # noqa: S310
            except urllib.error.HTTPError:
                break  # answered (401: nobody signed in)
            except OSError:
                time.sleep(0.1)  # not listening yet
            else:
                break
        for _ in range(50):
            if log.exists() and "invitations" in log.read_text():
                break
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)

    written = log.read_text()
    assert '"GET /api/v1/invitations/[redacted]/ HTTP/1.1" 401' in written
    assert "/einladung/[redacted]/" in written
    assert secret not in written
