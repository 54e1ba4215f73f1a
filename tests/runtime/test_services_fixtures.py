"""The shared service fixtures start real components that the app can use."""

import pytest
from django.db import connection

pytestmark = pytest.mark.postgres


@pytest.mark.django_db
def test_django_tests_run_on_the_fixture_postgresql(postgres_server):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), inet_server_port(), version()")
        name, port, version = cursor.fetchone()
    assert name == f"test_{postgres_server.dbname}"
    assert port == postgres_server.port
    assert version.startswith("PostgreSQL 15")


def test_postgres_url_connects(postgres_server):
    import psycopg2

    with psycopg2.connect(postgres_server.url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == postgres_server.user


def test_aws_fixture_creates_buckets_and_queue(aws):
    assert {b["Name"] for b in aws.s3().list_buckets()["Buckets"]} == {aws.static_bucket, aws.media_bucket}
    attributes = aws.sqs().get_queue_attributes(QueueUrl=aws.queue_url, AttributeNames=["VisibilityTimeout"])
    assert attributes["Attributes"]["VisibilityTimeout"] == "360"


def test_smtp_sink_keeps_messages(smtp):
    import smtplib

    with smtplib.SMTP(smtp.host, smtp.port) as client:
        client.sendmail("a@example.org", ["b@example.org"], "Subject: hello\r\n\r\nbody")
    [message] = smtp.wait_for(1)
    assert message["Subject"] == "hello"


def test_alb_key_endpoint_serves_the_pem(alb_keys):
    import urllib.request

    with urllib.request.urlopen(alb_keys.endpoint + alb_keys.kid) as response:
        assert response.read() == alb_keys.public_pem
    token = alb_keys.mint("x@example.org")
    assert all(segment.endswith("=") or len(segment) % 4 == 0 for segment in token.split("."))


@pytest.mark.django_db(transaction=True)
def test_tasks_over_sqs_reach_a_worker_on_the_test_settings(tasks_over_sqs, celery_worker, aws):
    from runtime.tasks import ping
    from tests.fixtures.services import wait_until, worker_database_env

    worker = celery_worker(env=worker_database_env())
    result = ping.delay()
    wait_until(lambda: result.id in worker.output() and "pong" in worker.output(), 60, "the worker to run ping")
    assert aws.sqs().list_queues()["QueueUrls"] == [aws.queue_url]
