"""Reports made by a real Celery worker on a real Redis, started from the web page.

CI (.ci/run) starts Redis and sets SKM_TEST_REDIS_URL; each test starts its own worker
process on the test database. A worker killed in the middle of a report must leave the job
retried to completion or failed with a message, never "running" for ever.
"""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from kombu import pools

from reports.models import ReportJob
from skm_portal.celery import app
from tests.conftest import missing_tool, pdf_text

pytestmark = pytest.mark.django_db(transaction=True)  # the worker reads what the test commits
REDIS_URL = os.environ.get("SKM_TEST_REDIS_URL", "")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def redis_url():
    """The Redis of the worker tests. Module-scoped, so pytest sets it up before every function-scoped
    fixture (the database, the demo): without Redis a test skips (fails in CI) before anything slow runs."""
    if not REDIS_URL:
        missing_tool(
            "no Redis for the worker tests (set SKM_TEST_REDIS_URL=redis://127.0.0.1:6379/15)",
            ".ci/run must start Redis and set SKM_TEST_REDIS_URL",
        )
    return REDIS_URL


@pytest.fixture
def broker(redis_url, settings):
    redis.Redis.from_url(redis_url).flushdb()
    previous = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(broker_url=redis_url, task_always_eager=False)
    drop_connections(app)
    yield redis_url
    app.conf.update(**previous)
    drop_connections(app)


def drop_connections(app) -> None:
    """Forget pooled broker connections, so the next publish uses the broker now configured."""
    pools.reset()  # kombu keeps producer pools per broker URL, process-wide
    app._pool = None
    app.amqp._producer_pool = None


def worker_env(media_root: Path) -> dict[str, str]:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        database_url = f"sqlite:///{db['NAME']}"
    else:
        database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=REDIS_URL,
        DJANGO_SETTINGS_MODULE="skm_portal.settings",
        DJANGO_SECRET_KEY=django_settings.SECRET_KEY,
        DJANGO_DEBUG="0",
        DJANGO_MEDIA_ROOT=str(media_root),
    )
    return env


@pytest.fixture
def start_worker(broker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    workers = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "skm_portal",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"test{len(workers)}@%h",
            ],
            cwd=ROOT,
            env=worker_env(settings.MEDIA_ROOT),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        workers.append(process)
        return process

    yield start
    for process in workers:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        print("worker output:\n", process.stdout.read()[-3000:])  # shown when a test fails


@pytest.fixture
def demo(redis_url, city_admin):
    """The reference-sized period 2023-S2, loaded after the city admin is made: load_demo leaves an
    existing user alone (its own "organisasi" would clash with the fixture's)."""
    call_command("load_demo", stdout=io.StringIO())


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def follow(client, job_id: int, seconds: float = 120) -> dict:
    url = reverse("reports:job_status", args=[job_id])
    seen = []

    def finished():
        status = client.get(url).json()
        seen.append(status["percent"])
        return status if status["state"] in ("done", "failed") else None

    status = wait_for(finished, seconds, f"job {job_id}")
    status["seen"] = seen
    return status


def test_a_worker_makes_the_city_report_started_from_the_web_page(demo, city_admin, start_worker):
    start_worker()
    response = city_admin.post(
        reverse("reports:reports"), {"kind": "city_pdf", "period": "2023-S2", "public_edition": "on"}
    )
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("reports:job", args=[job.pk])
    status = follow(city_admin, job.pk)
    assert status["state"] == "done", status["error"]
    assert status["seen"] == sorted(status["seen"])  # the progress only moves forward
    pdf = b"".join(city_admin.get(status["download"]).streaming_content)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "90,69" in text and "14.249" in text


def running(job_id: int) -> bool:
    return ReportJob.objects.filter(pk=job_id, state="running").exists()


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in out.split()]


def test_a_killed_pool_process_hands_the_report_to_a_new_one(demo, city_admin, start_worker):
    worker = start_worker()
    city_admin.post(reverse("reports:reports"), {"kind": "city_pdf", "period": "2023-S2", "public_edition": "on"})
    job = ReportJob.objects.get()
    wait_for(lambda: running(job.pk), 60, f"the job to run ({ReportJob.objects.get(pk=job.pk).error})")
    (child,) = wait_for(lambda: children_of(worker.pid), 10, "the pool process")
    os.kill(child, signal.SIGKILL)  # the process making the report dies mid-job
    status = follow(city_admin, job.pk)
    job.refresh_from_db()
    assert status["state"] == "done", status["error"]
    assert job.attempts >= 2  # delivered again after the loss, and finished


def test_a_killed_worker_leaves_a_failed_job_not_a_running_one(demo, city_admin, start_worker, settings):
    settings.SKM_REPORT_STALE_SECONDS = 3
    worker = start_worker()
    city_admin.post(reverse("reports:reports"), {"kind": "city_pdf", "period": "2023-S2", "public_edition": "on"})
    job = ReportJob.objects.get()
    wait_for(lambda: running(job.pk), 60, "the job to run")
    for pid in children_of(worker.pid) + [worker.pid]:
        os.kill(pid, signal.SIGKILL)  # the whole worker is gone (machine restart, OOM killer)
    time.sleep(settings.SKM_REPORT_STALE_SECONDS + 1)
    status = city_admin.get(reverse("reports:job_status", args=[job.pk])).json()
    assert status["state"] == "failed"
    assert "Coba lagi" in status["error"]
    assert "Coba lagi" in city_admin.get(reverse("reports:job", args=[job.pk])).content.decode()


def test_the_effective_celery_settings_are_the_intended_ones():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
