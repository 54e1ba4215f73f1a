"""Email over SMTP from a Celery task, against real SMTP servers (aiosmtpd): delivery, optional
authentication, retries of transient failures and none for permanent ones."""

import smtplib

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from runtime.tasks import TransientEmailError, build_message, deliver, send_email, send_mass_email
from tests.fixtures.services import SmtpSink, free_port, wait_until

from .conftest import PRODUCTION, json_lines, run_command

SEND = "from runtime.tasks import send_email; send_email.delay('reader@example.org', 'Eventually', 'text')"


@pytest.fixture
def smtp_settings(settings, smtp):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = smtp.host, smtp.port, False
    settings.DEFAULT_FROM_EMAIL = "PanelApp <panelapp@example.org>"
    return settings


def test_send_email_delivers_over_smtp(smtp_settings, smtp):
    send_email.delay("reader@example.org", "Panel promoted", "Version 2.0", "<p>Version 2.0</p>")
    [message] = smtp.wait_for(1)
    assert message["Subject"] == "Panel promoted"
    assert message["From"] == "PanelApp <panelapp@example.org>"
    assert message.is_multipart()
    assert smtp.envelopes == [{"from": "panelapp@example.org", "to": ["reader@example.org"]}]


def test_send_mass_email_uses_one_task(smtp_settings, smtp):
    send_mass_email.delay([{"email": f"r{i}@example.org", "subject": f"s{i}", "text": "t"} for i in range(3)])
    assert sorted(m["Subject"] for m in smtp.wait_for(3)) == ["s0", "s1", "s2"]


class FlakySink(SmtpSink):
    """Answers '451 try again later' to the first ``failures`` messages, then accepts."""

    def __init__(self, failures: int, code: str = "451 4.3.0 Try again later") -> None:
        super().__init__()
        self.failures, self.code, self.attempts = failures, code, 0

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.attempts <= self.failures:
            return self.code
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def flaky_smtp(settings):
    def start(failures, code="451 4.3.0 Try again later"):
        sink = FlakySink(failures, code)
        controller = Controller(sink, hostname="127.0.0.1", port=free_port())
        controller.start()
        started.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", controller.port, False
        return sink

    started = []
    yield start
    for controller in started:
        controller.stop()


def test_refused_connections_are_transient(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", free_port(), False
    with pytest.raises(TransientEmailError):
        deliver([build_message("reader@example.org", "Nobody listens", "text")])


def test_4xx_answers_are_transient(flaky_smtp):
    sink = flaky_smtp(failures=1)
    with pytest.raises(TransientEmailError):
        deliver([build_message("reader@example.org", "Later", "text")])
    assert sink.attempts == 1


def test_permanent_failures_are_not_retried(flaky_smtp):
    sink = flaky_smtp(failures=5, code="554 5.7.1 Rejected")
    with pytest.raises(smtplib.SMTPDataError):
        send_email.delay("reader@example.org", "Never", "text")
    assert sink.attempts == 1


@pytest.mark.postgres
def test_a_worker_retries_transient_failures_until_delivered(production_env, celery_worker):
    sink = FlakySink(failures=2)
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        env = {**production_env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(controller.port)}
        worker = celery_worker(env=env, settings=PRODUCTION)
        published = run_command("panelapp-manage", "shell", "--no-imports", "-c", SEND, env=env)
        assert published.returncode == 0, published.stderr
        wait_until(lambda: sink.messages, 60, "the third attempt to be accepted")
    finally:
        controller.stop()
    assert sink.attempts == 3
    assert [m["Subject"] for m in sink.messages] == ["Eventually"]
    retries = [r for r in json_lines(worker.output()) if "retry" in r["message"].lower()]
    assert len(retries) == 2, worker.output()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_credentials_are_used_when_set(settings):
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"smtp-pass-123")

    sink = SmtpSink()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", controller.port, False
        settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "panelapp", "smtp-pass-123"
        send_email.delay("reader@example.org", "Authenticated", "text")
    finally:
        controller.stop()
    assert logins == [(b"panelapp", b"smtp-pass-123")]
    assert [m["Subject"] for m in sink.messages] == ["Authenticated"]
