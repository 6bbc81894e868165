#!/usr/bin/env python
"""Public questionnaire submissions per second through gunicorn (2 workers), next to what PostgreSQL
does with the same SQL (pgbench, 2 clients), in one run, on loopback only.

    DATABASE_URL=postgres://postgres@127.0.0.1:54329/skm_subbench .venv/bin/python bench/submissions.py --seconds 16
    ... bench/submissions.py --seconds 60 --clients 16

The database is a scratch PostgreSQL one: it is migrated and gets the 79 reference units and an
open period. Every request is a full submission (CSRF token, one-time submission id, validation,
rate-limit bucket, insert, running totals) to one of the 79 units at random; each comes from a
different simulated client address through the trusted proxy header, so the per-client limit is
exercised but not hit. The load comes from wrk (Debian package wrk): a client in C, as pgbench is
on the other side, so that the load generator takes little of the machine's two cores from the
server. Prints the throughput, latency percentiles, answers, and checks that the stored responses
equal the accepted ones.

The baseline: two submissions are first posted in-process and their SQL recorded; the statements
become a pgbench script (one transaction, as the portal runs it) in which the submission id, the
client (its hash and rate-limit key), the content hash and the unit vary per transaction. pgbench
replays it with 2 clients for the same duration, half of it before gunicorn's load and half after
(pgbench from PATH or PostgreSQL's bin folder, or --pgbench). Prints both figures, the ratio and
the targets. Bounded in time; talks only to 127.0.0.1; writes nothing outside a temp folder and
that database.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import glob
import http.client
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
UNITS_CSV = ROOT / "reports" / "demo" / "data" / "upp-pekalongan.csv"
CLIENTS = 256 * 256 * 254  # the simulated client addresses 10.x.y.z


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
    manage(env, "import_units", str(UNITS_CSV))
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


def unit_codes() -> list[str]:
    with UNITS_CSV.open(newline="") as handle:
        return [row["kode"] for row in csv.DictReader(handle)]


def form_token(port: int, kode: str) -> tuple[str, str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", f"/survei/{kode}/")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    return cookie, token


def form_fields(token: str) -> dict[str, str]:
    return {
        "csrfmiddlewaretoken": token,
        "submission_id": str(uuid.uuid4()),
        "umur": str(random.randint(15, 75)),
        "jenis_kelamin": random.choice("LP"),
        "pendidikan": "S1",
        "pekerjaan": "KARYAWAN",
        "saran": "",
        **{f"u{k}": str(random.randint(1, 4)) for k in range(1, 10)},
    }


def percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


# ---- the baseline: one submission's SQL, replayed by pgbench ----------------------------------


@dataclass
class Statement:
    sql: str
    params: list[Any]
    in_transaction: bool


def capture_submissions(env: dict[str, str], units: tuple[str, str]) -> tuple[list[list[Statement]], dict]:
    """Post one questionnaire to each of two units in-process, from the same client with the same
    answers, and record every statement with its parameters. What differs between the two then
    tells which values belong to the unit; the stored rows give the submission id, client hash and
    content hash (values a real submission has its own of)."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skm_portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from surveys.models import Response
    from units.models import Unit

    # A new client each run: the same one again would hit its rate limit or make a burst.
    address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    client = Client(HTTP_HOST=HOST, REMOTE_ADDR=HOST, HTTP_X_FORWARDED_FOR=address)
    fields = form_fields("unused")  # random answers, the same for both: a rerun adds no duplicates
    for kode in units:  # the form's reads (unit, service types, questions) are cached after a first view
        assert client.get(f"/survei/{kode}/").status_code == 200, kode
    # One post first: what a submission reads once in a while (the suggestion rules in force) is then
    # cached, as it is for nearly every request under load.
    warm = form_fields("unused") | {"submission_id": str(uuid.uuid4())}
    assert client.post(f"/survei/{units[0]}/", warm).status_code == 302
    captured, known = [], {}
    for kode in units:
        statements: list[Statement] = []

        def record(execute, sql, params, many, context, statements=statements):
            statements.append(Statement(sql, list(params or ()), connection.in_atomic_block))
            return execute(sql, params, many, context)

        submission_id = str(uuid.uuid4())
        with connection.execute_wrapper(record):
            response = client.post(f"/survei/{kode}/", fields | {"submission_id": submission_id})
        assert response.status_code == 302, (kode, response.status_code)
        stored = Response.objects.get(submission_id=submission_id)
        captured.append(statements)
        known.setdefault("submission_ids", []).append(uuid.UUID(submission_id))
        known.setdefault("unit_ids", []).append(stored.unit_id)
        known["client_hash"], known["content_hash"] = stored.client_hash, stored.content_hash
    known["literal"] = lambda value: connection.ops.compose_sql("%s", [value])
    ids = sorted(Unit.objects.filter(kode__in=unit_codes()).values_list("pk", flat=True))
    if ids != list(range(ids[0], ids[0] + len(ids))):
        sys.exit("the reference units' ids are not consecutive: use a fresh scratch database")
    known["unit_range"] = (ids[0], ids[-1])
    return captured, known


def pgbench_script(captured: list[list[Statement]], known: dict) -> tuple[str, int]:
    """The recorded statements as a pgbench script; returns it and the number of statements."""
    first, second = captured
    if [s.sql for s in first] != [s.sql for s in second]:
        sys.exit(
            "the two recorded submissions ran different statements: cannot make a pgbench script\n"
            + "\n".join(statement.sql[:200] for statement in first)
            + "\n---\n"
            + "\n".join(statement.sql[:200] for statement in second)
        )
    unit_a, unit_b = known["unit_ids"]
    client_hash = "encode(sha256(:client::text::bytea), 'hex')"  # 64 hex digits, like the portal's HMAC
    # A literal uuid from a pgbench number: folded to a constant, so the lookup uses the unique
    # index (gen_random_uuid() in a WHERE would be evaluated per row).
    submission_id = "('00000000-0000-4000-8000-' || lpad(to_hex(:submission), 12, '0'))::uuid"

    def text(value: str) -> str:
        return known["literal"](value)

    def expression(a: Any, b: Any) -> str:
        if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):  # an array (unnest of many rows)
            items = [expression(x, y) for x, y in zip(a, b, strict=True)]
            return f"ARRAY[{', '.join(items)}]" if items else "'{}'"
        if a in known["submission_ids"] or str(a) in map(str, known["submission_ids"]):
            return submission_id
        if a == known["client_hash"]:
            return client_hash
        if isinstance(a, str) and known["client_hash"] in a:  # the rate-limit key: unit and client
            template = a.replace(known["client_hash"], "\0h").replace(str(unit_a), "\0u")
            if template != b.replace(known["client_hash"], "\0h").replace(str(unit_b), "\0u"):
                sys.exit(f"cannot tell the parts of {a!r} and {b!r}")
            parts = re.split("(\0[hu])", template)
            pieces = [{"\0h": client_hash, "\0u": ":unit_id::text"}.get(p) or text(p) for p in parts if p]
            return "(" + " || ".join(pieces) + ")"
        number = isinstance(a, int) and not isinstance(a, bool)  # psycopg's Int2, Int8 are ints too
        if number and a == known["content_hash"]:
            return ":content_hash"
        if number and (a, b) == (unit_a, unit_b):
            return ":unit_id"
        if a == b or isinstance(a, (float, datetime.date)):
            return known["literal"](a)  # the same in both; or a time (now): the literal costs the same
        sys.exit(f"a value differs between the two submissions and is not understood: {a!r} / {b!r}")

    lines = [
        f"\\set unit_id random({known['unit_range'][0]}, {known['unit_range'][1]})",
        f"\\set client random(1, {CLIENTS})",
        "\\set submission random(1, 281474976710655)",
        "\\set content_hash random(-2305843009213693952, 2305843009213693951)",  # a range below 2^63 (pgbench)
    ]
    inside = False
    for one, other in zip(first, second, strict=True):
        if one.in_transaction != inside:
            lines.append("BEGIN;" if one.in_transaction else "COMMIT;")
            inside = one.in_transaction
        pieces = re.split(r"(%%|%s)", one.sql)
        values = iter(zip(one.params, other.params, strict=True))
        sql = "".join("%" if p == "%%" else expression(*next(values)) if p == "%s" else p for p in pieces)
        lines.append(sql.replace("\n", " ") + ";")
    if inside:
        lines.append("COMMIT;")
    return "\n".join(lines) + "\n", len(first)


def find_pgbench(given: str | None) -> str:
    installed = sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"))
    found = given or shutil.which("pgbench") or (installed[-1] if installed else None)
    if not found:
        sys.exit("pgbench not found: install postgresql-client, or give --pgbench PATH")
    return found


@dataclass
class Replay:
    transactions: int
    seconds: float
    failed: int
    latencies_ms: list[float]


def replay(pgbench: str, script: Path, seconds: int, work: Path, name: str) -> Replay:
    prefix = work / name
    result = subprocess.run(
        [pgbench, "-n", "-f", str(script), "-c", "2", "-j", "2", "-T", str(seconds), "--log", f"--log-prefix={prefix}",
         os.environ["DATABASE_URL"]],
        capture_output=True, text=True, cwd=work,
    )  # fmt: skip
    if result.returncode != 0:
        sys.exit(f"pgbench failed:\n{result.stdout}{result.stderr}")
    # Per-transaction log lines: client, transaction, latency in microseconds, script, epoch, microseconds.
    latencies = sorted(int(line.split()[2]) / 1000 for log in work.glob(f"{name}.*") for line in log.open())
    failed = re.search(r"number of failed transactions: (\d+)", result.stdout)
    duration = re.search(r"duration: (\d+) s", result.stdout)
    return Replay(
        transactions=len(latencies),
        seconds=float(duration[1]) if duration else seconds,
        failed=int(failed[1]) if failed else 0,
        latencies_ms=latencies,
    )


# ---- the run ------------------------------------------------------------------------------------


# ---- the load: wrk (C, as pgbench is on the other side) -------------------------------------------

WRK_SCRIPT = """
-- Each request a new questionnaire: its own submission id, answers and client address.
local codes = {%(codes)s}
local counter, id = 0, 0
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(id * 7919 + os.time())
  redirects, other = 0, 0
end
local answers = {}
request = function()
  counter = counter + 1
  for k = 1, 9 do answers[k] = "&u" .. k .. "=" .. math.random(4) end
  local submission = "%(run)s-" .. string.format("%%04x-4000-8000-%%012x", id, counter)
  local body = "csrfmiddlewaretoken=%(token)s&submission_id=" .. submission
    .. "&umur=" .. math.random(15, 75) .. "&jenis_kelamin=" .. (math.random(2) == 1 and "L" or "P")
    .. "&pendidikan=S1&pekerjaan=KARYAWAN&saran=" .. table.concat(answers)
  local address = string.format("10.%%d.%%d.%%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = "%(cookie)s",
                   ["X-Forwarded-For"] = address}
  return wrk.format("POST", "/survei/" .. codes[math.random(#codes)] .. "/", headers, body)
end
response = function(status, headers, body)
  if status == 302 then redirects = redirects + 1 else other = other + 1 end
end
done = function(summary, latency, requests)
  local redirected, others = 0, 0
  for _, thread in ipairs(threads) do
    redirected = redirected + thread:get("redirects")
    others = others + thread:get("other")
  end
  local e = summary.errors
  io.write(string.format("SKM_RESULT %%d %%d %%d %%d %%f %%f %%f %%f\\n", summary.requests, redirected,
    others + e.connect + e.read + e.write + e.timeout, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max))
end
"""


@dataclass
class Load:
    requests: int
    redirects: int
    other: int
    seconds: float
    p50: float  # ms
    p95: float
    p99: float
    max: float


def wrk_load(args: argparse.Namespace, wrk: str, work: Path, cookie: str, token: str, codes: list[str]) -> Load:
    """Posts as fast as gunicorn answers, from args.clients connections, for args.seconds."""
    script = work / "submit.lua"
    codes_lua = ", ".join(f'"{kode}"' for kode in codes)
    script.write_text(WRK_SCRIPT % {"codes": codes_lua, "token": token, "cookie": cookie, "run": uuid.uuid4().hex[:8]})
    out = subprocess.run(
        [wrk, "-t1", f"-c{args.clients}", f"-d{args.seconds}s", "--timeout", "30s", "-s", str(script),
         f"http://{HOST}:{args.port}/"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    line = next(line for line in out.splitlines() if line.startswith("SKM_RESULT "))
    requests, redirects, other, micros, p50, p95, p99, slowest = line.split()[1:]
    return Load(
        int(requests), int(redirects), int(other), int(micros) / 1e6,
        float(p50) / 1000, float(p95) / 1000, float(p99) / 1000, float(slowest) / 1000,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=int, default=20, help="of the load; of pgbench too (half before, half after)"
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections to gunicorn")
    parser.add_argument("--port", type=int, default=18421)
    parser.add_argument("--pgbench", help="path of pgbench")
    parser.add_argument("--sql", action="store_true", help="print the pgbench script")
    args = parser.parse_args()
    if args.seconds < 2:
        sys.exit("--seconds: at least 2")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit(
            "set DATABASE_URL to a scratch PostgreSQL database, e.g. postgres://postgres@127.0.0.1:54329/skm_subbench"
        )
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("the database must be on 127.0.0.1: this bench sends traffic to the loopback only")
    pgbench = find_pgbench(args.pgbench)
    wrk = shutil.which("wrk") or sys.exit("wrk is needed for the load (Debian: apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="skm-subbench-"))
    try:
        sys.exit(run(args, pgbench, wrk, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, pgbench: str, wrk: str, work: Path) -> int:
    env = django_env(str(work / "static"))
    prepare(env)
    codes = unit_codes()
    captured, known = capture_submissions(env, ("UPP016", "UPP017"))
    script_text, statements = pgbench_script(captured, known)
    script = work / "submission.sql"
    script.write_text(script_text)
    from django.db import connection

    connection.close()  # this process's connection stays out of the way of the measured ones

    # pgbench runs half its time before gunicorn's load and half after: a neighbour's load during
    # one part of the run then weighs on both sides of the ratio.
    base_before = replay(pgbench, script, args.seconds // 2, work, "before")
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
            "--no-control-socket",  # else gunicorn leaves one in ~/.gunicorn
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
        load = wrk_load(args, wrk, work, cookie, token, codes)
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored = count_responses(env) - before  # before pgbench adds its own rows
    base_after = replay(pgbench, script, args.seconds - args.seconds // 2, work, "after")
    base = Replay(
        transactions=base_before.transactions + base_after.transactions,
        seconds=base_before.seconds + base_after.seconds,
        failed=base_before.failed + base_after.failed,
        latencies_ms=sorted(base_before.latencies_ms + base_after.latencies_ms),
    )

    rate = load.requests / load.seconds
    base_rate = base.transactions / base.seconds
    # wrk stops counting at the deadline: the requests then in flight may still be stored.
    stored_ok = load.redirects <= stored <= load.redirects + args.clients
    ok = stored_ok and load.requests == load.redirects
    print(f"gunicorn, 2 sync workers, wrk with {args.clients} connections, posts to {len(codes)} units:")
    print(
        f"  {load.requests} submissions in {load.seconds:.1f} s: {rate:.0f}/s; latency p50 {load.p50:.1f} ms, "
        f"p95 {load.p95:.1f} ms, p99 {load.p99:.1f} ms, max {load.max:.1f} ms"
    )
    print(f"  answered 302 (stored): {load.redirects}; other answers or socket errors: {load.other}")
    verdict = "OK" if stored_ok else "MISMATCH"
    print(f"  accepted (302): {load.redirects}, stored: {stored} (with those in flight at the end) -> {verdict}")
    print(
        f"pgbench, 2 clients, 2 threads, the same {statements} statements as one transaction ({pgbench}; "
        f"{base_before.seconds:.0f} s before gunicorn's load, {base_after.seconds:.0f} s after):"
    )
    print(
        f"  {base.transactions} transactions in {base.seconds:.0f} s: {base_rate:.0f}/s; "
        f"latency p50 {percentile(base.latencies_ms, 50):.1f} ms, p95 {percentile(base.latencies_ms, 95):.1f} ms, "
        f"p99 {percentile(base.latencies_ms, 99):.1f} ms, average {statistics.fmean(base.latencies_ms):.1f} ms; "
        f"failed: {base.failed}"
    )
    print(f"ratio gunicorn / pgbench: {rate / base_rate:.0%}")
    print("targets:")
    for text, met in (
        (f">= 300 submissions/s through gunicorn: {rate:.0f}/s", rate >= 300),
        (f"p95 < 100 ms through gunicorn: {load.p95:.1f} ms", load.p95 < 100),
        (f">= 50% of pgbench: {rate / base_rate:.0%}", rate >= 0.5 * base_rate),
    ):
        print(f"  {'met    ' if met else 'NOT MET'}  {text}")
    if args.sql:
        print(f"\npgbench script:\n{script_text}")
    return 0 if ok and not base.failed else 1


if __name__ == "__main__":
    main()
