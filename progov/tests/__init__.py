"""Project-level tests: the `progov` command and what spans several apps (the audit
chain over governance writes, the demo's pack-then-generate flow, settings). They sit
in the top layer with `progov/cli.py`, so they may import any app."""
