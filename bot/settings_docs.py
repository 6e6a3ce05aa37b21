"""`.env.example` and the README's settings table, rendered from the declarations in `bot.settings`.

Pure: stdlib only. `make docs` writes both files; `tests/test_settings.py` fails when either is out of
step with the code, so a setting's default and description are written once, in `Settings`.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from bot.settings import Settings

README_START = "<!-- settings table: generated from bot/settings.py by `make docs` -->"
README_END = "<!-- end of settings table -->"
_ENV_HEADER = (
    "# summarizer settings, generated from bot/settings.py by `make docs`. Copy to .env (never commit\n"
    "# .env) or set them in the environment. Only the Slack values are needed to run the bot; everything\n"
    "# else has a working default.\n"
)


def _declarations() -> list[dict[str, Any]]:
    return [{"default": spec.default, **spec.metadata} for spec in dataclasses.fields(Settings)]


def _value(default: Any) -> str:
    """A default as it is written in an environment variable ("" for unset)."""
    if default is None:
        return ""
    if isinstance(default, bool):
        return str(default).lower()
    if isinstance(default, float) and default.is_integer():
        return str(int(default))
    if isinstance(default, frozenset):
        return ",".join(sorted(default))
    return str(default)


def _shown(meta: dict[str, Any]) -> str:
    """The README's default column: the declared wording, else the value in backticks (— when unset)."""
    if meta["shown"]:
        return str(meta["shown"])
    value = _value(meta["default"])
    return f"`{value}`" if value else "—"


def _wrap(text: str, width: int = 100) -> list[str]:
    """`text` as `# ` comment lines of at most `width` characters."""
    lines, line = [], "#"
    for word in text.split():
        if len(line) + 1 + len(word) > width:
            lines.append(line)
            line = "#"
        line += " " + word
    return [*lines, line]


def env_example() -> str:
    """The whole `.env.example`: every setting grouped, with its description and default."""
    out = [_ENV_HEADER]
    group = None
    for meta in _declarations():
        if meta["group"] != group:
            group = meta["group"]
            out.append(f"\n# --- {group} ---\n")
        out.extend(line + "\n" for line in _wrap(re.sub(r"`", "", meta["doc"])))
        if meta["example"] is not None:
            out.append(f"{meta['env']}={meta['example']}\n")
        elif _machine_default(meta):
            out.append(f"# Default: {meta['shown']}.\n# {meta['env']}=\n")
        else:
            out.append(f"# {meta['env']}={_value(meta['default'])}\n")
    return "".join(out)


def _machine_default(meta: dict[str, Any]) -> bool:
    """True for a number whose default depends on the machine (declared with its wording in `shown`), so
    that the generated files are the same on every machine."""
    default = meta["default"]
    return bool(meta["shown"]) and isinstance(default, int) and not isinstance(default, bool)


def markdown_table() -> str:
    """The README's settings table, between its start and end markers."""
    rows = [README_START, "| variable | default | what it does |", "| --- | --- | --- |"]
    for meta in _declarations():
        rows.append(f"| `{meta['env']}` | {_shown(meta)} | {meta['doc']} |")
    return "\n".join([*rows, README_END])


def readme_with_table(readme: str) -> str:
    """`readme` with the text between the markers replaced by `markdown_table()`.

    Raises ValueError when the markers are missing.
    """
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        raise ValueError("README.md has no settings table markers")
    return readme[:start] + markdown_table() + readme[end + len(README_END) :]


def write(root: Path) -> None:
    """Rewrite `.env.example` and the README's settings table under `root` (what `make docs` does)."""
    (root / ".env.example").write_text(env_example(), encoding="utf-8")
    readme = root / "README.md"
    readme.write_text(readme_with_table(readme.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover - `make docs`
    write(Path.cwd())
