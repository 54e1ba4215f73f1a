"""JSON log lines: fields, task context, and credentials kept out whatever code logs them."""

import io
import json
import logging
import logging.config

import pytest

from runtime.logs import REDACTED, PanelAppJsonFormatter, credential_values, logging_config


@pytest.fixture
def capture(monkeypatch):
    def make(environ=None):
        for name, value in (environ or {}).items():
            monkeypatch.setenv(name, value)
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(PanelAppJsonFormatter())
        logger = logging.getLogger("panelapp.test-logging")
        logger.handlers, logger.propagate = [handler], False
        logger.setLevel(logging.DEBUG)
        return logger, lambda: [json.loads(line) for line in stream.getvalue().splitlines()]

    return make


def test_lines_are_json_with_the_standard_fields(capture):
    logger, lines = capture()
    logger.info("panel %s promoted", "Cardiomyopathy", extra={"panel_id": 42})
    [line] = lines()
    assert line["message"] == "panel Cardiomyopathy promoted"
    assert line["level"] == "INFO"
    assert line["logger"] == "panelapp.test-logging"
    assert line["panel_id"] == 42
    assert line["timestamp"].startswith("20")


def test_exceptions_stay_on_one_line(capture):
    logger, lines = capture()
    try:
        raise ValueError("broken")
    except ValueError:
        logger.exception("failed")
    [line] = lines()
    assert "ValueError: broken" in str(line["exc_info"])


def test_credentials_are_redacted_from_every_line(capture):
    environ = {
        "SECRET_KEY": "django-secret-0123456789",
        "DATABASE_PASSWORD": 'pa"ss\\word-42',
        "DATABASE_URL": "postgresql://u:url%40password@db/pa",
        "CELERY_BROKER_URL": "sqs://AKIAEXAMPLE:broker-secret-key@",
        "EMAIL_HOST_PASSWORD": "smtp-password-7",
        "AWS_SECRET_ACCESS_KEY": "aws/secret+key",
    }
    logger, lines = capture(environ)
    logger.warning("leaked %s %s", environ["SECRET_KEY"], environ["DATABASE_PASSWORD"])
    logger.warning("url password url@password and broker-secret-key")
    logger.error("smtp smtp-password-7", extra={"context": {"key": "aws/secret+key"}})
    text = "\n".join(json.dumps(line) for line in lines())
    for secret in (
        "django-secret-0123456789",
        "ss\\\\word-42",
        "url@password",
        "url%40password",
        "broker-secret-key",
        "smtp-password-7",
        "aws/secret+key",
    ):
        assert secret not in text, secret
    assert text.count(REDACTED) >= 6


def test_short_values_are_not_treated_as_credentials():
    assert credential_values({"SECRET_KEY": "abc", "DATABASE_PASSWORD": "longer-secret"}) == ["longer-secret"]


def test_task_lines_carry_task_id_and_name(capture, settings):
    from celery import shared_task

    logger, lines = capture()

    @shared_task(name="panelapp.tests.log_something", bind=True)
    def log_something(self):
        logger.info("inside the task")

    log_something.apply(task_id="abc-123")
    logger.info("outside any task")
    inside, outside = lines()
    assert (inside["task_id"], inside["task_name"]) == ("abc-123", "panelapp.tests.log_something")
    assert "task_id" not in outside


def test_one_level_for_every_component():
    config = logging_config("WARNING")
    assert config["root"]["level"] == "WARNING"
    for name in ("django", "celery", "gunicorn.error", "panelapp"):
        assert config["loggers"][name]["level"] == "WARNING"
    assert logging_config("DEBUG")["loggers"]["botocore"]["level"] == "INFO"
