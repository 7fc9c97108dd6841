# ruff: noqa: S310 - the benchmark opens only its own http://127.0.0.1 server
"""Throughput under real load: `progov serve` (gunicorn, production settings) driven over
loopback by wrk, on SQLite and on PostgreSQL, cold (read cache off) and warm (on), with
a static file measured in the same run as the ceiling; then a mixed load of reads and
agenda edits (If-Match) that checks no read after a write is stale, and the audit chain.

    .venv/bin/python bench/throughput.py                     # SQLite, 5 s per case
    .venv/bin/python bench/throughput.py --db postgres --seconds 10 --mixed 60

Needs wrk (Debian: `apt-get install wrk`). PostgreSQL: a scratch database is created
(and dropped) on PROGOV_BENCH_PG (default postgres://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROGOV = str(Path(sys.executable).parent / "progov")
PSG24 = "PSG#24"


def sh(cmd: list[str], env: dict[str, str], **kw: Any) -> str:
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, **kw).stdout


def wrk(url: str, seconds: int, headers: list[str]) -> dict[str, Any]:
    cmd = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", url]
    for h in headers:
        cmd[1:1] = ["-H", h]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout

    def ms(label: str) -> float:
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "rps": rps,
        "p50": ms("50"),
        "p99": ms("99"),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket": errors.group(0) if errors else "",
    }


class Server:
    def __init__(self, env: dict[str, str], port: int, read_cache: bool):
        self.env = {**env, "PROGOV_READ_CACHE": "true" if read_cache else "false"}
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.proc = subprocess.Popen(
            [PROGOV, "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "2"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2)
                return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise SystemExit("progov serve did not start")

    def __exit__(self, *exc: Any) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=20)


def sign_in(base: str, username: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    opener.open(request)
    cookies = {c.name: c.value for c in jar}
    assert "sessionid" in cookies, "sign-in failed"
    return f"Cookie: sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"


def api(base: str, method: str, path: str, token: str, body: Any = None, etag: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if etag:
        headers["If-Match"] = etag
    request = urllib.request.Request(
        base + path,
        method=method,
        headers=headers,
        data=json.dumps(body).encode() if body else None,
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers.get("ETag"), json.loads(response.read() or b"null")


def mixed(base: str, token: str, meeting: int, seconds: int, cookie: str) -> dict[str, Any]:
    """wrk reads while two writers edit agenda items with If-Match; after each write
    returns, the meeting's agenda (API) and page are read and must show it."""
    _, agenda = api(base, "GET", f"/api/v1/meetings/{meeting}/agenda", token)
    # One writer per item, so what a writer reads back can only be its own write (two on
    # one item would overwrite each other, and 412 the loser).
    items = [i["id"] for i in agenda["items"]][:4]
    assert items, "the meeting has no agenda"
    result = {"writes": 0, "stale": 0, "write_errors": 0, "checks": 0}
    stop = time.monotonic() + seconds

    def writer(item: int) -> None:
        n = 0
        while time.monotonic() < stop:
            n += 1
            title = f"Bench edit {item}-{threading.get_ident()}-{n}"
            try:
                etag, _ = api(base, "GET", f"/api/v1/meetings/{meeting}/agenda/{item}", token)
                api(
                    base,
                    "PATCH",
                    f"/api/v1/meetings/{meeting}/agenda/{item}",
                    token,
                    {"title": title},
                    etag,
                )
            except urllib.error.HTTPError:
                result["write_errors"] += 1
                continue
            result["writes"] += 1
            _, fresh = api(base, "GET", f"/api/v1/meetings/{meeting}/agenda", token)
            page = urllib.request.urlopen(f"{base}/meetings/{meeting}/").read().decode()
            result["checks"] += 2
            if title not in {i["title"] for i in fresh["items"]}:
                result["stale"] += 1
            if title not in page:
                result["stale"] += 1

    # Each write makes every cached answer stale, so the reads after it render afresh.
    threads = [threading.Thread(target=writer, args=(i,)) for i in items]
    for t in threads:
        t.start()
    reads = wrk(f"{base}/meetings/{meeting}/", seconds, [])
    signed = wrk(f"{base}/groups/PSG/", 1, [cookie])
    for t in threads:
        t.join()
    result["reads_rps"] = reads["rps"]
    result["read_non2xx"] = reads["non2xx"] + signed["non2xx"]
    reads_total = reads["rps"] * seconds
    result["write_share"] = result["writes"] / max(1.0, reads_total + result["writes"])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--mixed", type=int, default=60, help="seconds of mixed load (0: skip)")
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    data = Path(tempfile.mkdtemp(prefix="progov-throughput-"))
    env = {
        **os.environ,
        "PROGOV_DATA_DIR": str(data),
        "PROGOV_TLS": "false",
        "PROGOV_DEBUG": "false",
    }
    env.pop("PROGOV_CACHE_URL", None)
    pg_name = ""
    if args.db == "postgres":
        server = os.environ.get("PROGOV_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
        pg_name = f"progov_bench_{os.getpid()}"
        subprocess.run(
            ["psql", server + "/postgres", "-qc", f"CREATE DATABASE {pg_name}"], check=True
        )
        env["PROGOV_DATABASE_URL"] = f"{server}/{pg_name}"
    try:
        out = sh([PROGOV, "demo", "--no-serve"], env)
        passwords = dict(re.findall(r"^\s+(\w+)\s+password (\S+)", out, re.M))
        token = sh([PROGOV, "token", "create", "pmo"], env).strip().splitlines()[-1].split()[-1]
        base = f"http://127.0.0.1:{args.port}"
        rows: list[tuple[str, str, str, dict[str, Any]]] = []
        with Server(env, args.port, read_cache=True):
            home = urllib.request.urlopen(base + "/").read().decode()
            css = re.search(r'href="(/static/[^"]+\.css)"', home).group(1)  # type: ignore[union-attr]
            _, found = api(
                base, "GET", "/api/v1/meetings?group=PSG&start=2023-09-06&end=2023-09-06", token
            )
            meeting = found["items"][0]["id"]
            cookie = sign_in(base, "rep", passwords["rep"])
        cases = [
            ("structure", "/"),
            ("group PSG", "/groups/PSG/"),
            ("meeting PSG #24", f"/meetings/{meeting}/"),
            ("meetings API", "/api/v1/meetings?group=PSG&start=2023-01-01&end=2023-12-31"),
            ("programme feed", "/meetings/feeds/programme.ics"),
        ]
        for label, cache_on in (("cold", False), ("warm", True)):
            with Server(env, args.port, read_cache=cache_on):
                static = wrk(base + css, args.seconds, [])
                rows.append((label, "static CSS (ceiling)", "-", static))
                for name, path in cases:
                    for who, headers in (("anonymous", []), ("rep", [cookie])):
                        result = wrk(base + path, args.seconds, headers)
                        result["share"] = result["rps"] / static["rps"]
                        rows.append((label, name, who, result))
        print(f"\nThroughput on {args.db} (wrk -t2 -c8, {args.seconds} s per case, 2 workers)")
        print("| run | what | reader | req/s | % of static | p50 ms | p99 ms | non-2xx |")
        print("|---|---|---|---:|---:|---:|---:|---:|")
        for label, name, who, r in rows:
            share = f"{r['share'] * 100:.0f}%" if "share" in r else "100%"
            print(
                f"| {label} | {name} | {who} | {r['rps']:,.0f} | {share} | {r['p50']:.1f} "
                f"| {r['p99']:.1f} | {r['non2xx']} |"
            )
        if args.mixed:
            with Server(env, args.port, read_cache=True):
                m = mixed(base, token, meeting, args.mixed, cookie)
            verify = subprocess.run(
                [PROGOV, "audit", "verify"], env=env, capture_output=True, text=True
            )
            print(
                f"\nMixed load {args.mixed} s: reads {m['reads_rps']:,.0f} req/s, "
                f"{m['writes']} writes ({m['write_share'] * 100:.1f}% of requests), "
                f"{m['write_errors']} write errors, read non-2xx {m['read_non2xx']}, "
                f"stale reads after a write {m['stale']} of {m['checks']} checks; "
                f"audit verify: {verify.stdout.strip() or verify.stderr.strip()}"
            )
            if m["stale"] or m["read_non2xx"] or verify.returncode:
                return 1
        return 0
    finally:
        if pg_name:
            subprocess.run(
                [
                    "psql",
                    env["PROGOV_DATABASE_URL"].rsplit("/", 1)[0] + "/postgres",
                    "-qc",
                    f"DROP DATABASE IF EXISTS {pg_name}",
                ],
                check=False,
            )
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
