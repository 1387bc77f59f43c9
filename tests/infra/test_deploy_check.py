"""Production settings pass Django's deployment checks, and models match their migrations."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

BASE_DIR = Path(__file__).resolve().parents[2]


def production_env(var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "HAKOBU_SECRET_KEYS": f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}",
        "DJANGO_ALLOWED_HOSTS": "hakobu.example.com",
        "SITE_URL": "https://hakobu.example.com",
        "HAKOBU_VAR_DIR": str(var_dir),
    }
    env.pop("DJANGO_DEBUG", None)
    return env


def manage(var_dir: Path, *args: str, without: str = "") -> subprocess.CompletedProcess:
    env = production_env(var_dir)
    env.pop(without, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize(
    "required", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "HAKOBU_SECRET_KEYS", "SITE_URL"]
)
def test_production_refuses_to_start_without_its_required_settings(tmp_path, required):
    """No fallback to the development values (a known key; localhost and testserver as hosts)."""
    dotenv = BASE_DIR / ".env"
    if dotenv.exists() and required in dotenv.read_text():
        pytest.skip(f"{dotenv} sets {required}")
    result = manage(tmp_path, "check", without=required)
    assert result.returncode != 0
    assert f"Set the {required} environment variable" in result.stderr


def test_collectstatic_works_with_the_production_manifest_storage(tmp_path):
    """The image runs this at build time; a file referencing a missing one (a source map) fails."""
    result = manage(tmp_path, "collectstatic", "--noinput")
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = tmp_path / "staticfiles" / "staticfiles.json"
    assert "vendor/bootstrap/bootstrap.min.css" in manifest.read_text()


@pytest.mark.django_db
def test_models_match_migrations():
    try:
        call_command("makemigrations", check=True, dry_run=True, verbosity=0)
    except SystemExit as exc:  # --check exits 1 when a migration is missing
        pytest.fail(f"Models have changes without migrations (exit {exc.code}).")


# --- unsafe secrets are refused at startup and reported by the deployment check -----------------

DEV_FERNET_KEY = "ZGV2LW9ubHktZmVybmV0LWtleS0tY2hhbmdlLW1lLTA="
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"


def run_with(var_dir: Path, settings_module: str, **values: str) -> subprocess.CompletedProcess:
    env = {**production_env(var_dir), "DJANGO_SETTINGS_MODULE": settings_module, **values}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HAKOBU_SECRET_KEYS", ""),
        ("HAKOBU_SECRET_KEYS", DEV_FERNET_KEY),
        ("HAKOBU_SECRET_KEYS", "not-a-fernet-key"),
        ("DJANGO_SECRET_KEY", ""),
        ("DJANGO_SECRET_KEY", DEV_SECRET_KEY),
    ],
)
def test_production_refuses_unsafe_secrets_naming_the_variable(tmp_path, variable, value):
    result = run_with(tmp_path, "config.settings.production", **{variable: value})

    assert result.returncode != 0
    assert f"Set the {variable} environment variable" in result.stderr


def test_base_settings_without_debug_refuse_the_development_keys(tmp_path):
    env = production_env(tmp_path)
    for name in ("DJANGO_SECRET_KEY", "HAKOBU_SECRET_KEYS"):
        env.pop(name)
    dotenv = BASE_DIR / ".env"
    if dotenv.exists() and "SECRET_KEY" in dotenv.read_text():
        pytest.skip(f"{dotenv} sets a secret key")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DJANGO_DEBUG": "false"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stderr
    assert "Set the HAKOBU_SECRET_KEYS environment variable" in result.stderr


def test_a_copy_of_env_example_left_unfilled_refuses_to_start(tmp_path):
    shipped = dict(
        re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", (BASE_DIR / ".env.example").read_text(), re.M)
    )
    env = production_env(tmp_path)
    for name in ("DJANGO_SECRET_KEY", "HAKOBU_SECRET_KEYS", "DJANGO_ALLOWED_HOSTS", "SITE_URL"):
        env.pop(name)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env={**env, **shipped},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stderr


def test_the_deployment_check_reports_unsafe_secrets(settings):
    from django.core.checks import run_checks

    settings.SECRET_KEY = DEV_SECRET_KEY
    settings.HAKOBU_SECRET_KEYS = [DEV_FERNET_KEY]
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert {"hakobu.E001", "hakobu.E002"} <= ids

    settings.SECRET_KEY = secrets.token_urlsafe(64)
    settings.HAKOBU_SECRET_KEYS = [Fernet.generate_key().decode()]
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert not {"hakobu.E001", "hakobu.E002"} & ids
