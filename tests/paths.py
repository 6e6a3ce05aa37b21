"""Where the tests find things: the repository root, the shipped example, and `tests/fixtures/`.

Tests read only from the repository itself, never from anything beside it.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED_REQUEST = ROOT / "examples" / "seed-request.txt"
