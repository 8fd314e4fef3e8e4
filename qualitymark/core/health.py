"""Readiness checks for /healthz: each returns "ok", "eager"/"local" or an error."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        return f"error: {type(error).__name__}"
    return "ok"


def cache_state() -> str:
    try:
        cache.set("healthz", "1", 10)
        if cache.get("healthz") != "1":
            return "error: value not read back"
    except Exception as error:  # noqa: BLE001
        return f"error: {type(error).__name__}"
    return "ok"


def broker_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        from qualitymark.celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # noqa: BLE001
        return f"error: {type(error).__name__}"
    return "ok"


def health_report() -> tuple[dict, bool]:
    report = {
        "database": database_state(),
        "cache": cache_state(),
        "broker": broker_state(),
    }
    healthy = report["database"] == "ok"
    report["status"] = "ok" if healthy and all(
        not value.startswith("error") for value in report.values()
    ) else ("degraded" if healthy else "down")
    return report, healthy
