"""Every app's migrations to zero, then forward again, in one process (scripts/check).

    .venv/bin/python scripts/migrations_reversible.py SQLite

Migrates everything forward, then each app with migrations to zero in the reverse of the
order `manage.py showmigrations` lists them, checks that nothing is still applied, and
migrates forward again. The database is the configured one (PROGOV_DATA_DIR's SQLite or
PROGOV_DATABASE_URL): point it at a scratch one. One Django start-up for the whole round
trip instead of one per app keeps this gate a few seconds long.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "progov.settings")


def main(where: str) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    call_command("migrate", interactive=False, verbosity=0)
    loader = MigrationLoader(connection)
    # showmigrations lists the apps with migrations sorted by label.
    apps = sorted({app for app, _ in loader.disk_migrations})
    for app in reversed(apps):
        print(f"migrate {app} zero ({where})", flush=True)
        call_command("migrate", app, "zero", interactive=False, verbosity=0)
    still = sorted(MigrationLoader(connection).applied_migrations)
    if still:
        print("Some migrations are still applied after migrating every app to zero:", file=sys.stderr)
        for app, name in still:
            print(f"  {app}.{name}", file=sys.stderr)
        return 1
    call_command("migrate", interactive=False, verbosity=0)
    print(f"all apps: zero and back ({where})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "the configured database"))
