"""`make run`'s SQLite database takes people writing at once: a writer waits for
another's write rather than answering 500 "database is locked" (an outside audit
met it when a certificate download and an upload came together)."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("sqlite_writers.py")


def test_four_writers_at_once_all_succeed(tmp_path):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "demo.sqlite3")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "failed writers: 0 " in result.stdout, result.stdout
