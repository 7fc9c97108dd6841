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


def test_the_caches_are_the_data_dirs_or_redis(monkeypatch):
    from progov import settings as progov_settings

    monkeypatch.delenv("PROGOV_REDIS_URL", raising=False)
    monkeypatch.delenv("PROGOV_CACHE_URL", raising=False)
    caches = progov_settings._caches()
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert caches["default"]["LOCATION"] == str(progov_settings.DATA_DIR / "cache")
    assert caches["pages"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert caches["pages"]["LOCATION"] == str(progov_settings.DATA_DIR / "cache-pages")
    redis = "django.core.cache.backends.redis.RedisCache"
    # PROGOV_CACHE_URL, and PROGOV_REDIS_URL, its older name, give both caches to Redis.
    for name in ("PROGOV_REDIS_URL", "PROGOV_CACHE_URL"):
        monkeypatch.setenv(name, "redis://cache.internal:6379/2")
        caches = progov_settings._caches()
        assert caches["default"] == {"BACKEND": redis, "LOCATION": "redis://cache.internal:6379/2"}
        assert caches["pages"]["BACKEND"] == redis
        assert caches["pages"]["LOCATION"] == "redis://cache.internal:6379/2"
        assert caches["pages"]["KEY_PREFIX"] == "pages"
        monkeypatch.delenv(name)


def test_a_bad_trusted_proxy_stops_the_server_naming_it(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "PROGOV_DATA_DIR": str(tmp_path),
        "PROGOV_TRUSTED_PROXIES": "10.0.0.5, proxy.internal",
    }
    run = subprocess.run(
        [sys.executable, "-c", "import progov.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "PROGOV_TRUSTED_PROXIES: 'proxy.internal' is not an IP address" in run.stderr
