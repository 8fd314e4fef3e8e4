"""The README's architecture section shows the application state table as it is
in applications/lifecycle.py (STATES), row for row."""

from pathlib import Path

from applications.lifecycle import CAPABILITIES, STATES

ROOT = Path(__file__).resolve().parents[2]


def state_table_markdown() -> str:
    lines = ["| Status | Shown as | What it allows |", "|---|---|---|"]
    for status, state in STATES.items():
        colour = state.tag.removeprefix("govuk-tag--").replace("-", " ")
        allows = ", ".join(f"`{name}`" for name in CAPABILITIES if getattr(state, name))
        lines.append(f"| `{status}` | {state.label} ({colour} tag) | {allows} |")
    return "\n".join(lines)


def test_the_readme_shows_the_state_table_as_it_is():
    table = state_table_markdown()
    assert table in (ROOT / "README.md").read_text(), (
        "README.md's application state table differs from lifecycle.STATES; paste:\n" + table
    )
