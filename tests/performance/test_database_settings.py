"""PostgreSQL compiles no query to machine code for the portal: a page's
queries take milliseconds, and compiling one whose estimated cost crossed
jit_above_cost took about 60 ms more (issue 16)."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_portals_connections_have_jit_off():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
