"""The README documents every environment variable the settings read."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_read_from_the_environment_is_in_the_readme():
    settings_source = "".join(
        path.read_text() for path in (ROOT / "qualitymark").glob("*settings*.py")
    )
    names = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', settings_source))
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert names, "no environment variables found in settings"
    assert not missing, f"README.md does not document: {', '.join(missing)}"
