"""Settings for the test suite: the real settings with a throwaway key and a fast password hasher."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")

from skm_portal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Serve static files from the source folders, as `make run` does, without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
SECURE_SSL_REDIRECT = False
# Each test process its own folder of made documents, emptied before every test (tests/conftest.py)
# and removed when the process ends.
CACHES["documents"]["LOCATION"] = tempfile.mkdtemp(prefix="skm-test-documents-")  # noqa: F405
atexit.register(shutil.rmtree, CACHES["documents"]["LOCATION"], True)  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the Celery worker tests run a worker process on the same test database.
    # SKM_TEST_DB names another file, so that two runs on one machine do not share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / os.environ.get("SKM_TEST_DB", "test.sqlite3"))}  # noqa: F405
