"""Four people writing at once to the demo's SQLite file (`make run`); prints how many
of their writes failed. Run by test_sqlite_demo.py in its own process, on a fresh file."""

import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ["DJANGO_SETTINGS_MODULE"] = "qualitymark.settings"
os.environ["DATABASE_URL"] = f"sqlite:///{sys.argv[1]}"
os.environ.pop("DATABASE_OWNER_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections, transaction  # noqa: E402

from qualitymark.governance.models import RetentionRule  # noqa: E402

call_command("migrate", verbosity=0)
failures = []


def write(turns=30):
    try:
        for turn in range(turns):
            with transaction.atomic():
                rule = RetentionRule.objects.first()
                list(RetentionRule.objects.all())
                RetentionRule.objects.filter(pk=rule.pk).update(period_months=turn % 20 + 1)
    except Exception as error:  # noqa: BLE001 - the count is the result
        failures.append(repr(error))
    finally:
        connections.close_all()


people = [threading.Thread(target=write) for _ in range(4)]
for person in people:
    person.start()
for person in people:
    person.join()
print(f"failed writers: {len(failures)} {failures[:1]}")
