"""Django for the portal's tests only: settings, a throw-away data folder and a test database
(DATABASE_URL, when set, names a PostgreSQL server: `make test-web-pg`). The rest of the suite
never imports Django."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

pytest.importorskip("django", reason="门户的依赖没有安装（requirements-web.lock），跳过门户测试")

DATA = tempfile.mkdtemp(prefix="portal-test-")
os.environ["DJANGO_SETTINGS_MODULE"] = "pipeline.web.settings"
os.environ["PORTAL_DATA"] = DATA
os.environ["PORTAL_BACKGROUND"] = "0"  # jobs run in a worker process the request waits for
os.environ["PORTAL_PDF"] = "0"

import django  # noqa: E402

django.setup()


@pytest.fixture(scope="session", autouse=True)
def _test_database():
    from django.conf import settings
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases, teardown_test_environment

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":  # one database per xdist worker
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        database.setdefault("TEST", {})["NAME"] = f"test_portal_{worker}"
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    yield
    teardown_databases(old, verbosity=0)
    teardown_test_environment()
    shutil.rmtree(DATA, ignore_errors=True)
