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
# Agenda writers in the mixed load: about one request in ten is then a write.
WRITERS = 8
# wrk connections per reader (anonymous, signed in) in the mixed load.
READER_CONNECTIONS = 3


def sh(cmd: list[str], env: dict[str, str], **kw: Any) -> str:
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, **kw).stdout


def wrk_command(
    url: str,
    seconds: int,
    headers: list[str],
    *,
    threads: int = 2,
    connections: int = 8,
    paths: list[str] | None = None,
) -> list[str]:
    """wrk's command line; with `paths`, each connection asks for them in turn (a Lua
    script), on the host of `url`."""
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    if paths:
        script = Path(tempfile.mkstemp(prefix="progov-wrk-", suffix=".lua")[1])
        listed = ", ".join(json.dumps(p) for p in paths)
        script.write_text(
            f"local paths = {{{listed}}}\nlocal i = 0\n"
            "request = function()\n  i = (i % #paths) + 1\n"
            "  return wrk.format('GET', paths[i])\nend\n"
        )
        cmd += ["-s", str(script)]
    return [*cmd, url]


def wrk(url: str, seconds: int, headers: list[str], **kw: Any) -> dict[str, Any]:
    return wrk_result(
        subprocess.run(
            wrk_command(url, seconds, headers, **kw), check=True, capture_output=True, text=True
        ).stdout
    )


def wrk_result(out: str) -> dict[str, Any]:

    def ms(label: str) -> float:
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "rps": rps,
        "requests": total,
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


def mixed(
    base: str, token: str, meeting: int, seconds: int, cookie: str, paths: list[str]
) -> dict[str, Any]:
    """Reads of every case (anonymous and the representative, each in its own wrk) while
    one writer per agenda item edits it with If-Match; after each write returns, the
    meeting's agenda (API) and page are read and must show it."""
    _, agenda = api(base, "GET", f"/api/v1/meetings/{meeting}/agenda", token)
    # One writer per item, so what a writer reads back can only be its own write (two on
    # one item would overwrite each other, and 412 the loser).
    items = [i["id"] for i in agenda["items"]][:WRITERS]
    assert items, "the meeting has no agenda"
    result = {"writes": 0, "stale": 0, "write_errors": 0, "checks": 0, "requests_by_writers": 0}
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
            result["requests_by_writers"] += 4
            if title not in {i["title"] for i in fresh["items"]}:
                result["stale"] += 1
            if title not in page:
                result["stale"] += 1

    # Each write makes every cached answer stale, so the reads after it render afresh.
    readers = [
        subprocess.Popen(
            wrk_command(
                base + "/", seconds, headers, threads=1, connections=READER_CONNECTIONS, paths=paths
            ),
            stdout=subprocess.PIPE,
            text=True,
        )
        for headers in ([], [cookie])
    ]
    threads = [threading.Thread(target=writer, args=(i,)) for i in items]
    for t in threads:
        t.start()
    outputs = [wrk_result(r.communicate()[0]) for r in readers]
    for t in threads:
        t.join()
    reads = sum(o["requests"] for o in outputs)
    result["reads"] = reads
    result["reads_rps"] = sum(o["rps"] for o in outputs)
    result["read_non2xx"] = sum(o["non2xx"] for o in outputs)
    result["read_p99"] = max(o["p99"] for o in outputs)
    total = reads + result["requests_by_writers"]
    result["write_share"] = result["writes"] / max(1, total)
    return result


_TOKENS = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def get(base: str, path: str, headers: dict[str, str]) -> tuple[str, str]:
    request = urllib.request.Request(base + path, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers.get("X-Read-Cache", ""), response.read().decode()


def compare_with_fresh(
    warm: str, cold: str, paths: list[str], cookie: str, token: str
) -> list[str]:
    """Every answer the read cache serves (asked twice: the second is a hit) equals what
    a server without it renders from the same database, for each reader; and no reader
    gets another's page. Returns the problems found."""
    readers = {
        "anonymous": {},
        "rep": {"Cookie": cookie.partition(": ")[2]},
        "pmo (API token)": {"Authorization": f"Bearer {token}"},
    }
    problems = []
    for who, headers in readers.items():
        for path in paths:
            if who.startswith("pmo") and not path.startswith("/api/"):
                continue
            get(warm, path, headers)
            served, cached = get(warm, path, headers)
            _, fresh = get(cold, path, headers)
            # Absolute URLs (feed links) name the server asked.
            fresh = fresh.replace(cold.partition("://")[2], warm.partition("://")[2])
            if served != "hit":
                problems.append(f"{who} {path}: not served from the cache ({served or 'none'})")
            if _TOKENS.sub(r"\1", cached) != _TOKENS.sub(r"\1", fresh):
                problems.append(f"{who} {path}: the cached answer differs from a fresh render")
            signed_in = "Signed in as <strong>" in cached
            if path.startswith(("/api/", "/meetings/feeds/")):
                continue
            if who == "anonymous" and signed_in:
                problems.append(f"anonymous {path}: got a signed-in reader's page")
            if who == "rep" and "Signed in as <strong>rep</strong>" not in cached:
                problems.append(f"rep {path}: did not get their own page")
    return problems


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
            paths = [path for _, path in cases]
            with Server(env, args.port, read_cache=True):
                m = mixed(base, token, meeting, args.mixed, cookie, paths)
                # The same database, served without the read cache, as the reference.
                cold_base = f"http://127.0.0.1:{args.port + 1}"
                with Server(env, args.port + 1, read_cache=False):
                    problems = compare_with_fresh(base, cold_base, paths, cookie, token)
            verify = subprocess.run(
                [PROGOV, "audit", "verify"], env=env, capture_output=True, text=True
            )
            print(
                f"\nMixed load {args.mixed} s: {m['reads']:,} reads ({m['reads_rps']:,.0f} "
                f"req/s, p99 {m['read_p99']:.1f} ms, non-2xx {m['read_non2xx']}) of "
                f"{len(paths)} answers, anonymous and signed in; {m['writes']} agenda writes "
                f"({m['write_share'] * 100:.1f}% of all requests), {m['write_errors']} write "
                f"errors; stale reads after a write: {m['stale']} of {m['checks']} checks."
            )
            print(
                f"After it, cached answers compared with a fresh render (anonymous, rep, API "
                f"token): {len(problems)} problem(s)" + "".join(f"\n  - {p}" for p in problems)
            )
            print(f"audit verify: {verify.stdout.strip() or verify.stderr.strip()}")
            if m["stale"] or m["read_non2xx"] or m["write_errors"] or problems or verify.returncode:
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
