"""The `progov` command: run the demo, serve, load packs, issue tokens, verify the audit trail.

progov demo [--port N] [--data-dir DIR] [--no-serve]
progov serve [--bind HOST:PORT] [--workers N]
progov load-pack [--check] PATH
progov export-pack [--programme SLUG] PATH
progov meetings generate [--until DATE] [--group ACR]... [--pack PATH]
progov token create USERNAME
progov accounts unlock USERNAME
progov audit verify [--expect COUNT:HASH]
progov audit checkpoint [--append]
progov audit protect
progov manage ARGS...        (any Django management command)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from progov.packs import MHHS_PACK

DEFAULT_PACK = MHHS_PACK
DEMO_MEETINGS_UNTIL = "2027-12-31"
DEMO_PAPER_MEETINGS = ("PSG#24", "DAG#14")
ACCESS_LOG_FORMAT = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
    "request_id=%({x-request-id}o)s client_request_id=%({x-client-request-id}o)s"
)


def _setup(data_dir: str | None = None) -> None:
    if data_dir:
        os.environ["PROGOV_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "progov.settings")
    import django

    django.setup()


def _call(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _serve(bind: str, workers: int) -> int:
    _call("collectstatic", "--noinput", "--verbosity", "0")
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "progov.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        # The correlation id used, and the client's own X-Request-ID when not adopted.
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--timeout",
        "60",
    ]
    os.execvpe(cmd[0], cmd, os.environ)  # noqa: S606 - replace this process with the server
    return 0  # pragma: no cover


def cmd_demo(args: argparse.Namespace) -> int:
    # The demo serves plain HTTP on localhost: no HTTPS redirect or secure-only cookies.
    os.environ.setdefault("PROGOV_TLS", "false")
    data_dir = args.data_dir or os.environ.get("PROGOV_DATA_DIR") or "progov-data"
    # The demo's mail (password resets) lands as files in the data dir, to be read there.
    os.environ.setdefault(
        "PROGOV_EMAIL_URL", "file://" + str(Path(data_dir).expanduser().resolve() / "mail")
    )
    _setup(data_dir)
    from django.conf import settings

    print(f"progov demo — data dir {settings.DATA_DIR}")
    mail_dir = getattr(settings, "EMAIL_FILE_PATH", None)
    print(f"Mail (password resets) goes to {mail_dir}" if mail_dir else "Mail: PROGOV_EMAIL_URL")
    _call("migrate", "--noinput", "--verbosity", "0")
    print("Database ready.")
    _call("load_pack", str(DEFAULT_PACK))
    # A programme in flight: it began tracking deadlines in progov this month, so the
    # years before read "not tracked" rather than hundreds of overdue rows.
    _call("track_deadlines_from")
    # The pack's schedules become meetings, then its known moves, cancellations and
    # extraordinary meetings are applied to them.
    _call("generate_meetings", "--until", DEMO_MEETINGS_UNTIL, "--pack", str(DEFAULT_PACK))
    # The pack's action logs were loaded before their meetings existed: link them now.
    _call("link_action_meetings")
    _call("link_decision_meetings")
    # The meetings that have taken place were held (those the seeds cancel stay cancelled).
    _call("mark_meetings_held")
    # Papers of the demo's own making on PSG #24 and DAG #14 (public and group-only).
    _call("demo_papers", *DEMO_PAPER_MEETINGS)
    # The demo cast is invited to each group's next meeting (the secretariat's button).
    _call("invite_next_meetings")
    print("Demo users (passwords are new each time the demo starts):")
    _call("create_demo_users")
    if args.no_serve:
        print("Set up; not serving (--no-serve).")
        return 0
    print(f"Serving on http://127.0.0.1:{args.port}/  (Ctrl+C stops)")
    return _serve(f"127.0.0.1:{args.port}", workers=2)


def cmd_serve(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    if args.migrate:
        _call("migrate", "--noinput")
    return _serve(args.bind, args.workers)


def cmd_load_pack(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    from django.core.management.base import CommandError

    try:
        _call("load_pack", args.path, *(["--check"] if args.check else []))
    except CommandError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def cmd_export_pack(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    from django.core.management.base import CommandError

    call = ["export_pack", args.path]
    if args.programme:
        call += ["--programme", args.programme]
    try:
        _call(*call)
    except CommandError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def cmd_meetings_generate(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    from django.core.management.base import CommandError

    call = ["generate_meetings"]
    if args.until:
        call += ["--until", args.until]
    for acronym in args.group:
        call += ["--group", acronym]
    if args.programme:
        call += ["--programme", args.programme]
    if args.pack:
        call += ["--pack", args.pack]
    try:
        _call(*call)
    except CommandError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def _command(command: str, *arguments: str) -> int:
    """Run a management command; its refusal (CommandError) is printed, exit status 1."""
    from django.core.management.base import CommandError

    try:
        _call(command, *arguments)
    except CommandError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    return _command("create_token", args.username, *(["--name", args.name] if args.name else []))


def cmd_accounts_unlock(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    return _command("unlock_login", args.username)


def cmd_audit_verify(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    return _command("audit_verify", *(["--expect", args.expect] if args.expect else []))


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    return _command("audit_checkpoint", *(["--append"] if args.append else []))


def cmd_audit_protect(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    return _command("audit_protect")


def cmd_manage(args: argparse.Namespace) -> int:
    _setup(args.data_dir)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["progov manage", *args.args])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="progov",
        description="progov — the digital PMO for multi-party, regulator-sponsored programmes.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    data_dir_help = "data directory (default: $PROGOV_DATA_DIR or ./progov-data)"

    demo = sub.add_parser(
        "demo",
        help="set up and serve the MHHS demo on 127.0.0.1",
        description="Create the data dir, migrate, load the MHHS pack, generate its "
        "meetings to the end of 2027 (with the pack's known moves and extraordinary "
        "meetings), publish demo papers on PSG #24 and DAG #14, create the demo users admin, pmo, "
        "chair, rep, observer and ipa (printing their passwords) and serve.",
    )
    demo.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000)")
    demo.add_argument("--data-dir", help=data_dir_help)
    demo.add_argument("--no-serve", action="store_true", help="set everything up, then exit")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser(
        "serve",
        help="production server (gunicorn workers, static files)",
        description="Serve progov with gunicorn; static files via WhiteNoise.",
    )
    serve.add_argument(
        "--bind", default="127.0.0.1:8000", help="HOST:PORT (default 127.0.0.1:8000)"
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=max(2, (os.cpu_count() or 1) * 2 + 1),
        help="worker processes (default 2×CPU+1)",
    )
    serve.add_argument("--migrate", action="store_true", help="apply migrations before serving")
    serve.add_argument("--data-dir", help=data_dir_help)
    serve.set_defaults(func=cmd_serve)

    load = sub.add_parser(
        "load-pack",
        help="load a programme data pack (YAML)",
        description="Load a data pack. Loading the same pack twice changes nothing; "
        "a pack with errors is rejected whole, with line numbers.",
    )
    load.add_argument("path", help="the pack file, e.g. progov/packs/mhhs.yaml")
    load.add_argument(
        "--check",
        action="store_true",
        help="only validate the pack, listing every error with its line; write nothing",
    )
    load.add_argument("--data-dir", help=data_dir_help)
    load.set_defaults(func=cmd_load_pack)

    export = sub.add_parser(
        "export-pack",
        help="write a programme's current data as a data pack (YAML)",
        description="Write the programme's groups, people, memberships, meeting series "
        "and meeting changes, rules and thresholds as a data pack. Loading it into an "
        "empty data dir gives the same programme. Uploaded files are not part of a pack.",
    )
    export.add_argument("path", help="the file to write, or - for standard output")
    export.add_argument("--programme", metavar="SLUG", help="the programme (default: current)")
    export.add_argument("--data-dir", help=data_dir_help)
    export.set_defaults(func=cmd_export_pack)

    meetings = sub.add_parser(
        "meetings", help="meetings of the governance groups", description="Meeting tools."
    )
    meetings_sub = meetings.add_subparsers(dest="meetings_command", metavar="ACTION", required=True)
    generate = meetings_sub.add_parser(
        "generate",
        help="create every scheduled group's meetings up to a date",
        description="Create the meetings of every group with a schedule up to --until, "
        "numbered from each group's series, with its standing agenda items. Moved, "
        "cancelled and held meetings are kept; a stood-down group stops at its stand-down "
        "date; running it again creates nothing. Meetings on a bank holiday are listed, "
        "to be moved.",
    )
    generate.add_argument(
        "--until",
        metavar="YYYY-MM-DD",
        help="last day to generate for (default: 31 December next year)",
    )
    generate.add_argument(
        "--group",
        action="append",
        default=[],
        metavar="ACRONYM",
        help="only this group; repeat for more (e.g. --group PSG --group TMAG)",
    )
    generate.add_argument("--programme", metavar="SLUG", help="only this programme's groups")
    generate.add_argument(
        "--pack",
        metavar="PATH",
        help="then apply this pack's meeting_changes (moves, cancellations, extraordinary "
        "meetings), e.g. progov/packs/mhhs.yaml",
    )
    generate.add_argument("--data-dir", help=data_dir_help)
    generate.set_defaults(func=cmd_meetings_generate)

    token = sub.add_parser("token", help="API tokens", description="Manage API tokens.")
    token_sub = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    create = token_sub.add_parser(
        "create",
        help="create a token; it is printed as the last line",
        description="Create an API token for USERNAME and print it.",
    )
    create.add_argument("username")
    create.add_argument("--name", default="", help="a label for the token")
    create.add_argument("--data-dir", help=data_dir_help)
    create.set_defaults(func=cmd_token_create)

    accounts = sub.add_parser("accounts", help="logins", description="Manage logins.")
    accounts_sub = accounts.add_subparsers(dest="accounts_command", metavar="ACTION", required=True)
    unlock = accounts_sub.add_parser(
        "unlock",
        help="unlock a login paused after failed sign-ins",
        description="Clear USERNAME's failed sign-ins so that it may sign in at once "
        "(recorded in the audit trail). The web page for it is /accounts/lockouts/.",
    )
    unlock.add_argument("username")
    unlock.add_argument("--data-dir", help=data_dir_help)
    unlock.set_defaults(func=cmd_accounts_unlock)

    audit = sub.add_parser("audit", help="the audit trail", description="Audit-trail tools.")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = audit_sub.add_parser(
        "verify",
        help="prove the audit trail intact and complete, or name what was altered or removed",
        description="Walk the audit chain (every entry's link and HMAC seal under the audit "
        "key), compare it with the checkpoint file (entries removed from the end, an emptied "
        "table, a rewritten history) and check the triggers that keep the table append-only. "
        "Exit 0 when intact; exit 1 naming each problem found. See docs/audit.md.",
    )
    verify.add_argument(
        "--expect",
        metavar="COUNT:HASH",
        help="also compare with a head you kept, as `progov audit checkpoint` prints it",
    )
    verify.add_argument("--data-dir", help=data_dir_help)
    verify.set_defaults(func=cmd_audit_verify)

    checkpoint = audit_sub.add_parser(
        "checkpoint",
        help="print the trail's head to keep (on paper, elsewhere) for `verify --expect`",
        description="Verify the trail, then print its head: entries, last id, hash, time, "
        "and the COUNT:HASH line to keep and give later to `progov audit verify --expect`. "
        "Exit 1, printing no head, when the trail does not verify.",
    )
    checkpoint.add_argument(
        "--append",
        action="store_true",
        help="also append it to the checkpoint file, creating the file if it is missing "
        "(to start a new one deliberately, after checking the trail against a kept head)",
    )
    checkpoint.add_argument("--data-dir", help=data_dir_help)
    checkpoint.set_defaults(func=cmd_audit_checkpoint)

    protect = audit_sub.add_parser(
        "protect",
        help="re-install the triggers that keep the audit table append-only",
        description="Install again the database triggers refusing UPDATE and DELETE (and "
        "TRUNCATE on PostgreSQL) of audit entries, e.g. after someone dropped them.",
    )
    protect.add_argument("--data-dir", help=data_dir_help)
    protect.set_defaults(func=cmd_audit_protect)

    manage = sub.add_parser(
        "manage",
        help="run any Django management command",
        description="Pass arguments to Django's manage.py.",
    )
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.add_argument("--data-dir", help=data_dir_help)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
