"""The container set-up: Dockerfile, .dockerignore and docker-compose.yml.

There is no Docker engine in the test environment, so these tests read the files
and check what the stack relies on; `docker compose config` validates the
compose file whenever a Compose binary is installed.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .support import REPO_ROOT, clean_env, run_django

APP_SERVICES = ("web", "worker", "beat", "migrate")
WEASYPRINT_PACKAGES = (
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz0b",
    "libharfbuzz-subset0",
    "fonts-dejavu-core",
    "fonts-liberation2",
    "fonts-noto-core",
)


# --- docker-compose.yml ---------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())


def interpolate(value: str) -> str:
    """Compose's ${VAR:-default} / ${VAR-default} with nothing exported."""
    return re.sub(r"\$\{\w+(?::?-([^}]*))?\}", lambda match: match.group(1) or "", value)


def test_compose_has_the_whole_stack(compose):
    assert set(compose["services"]) >= {
        "web",
        "worker",
        "beat",
        "migrate",
        "postgres",
        "redis",
        "minio",
        "minio-init",
        "mailpit",
    }


def test_compose_runs_the_app_in_production_mode(compose):
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        assert env["DJANGO_ENV"] == "production", name
        # Never a literal secret: an empty value makes the settings refuse to start.
        assert env["DJANGO_SECRET_KEY"] == "${DJANGO_SECRET_KEY:-}", name
        assert interpolate(env["DATABASE_URL"]).startswith("postgres://"), name
        assert env["REDIS_URL"] == "redis://redis:6379/0", name
        assert env["EMAIL_URL"] == "smtp://mailpit:1025", name
        assert env["AWS_S3_ENDPOINT_URL"] == "http://minio:9000", name
        for variable in (
            "AWS_STORAGE_BUCKET_NAME",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "DJANGO_ALLOWED_HOSTS",
            "DJANGO_CSRF_TRUSTED_ORIGINS",
        ):
            assert interpolate(env[variable]), (name, variable)
        assert interpolate(env["DJANGO_SECURE_SSL_REDIRECT"]) == "false", name


def test_compose_commands(compose):
    services = compose["services"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert "command" not in services["web"]  # the image's gunicorn command
    assert services["worker"]["command"][:4] == ["celery", "-A", "qualitymark", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "qualitymark", "beat"]


def test_compose_starts_services_only_once_their_dependencies_are_ready(compose):
    services = compose["services"]
    for name, service in services.items():
        depends_on = service.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        for dependency, rule in depends_on.items():
            expected = (
                "service_completed_successfully"
                if dependency in {"migrate", "minio-init"}
                else "service_healthy"
            )
            assert rule["condition"] == expected, (name, dependency)
            if expected == "service_healthy":
                assert "test" in services[dependency]["healthcheck"], dependency
    for name in ("web", "worker", "beat"):
        assert set(services[name]["depends_on"]) >= {"migrate", "postgres", "redis"}, name
    assert services["migrate"]["restart"] == "no"
    assert services["minio-init"]["restart"] == "no"


def test_compose_data_services(compose):
    services = compose["services"]
    assert services["postgres"]["image"].startswith("postgres:16")
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert services["redis"]["image"].startswith("redis:7")
    assert set(compose["volumes"]) >= {"postgres-data", "redis-data", "minio-data"}
    assert services["mailpit"]["image"].startswith("axllent/mailpit:")
    assert any(port.endswith(":1025:1025") for port in services["mailpit"]["ports"])
    assert any(port.endswith(":8025:8025") for port in services["mailpit"]["ports"])
    assert services["minio-init"]["image"].startswith("minio/mc:")


def test_compose_bucket_set_up_keeps_the_bucket_private():
    script = (REPO_ROOT / "docker" / "minio" / "init.sh").read_text()
    assert "mc mb --ignore-existing" in script
    assert 'mc anonymous set none "root/$BUCKET"' in script
    assert "set -eu" in script


def test_compose_environment_is_accepted_by_the_settings(compose):
    """web's environment, as compose resolves it with nothing exported, plus a key."""
    web_env = compose["services"]["web"]["environment"]
    env = {name: interpolate(str(value)) for name, value in web_env.items()}
    env["DJANGO_SECRET_KEY"] = "compose-test-" + "k" * 50

    result = run_django(
        "from django.conf import settings\n"
        "from django.core.files.storage import storages\n"
        "result = {\n"
        "    'engine': settings.DATABASES['default']['ENGINE'],\n"
        "    'eager': settings.CELERY_TASK_ALWAYS_EAGER,\n"
        "    'storage': settings.STORAGES['default']['BACKEND'],\n"
        "    'signed_url': storages['default'].url('evidence/x.pdf'),\n"
        "    'email': [settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT],\n"
        "    'ssl_redirect': settings.SECURE_SSL_REDIRECT,\n"
        "    'csrf_origins': settings.CSRF_TRUSTED_ORIGINS,\n"
        "}",
        env=clean_env(**env),
    )

    assert result["engine"] == "django.db.backends.postgresql"
    assert result["eager"] is False
    assert result["storage"] == "storages.backends.s3.S3Storage"
    assert result["signed_url"].startswith("http://minio:9000/qualitymark-private/evidence/x.pdf?")
    assert result["email"] == ["django.core.mail.backends.smtp.EmailBackend", "mailpit", 1025]
    assert result["ssl_redirect"] is False
    assert "http://localhost:8000" in result["csrf_origins"]


def compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run(  # noqa: S603
            [docker, "compose", "version"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    installed = (Path(sys.executable).parent / "docker-compose", shutil.which("docker-compose"))
    for candidate in installed:
        if candidate and Path(candidate).is_file():
            return [str(candidate)]
    return None


def test_compose_config_is_valid_with_nothing_exported():
    command = compose_command()
    if command is None:
        pytest.skip("no Docker Compose installed (docker compose / docker-compose)")

    completed = subprocess.run(  # noqa: S603
        [*command, "config", "-q"],
        cwd=REPO_ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr


# --- Dockerfile and .dockerignore ------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (REPO_ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_dockerfile_builds_assets_with_node_and_runs_on_python_slim():
    instructions = dockerfile_instructions()
    args = dict(rest.split("=", 1) for kw, rest in instructions if kw == "ARG")
    assert args["PYTHON_IMAGE"] == "python:3.11-slim-bookworm"
    assert args["NODE_IMAGE"] == "node:20-bookworm-slim"
    froms = [rest for kw, rest in instructions if kw == "FROM"]
    assert froms == ["${NODE_IMAGE} AS assets", "${PYTHON_IMAGE} AS runtime"]
    runs = " ".join(rest for kw, rest in instructions if kw == "RUN")
    assert "npm ci" in runs and "npm run build" in runs
    assert any(
        kw == "COPY" and "--from=assets" in rest and "static/build" in rest
        for kw, rest in instructions
    )


def test_dockerfile_installs_weasyprint_system_libraries():
    runs = " ".join(rest for kw, rest in dockerfile_instructions() if kw == "RUN")
    for package in WEASYPRINT_PACKAGES:
        assert re.search(rf"(?<![\w.-]){re.escape(package)}(?![\w.-])", runs), package
    # CI installs the same libraries for the PDF tests.
    ci_packages = (REPO_ROOT / ".ci" / "apt-packages.txt").read_text().split()
    assert set(WEASYPRINT_PACKAGES) <= set(ci_packages)


def test_dockerfile_installs_the_project_and_collects_static_for_production():
    instructions = dockerfile_instructions()
    runs = [rest for kw, rest in instructions if kw == "RUN"]
    assert any(re.search(r"pip install \.(\s|$)", run) for run in runs)
    assert not any("pip install -e" in run or "--editable" in run for run in runs)
    collect = next(run for run in runs if "collectstatic" in run)
    assert "DJANGO_SECRET_KEY=" in collect
    env = " ".join(rest for kw, rest in instructions if kw == "ENV")
    assert "DJANGO_ENV=production" in env
    assert "DJANGO_SECRET_KEY" not in env  # the build-time key stays in that one RUN


def test_dockerfile_runs_gunicorn_as_a_non_root_user_with_a_health_check():
    instructions = dockerfile_instructions()
    users = [rest for kw, rest in instructions if kw == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert ("EXPOSE", "8000") in instructions
    healthcheck = next(rest for kw, rest in instructions if kw == "HEALTHCHECK")
    assert "docker/healthcheck.py" in healthcheck
    assert "--timeout=" in healthcheck
    cmd = next(rest for kw, rest in instructions if kw == "CMD")
    assert cmd.startswith('["gunicorn"') and "qualitymark.wsgi:application" in cmd
    assert "docker/gunicorn.conf.py" in cmd


def test_dockerignore_keeps_secrets_and_local_builds_out_of_the_image():
    ignored = {
        line.strip()
        for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for pattern in (".git", ".env", ".venv", "node_modules", "static/build", "staticfiles", "var"):
        assert pattern in ignored, pattern


def test_gunicorn_config_reads_its_settings_from_the_environment(tmp_path):
    code = (
        "import runpy, json\n"
        "conf = runpy.run_path('docker/gunicorn.conf.py')\n"
        "print(json.dumps({k: conf[k] for k in "
        "('bind', 'workers', 'threads', 'timeout', 'worker_class', 'accesslog')}))"
    )
    env = clean_env(PORT="9123", WEB_CONCURRENCY="5", GUNICORN_THREADS="3")
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert yaml.safe_load(completed.stdout) == {
        "bind": "0.0.0.0:9123",
        "workers": 5,
        "threads": 3,
        "timeout": 60,
        "worker_class": "gthread",
        "accesslog": "-",
    }


# --- What the image build runs --------------------------------------------------------


def test_collectstatic_succeeds_with_the_production_storage(tmp_path):
    """The Dockerfile runs this at build time: hashed, compressed static files.
    It fails when a stylesheet points at a file that is not collected."""
    if not (REPO_ROOT / "static" / "build" / "app.css").is_file():
        pytest.skip("front-end assets are not built (make assets)")
    static_root = tmp_path / "staticfiles"

    result = run_django(
        "from django.conf import settings\n"
        f"settings.STATIC_ROOT = {str(static_root)!r}\n"
        "from django.core.management import call_command\n"
        "call_command('collectstatic', interactive=False, verbosity=0)\n"
        "from django.contrib.staticfiles.storage import staticfiles_storage\n"
        "result = [staticfiles_storage.url('build/app.css'), "
        "staticfiles_storage.url('js/app.js')]",
        env=clean_env(
            DJANGO_ENV="production",
            DJANGO_SECRET_KEY="collectstatic-" + "k" * 50,
            DJANGO_ALLOWED_HOSTS="localhost",
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ),
    )

    css_url, js_url = result
    assert re.fullmatch(r"/static/build/app\.[0-9a-f]{12}\.css", css_url)
    assert re.fullmatch(r"/static/js/app\.[0-9a-f]{12}\.js", js_url)
    assert (static_root / "staticfiles.json").is_file()
