"""S3 under docker-aws: collectstatic fills the static bucket under static/ with cache headers;
uploads land in the media bucket under media/; URLs use the CDN domains."""

import pytest

from .conftest import MEDIA_DOMAIN, STATIC_DOMAIN, run_command
from .settings_loader import load_settings

pytestmark = pytest.mark.postgres

UPLOAD = (
    "from django.core.files.base import ContentFile; "
    "from django.core.files.storage import default_storage; "
    "first = default_storage.save('uploads/panel.tsv', ContentFile(b'gene\\tpanel\\n')); "
    "second = default_storage.save('uploads/panel.tsv', ContentFile(b'other\\n')); "
    "print(first); print(second); print(default_storage.url(first))"
)


def test_collectstatic_uploads_to_the_static_bucket(production_env, aws):
    collected = run_command("panelapp-collectstatic", env=production_env, timeout=300)
    assert collected.returncode == 0, collected.stderr + collected.stdout
    keys = aws.object_keys(aws.static_bucket)
    assert "static/admin/css/base.css" in keys
    assert all(key.startswith("static/") for key in keys)
    assert aws.object_keys(aws.media_bucket) == []
    head = aws.s3().head_object(Bucket=aws.static_bucket, Key="static/admin/css/base.css")
    assert head["CacheControl"] == "max-age=86400"
    assert head["ContentType"] == "text/css"


def test_collectstatic_honours_another_location(production_env, aws):
    env = {**production_env, "AWS_STATICFILES_LOCATION": "assets/v2"}
    collected = run_command("panelapp-collectstatic", env=env, timeout=300)
    assert collected.returncode == 0, collected.stderr
    assert "assets/v2/admin/css/base.css" in aws.object_keys(aws.static_bucket)


def test_a_media_upload_lands_in_the_media_bucket(production_env, aws):
    uploaded = run_command("panelapp-manage", "shell", "--no-imports", "-c", UPLOAD, env=production_env)
    assert uploaded.returncode == 0, uploaded.stderr
    # stdout also carries the JSON log lines; the printed values are the other lines.
    first, second, url = [line for line in uploaded.stdout.splitlines() if line and not line.startswith("{")]
    assert first == "uploads/panel.tsv"
    assert second != first, "a second upload with the same name must not overwrite the first"
    assert sorted(aws.object_keys(aws.media_bucket)) == sorted([f"media/{first}", f"media/{second}"])
    body = aws.s3().get_object(Bucket=aws.media_bucket, Key=f"media/{first}")["Body"].read()
    assert body == b"gene\tpanel\n"
    assert url == f"https://{MEDIA_DOMAIN}/media/uploads/panel.tsv"


def test_storage_settings_follow_the_contract(production_env, monkeypatch):
    settings = load_settings("panelapp.settings.docker-aws", production_env, monkeypatch)
    static, media = settings["STORAGES"]["staticfiles"]["OPTIONS"], settings["STORAGES"]["default"]["OPTIONS"]
    assert settings["STATIC_URL"] == f"https://{STATIC_DOMAIN}/static/"
    assert settings["MEDIA_URL"] == f"https://{MEDIA_DOMAIN}/media/"
    assert (static["location"], media["location"]) == ("static", "media")
    assert static["querystring_auth"] is media["querystring_auth"] is False


def test_a_local_store_without_tls_gets_http_urls(production_env, monkeypatch):
    env = {**production_env, "AWS_S3_URL_PROTOCOL": "http:"}
    settings = load_settings("panelapp.settings.docker-aws", env, monkeypatch)
    assert settings["STATIC_URL"] == f"http://{STATIC_DOMAIN}/static/"
    assert settings["MEDIA_URL"] == f"http://{MEDIA_DOMAIN}/media/"
    assert settings["STORAGES"]["default"]["OPTIONS"]["url_protocol"] == "http:"


def test_without_access_keys_the_default_credential_chain_is_used(production_env, monkeypatch):
    env = {k: v for k, v in production_env.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    settings = load_settings("panelapp.settings.docker-aws", env, monkeypatch)
    for alias in ("staticfiles", "default"):
        options = settings["STORAGES"][alias]["OPTIONS"]
        assert options["access_key"] is None and options["secret_key"] is None
    assert settings["CELERY_BROKER_URL"] == "sqs://"
