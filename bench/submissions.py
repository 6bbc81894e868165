#!/usr/bin/env python
"""Public questionnaire submissions per second through gunicorn (2 workers), on loopback only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skm_bench .venv/bin/python bench/submissions.py
    ... bench/submissions.py --seconds 60 --rate 100     # a fixed rate instead of as fast as possible

The database is a scratch one: it is migrated and gets the 79 reference units and an open
period. Every request is a full submission (CSRF token, one-time submission id, validation,
rate-limit bucket, insert); each comes from a different simulated client address through
the trusted proxy header, so the per-client limit is exercised but not hit. Prints the
throughput, latency percentiles, status codes, and checks that the stored responses equal
the accepted ones. Bounded in time; sends traffic only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def django_env(static_root: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_STATIC_ROOT=static_root,
        SKM_CLIENT_IP_HEADER="X-Forwarded-For",
        SKM_TRUSTED_PROXIES="127.0.0.1",
        DJANGO_LOG_LEVEL="WARNING",
    )
    env.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "k" * 50)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def prepare(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "import_units", str(ROOT / "reports" / "demo" / "data" / "upp-pekalongan.csv"))
    code = time.strftime("%Y") + ("-S1" if int(time.strftime("%m")) <= 6 else "-S2")
    manage(env, "open_period", code)


def count_responses(env: dict[str, str]) -> int:
    out = manage(
        env,
        "shell",
        "-c",
        "from surveys.models import Response; print(Response.objects.filter(channel='online').count())",
    )
    return int(out.strip().splitlines()[-1])


def form_token(port: int, kode: str) -> tuple[str, str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", f"/survei/{kode}/")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    return cookie, token


def body(token: str) -> str:
    answers = {f"u{k}": str(random.randint(1, 4)) for k in range(1, 10)}
    return urlencode(
        {
            "csrfmiddlewaretoken": token,
            "submission_id": str(uuid.uuid4()),
            "umur": str(random.randint(15, 75)),
            "jenis_kelamin": random.choice("LP"),
            "pendidikan": "S1",
            "pekerjaan": "KARYAWAN",
            "saran": "",
            **answers,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=0, help="requests per second; 0: as fast as possible")
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections")
    parser.add_argument("--port", type=int, default=18421)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("set DATABASE_URL to a scratch database (PostgreSQL for a production-like figure)")

    env = django_env(tempfile.mkdtemp(prefix="skm-static-"))
    prepare(env)
    before = count_responses(env)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "skm_portal.wsgi",
            "--workers",
            "2",
            "--bind",
            f"{HOST}:{args.port}",
            "--access-logfile",
            "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                cookie, token = form_token(args.port, "UPP016")
                break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("gunicorn did not start")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        latencies: list[float] = []
        statuses: Counter[int] = Counter()
        lock = threading.Lock()
        start = time.perf_counter()
        deadline = start + args.seconds
        sent = 0

        def next_slot() -> float | None:
            nonlocal sent
            with lock:
                slot = start + sent / args.rate if args.rate else time.perf_counter()
                if slot >= deadline:
                    return None
                sent += 1
                return slot

        def worker() -> None:
            conn = http.client.HTTPConnection(HOST, args.port, timeout=30)
            while (slot := next_slot()) is not None:
                time.sleep(max(0.0, slot - time.perf_counter()))
                client = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
                t0 = time.perf_counter()
                try:
                    conn.request("POST", "/survei/UPP016/", body(token), {**headers, "X-Forwarded-For": client})
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    status = 0
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, args.port, timeout=30)
                with lock:
                    latencies.append(time.perf_counter() - t0)
                    statuses[status] += 1

        threads = [threading.Thread(target=worker) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)

    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000  # noqa: E731
    stored = count_responses(env) - before
    print(
        f"{len(latencies)} submissions in {elapsed:.1f} s: {len(latencies) / elapsed:.0f}/s "
        f"(gunicorn 2 workers, {args.clients} connections{f', target {args.rate:.0f}/s' if args.rate else ''})"
    )
    print(
        f"latency p50 {pct(50):.1f} ms, p95 {pct(95):.1f} ms, p99 {pct(99):.1f} ms, max {latencies[-1] * 1000:.1f} ms"
    )
    print(f"status codes: {dict(sorted(statuses.items()))}; 5xx: {sum(n for s, n in statuses.items() if s >= 500)}")
    print(f"accepted (302): {statuses[302]}, stored: {stored} -> {'OK' if stored == statuses[302] else 'MISMATCH'}")
    sys.exit(0 if stored == statuses[302] and not any(s >= 500 or s == 0 for s in statuses) else 1)


if __name__ == "__main__":
    main()
