import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from skm_portal.celery import app

ROOT = Path(__file__).resolve().parent.parent


def test_locale_and_time_zone():
    assert settings.LANGUAGE_CODE == "id"
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert [code for code, _name in settings.LANGUAGES] == ["id", "en"]


def test_celery_runs_eagerly_without_a_broker():
    if not os.environ.get("CELERY_BROKER_URL"):
        assert app.conf.task_always_eager is True


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "production-like-key-" + "x7Qz" * 15,
        "DJANGO_ALLOWED_HOSTS": "skm.pekalongankota.go.id",
        "DJANGO_SETTINGS_MODULE": "skm_portal.settings",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SETTINGS_MODULE": "skm_portal.settings"}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def run_check(**variables: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "skm_portal.settings", **variables}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_placeholder_key_of_the_example_environment_is_refused():
    example = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and line[0] != "#"
    )
    placeholder = example["DJANGO_SECRET_KEY"]
    for debug in ("0", "1"):  # a copied .env.example, in production or not
        result = run_check(DJANGO_DEBUG=debug, DJANGO_SECRET_KEY=placeholder)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and ".env.example" in result.stderr


def test_trusted_proxies_must_be_addresses_or_networks():
    assert run_check(DJANGO_DEBUG="1", SKM_TRUSTED_PROXIES="10.0.0.0/8, 2001:db8::/32,127.0.0.1").returncode == 0
    result = run_check(DJANGO_DEBUG="1", SKM_TRUSTED_PROXIES="10.0.0.0/8,proxy.example")
    assert result.returncode != 0 and "SKM_TRUSTED_PROXIES" in result.stderr


def test_rate_limits_must_allow_at_least_one():
    for name in ("SKM_SUBMISSIONS_PER_HOUR", "SKM_PUBLIC_PDFS_PER_HOUR"):
        result = run_check(DJANGO_DEBUG="1", **{name: "0"})
        assert result.returncode != 0 and name in result.stderr, name
