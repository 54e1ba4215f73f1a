"""Celery on SQS (moto) under docker-aws: the web side publishes, a real worker process executes,
the transport carries the contract's queue settings, and nothing creates queues."""

import pytest
from celery import Celery
from kombu.transport.SQS import UndefinedQueueException

from tests.fixtures.services import wait_until

from .conftest import PRODUCTION, json_lines, run_command
from .settings_loader import load_settings

pytestmark = pytest.mark.postgres

SEND = (
    "from runtime.tasks import send_email\n"
    "for task_id in {task_ids!r}:\n"
    "    send_email.apply_async(('reader@example.org', 'Panel updated', task_id), task_id=task_id)"
)


def publish_from_web(env, *task_ids):
    """Publish with the web's code and settings (panelapp-manage runs what the web image runs)."""
    sent = run_command("panelapp-manage", "shell", "--no-imports", "-c", SEND.format(task_ids=list(task_ids)), env=env)
    assert sent.returncode == 0, sent.stderr + sent.stdout


def test_a_task_published_by_web_is_executed_by_a_real_worker(production_env, celery_worker, smtp, aws):
    worker = celery_worker(env=production_env, settings=PRODUCTION)
    publish_from_web(production_env, "task-1")
    [message] = smtp.wait_for(1)
    assert message["Subject"] == "Panel updated"
    assert message["From"] == "PanelApp <panelapp@example.org>"
    assert smtp.envelopes[0]["to"] == ["reader@example.org"]
    worker.stop()
    records = json_lines(worker.output())
    task_lines = [r for r in records if r.get("task_id") == "task-1"]
    assert task_lines, "the task's own log lines carry its id"
    assert all(r["task_name"] == "panelapp.tasks.send_email" for r in task_lines)
    # Only the predefined queue exists: no pidbox, event or default 'celery' queue was created.
    assert aws.sqs().list_queues().get("QueueUrls") == [aws.queue_url]


def test_a_redelivered_message_does_its_work_once(production_env, celery_worker, smtp):
    worker = celery_worker(env=production_env, settings=PRODUCTION)
    # The second message repeats the first one's id, as SQS does when it redelivers a message
    # whose visibility timeout passed; with one worker slot the messages run in order.
    publish_from_web(production_env, "same-message", "same-message", "next-message")
    wait_until(lambda: "send_email[next-message] succeeded" in worker.output(), 60, "the third message to be done")
    worker.stop()
    assert sorted(m.get_content().strip() for m in smtp.messages) == ["next-message", "same-message"]
    assert "task same-message already completed: redelivered message skipped" in worker.output()


def test_queue_name_region_and_visibility_timeout_reach_the_transport(production_env, aws, monkeypatch):
    settings = load_settings(PRODUCTION, {**production_env, "SQS_QUEUE_VISIBILITY_TIMEOUT": "360"}, monkeypatch)
    app = Celery("transport-under-test", set_as_current=False)
    app.conf.update(
        broker_url=settings["CELERY_BROKER_URL"],
        broker_transport_options=settings["CELERY_BROKER_TRANSPORT_OPTIONS"],
        task_default_queue=settings["CELERY_TASK_DEFAULT_QUEUE"],
    )
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        assert channel.visibility_timeout == 360
        assert channel.region == aws.region
        assert channel.predefined_queues["panelapp"]["url"] == aws.queue_url
        with pytest.raises(UndefinedQueueException):
            channel._new_queue("some-other-queue")
    app.send_task("panelapp.tasks.ping")
    attributes = aws.sqs().get_queue_attributes(QueueUrl=aws.queue_url, AttributeNames=["ApproximateNumberOfMessages"])
    assert attributes["Attributes"]["ApproximateNumberOfMessages"] == "1"
    assert aws.sqs().list_queues()["QueueUrls"] == [aws.queue_url]


def test_another_queue_name_is_used_as_given(production_env, aws, monkeypatch):
    other = aws.sqs().create_queue(QueueName="panelapp-staging", Attributes={"VisibilityTimeout": "900"})["QueueUrl"]
    env = {**production_env, "TASK_QUEUE_NAME": "panelapp-staging", "SQS_QUEUE_VISIBILITY_TIMEOUT": "900"}
    settings = load_settings(PRODUCTION, env, monkeypatch)
    assert settings["CELERY_TASK_DEFAULT_QUEUE"] == "panelapp-staging"
    app = Celery("transport-under-test", set_as_current=False)
    app.conf.update(
        broker_url=settings["CELERY_BROKER_URL"],
        broker_transport_options=settings["CELERY_BROKER_TRANSPORT_OPTIONS"],
        task_default_queue="panelapp-staging",
    )
    with app.connection_for_write() as connection:
        assert connection.default_channel.visibility_timeout == 900
        assert connection.default_channel.predefined_queues["panelapp-staging"]["url"] == other


def test_a_mismatched_visibility_timeout_is_reported_not_papered_over(production_env, web_server, aws):
    import json

    from .conftest import HEALTH_TOKEN

    web = web_server({**production_env, "GUNICORN_WORKERS": "1", "SQS_QUEUE_VISIBILITY_TIMEOUT": "30"})
    status, _, body = web.get("/health/", headers={"X-Health-Token": HEALTH_TOKEN})
    report = json.loads(body)
    assert status == 503
    assert "VisibilityTimeout 360s but SQS_QUEUE_VISIBILITY_TIMEOUT is 30s" in report["checks"]["sqs"]["detail"]
    assert aws.sqs().list_queues()["QueueUrls"] == [aws.queue_url]
