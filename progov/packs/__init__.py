"""The data-pack app, at the top of the house: loading, checking and exporting packs.

The pack format is the sum of the sections the apps register (`<app>/pack.py`, see
`progov.core.packs.sections`); this app applies a read pack through them, writes a
programme out as a pack (`export-pack`), builds `docs/pack.schema.json` from them, and
ships the MHHS pack (`mhhs.yaml`).
"""

from pathlib import Path

MHHS_PACK = Path(__file__).resolve().parent / "mhhs.yaml"
"""The MHHS pack shipped in the wheel: the demo's and the default programme."""
