"""`manage.py create_demo_users`: the demo's six logins, each with a new password printed.

`admin` and `pmo` are made here; `chair`, `rep`, `observer` and `ipa` come with the MHHS
pack, which links each to a person with memberships (PSG's chair, a Large Supplier
representative on PSG only, the Ofgem observer, the IPA Manager). A login the pack did
not make is created here with its role, unlinked.
"""

import secrets
from typing import Any

from progov.accounts.models import Role, User
from progov.accounts.services import create_user, set_user_password
from progov.core.commands import ProgovCommand

DEMO_USERS = [
    ("admin", Role.ADMINISTRATOR, True, "administrator: everything, and linking logins"),
    ("pmo", Role.SECRETARIAT, False, "programme secretariat: manages every group"),
    ("chair", Role.MEMBER, False, "the PSG chair: manages PSG's meetings only"),
    ("rep", Role.MEMBER, False, "a Large Supplier representative on PSG only"),
    ("observer", Role.OBSERVER, False, "Ofgem, observing PSG"),
    ("ipa", Role.OBSERVER, False, "the IPA Manager on every current group"),
]


class Command(ProgovCommand):
    help = (
        "Create (or reset the passwords of) the demo users admin, pmo, chair, rep, observer "
        "and ipa, printing their passwords."
    )

    def handle_act(self, *args: Any, **options: Any) -> None:
        for username, role, superuser, what in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            existing = User.objects.filter(username=username).first()
            if existing is None:
                create_user(
                    actor=None,
                    username=username,
                    role=role,
                    password=password,
                    is_superuser=superuser,
                )
            else:
                set_user_password(actor=None, user=existing, password=password)
            self.stdout.write(f"  {username:<8} password {password:<14} {what}")
