"""Settings read from the environment (progov/settings.py)."""

from __future__ import annotations


def test_s3_storage_is_configured_from_the_environment(monkeypatch):
    from progov import settings as progov_settings

    assert progov_settings._file_storage() == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    monkeypatch.setenv("PROGOV_S3_BUCKET", "progov-papers")
    monkeypatch.setenv("PROGOV_S3_ENDPOINT_URL", "https://minio.internal:9000")
    monkeypatch.setenv("PROGOV_S3_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("PROGOV_S3_SECRET_ACCESS_KEY", "not-a-real-secret")
    monkeypatch.setenv("PROGOV_S3_PREFIX", "/progov/")
    storage = progov_settings._file_storage()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "progov-papers",
        "location": "progov",
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
        "endpoint_url": "https://minio.internal:9000",
        "access_key": "AKIAEXAMPLE",
        "secret_key": "not-a-real-secret",
    }
