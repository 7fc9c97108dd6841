import secrets
from typing import Any

from progov.accounts.models import Role, User
from progov.accounts.services import create_user, set_user_password
from progov.core.commands import ProgovCommand

DEMO_USERS = [
    ("admin", Role.ADMINISTRATOR, True),
    ("pmo", Role.SECRETARIAT, False),
]


class Command(ProgovCommand):
    help = (
        "Create (or reset the passwords of) the demo users `admin` and `pmo`, printing passwords."
    )

    def handle_act(self, *args: Any, **options: Any) -> None:
        for username, role, superuser in DEMO_USERS:
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
            self.stdout.write(f"  {username:<6} ({role.label}): password {password}")
