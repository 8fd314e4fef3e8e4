"""A throw-away test database for the benchmarks, made as the tests make
theirs: with two database roles (DATABASE_OWNER_URL set) it connects as the
owner, which creates and migrates the database (tests/conftest.py).

The test environment's e-mail outbox and host name are kept, but not its
instrumented template rendering: that sends a signal with a copy of the
context for every template rendered, which production does not pay, so the
pages are timed as production renders them."""

from contextlib import contextmanager

from django.db import connections


@contextmanager
def throwaway_database():
    from django.conf import settings
    from django.db import connection
    from django.template import Template
    from django.test.utils import setup_test_environment

    from qualitymark.audit.roles import owner_credentials

    credentials = owner_credentials()
    if credentials:
        settings.DATABASES["default"].update(credentials)
        connection.settings_dict.update(credentials)
    # Not the tests' database name: a benchmark can run beside the tests.
    name = f"bench_{connection.settings_dict['NAME']}"
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = name
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    production_render = Template._render
    setup_test_environment()
    Template._render = production_render
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def use_database(name: str) -> None:
    """Point the default connection at another database of the same server."""
    from django.conf import settings
    from django.db import connection

    connection.close()
    settings.DATABASES["default"]["NAME"] = name
    connection.settings_dict["NAME"] = name


@contextmanager
def copy_of_database():
    """A copy of the current database (CREATE DATABASE ... TEMPLATE), made the
    current one for the block and dropped after it; yields its name."""
    from django.db import connection

    original = connection.settings_dict["NAME"]
    copy = f"{original}_copy"
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        cursor.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{original}"')
    use_database(copy)
    try:
        yield copy
    finally:
        use_database(original)
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')


@contextmanager
def kept_connections(names):
    """A function that makes one of `names` the default database, each with a
    connection of its own kept open for the block. Production keeps its
    connections (DATABASE_CONN_MAX_AGE); a new one reads PostgreSQL's catalogue
    again on its first queries, which cost a page 2 to 6 ms more."""
    from django.conf import settings

    current = connections["default"]
    current.close()
    wrapper_of = type(current)
    kept = {name: wrapper_of({**current.settings_dict, "NAME": name}, "default") for name in names}

    def switch(name: str) -> None:
        settings.DATABASES["default"]["NAME"] = name
        connections._connections.default = kept[name]

    try:
        yield switch
    finally:
        for wrapper in kept.values():
            wrapper.close()
        connections._connections.default = current
        settings.DATABASES["default"]["NAME"] = current.settings_dict["NAME"]
