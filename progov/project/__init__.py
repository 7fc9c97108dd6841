"""Project-level commands: what needs the whole project wired together (`manage.py
openapi` renders the API that `progov/api.py` mounts from every app's router). It sits in
the top layer with `progov/cli.py`, `progov/urls.py` and `progov/api.py`."""
