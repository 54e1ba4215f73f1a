"""Figure: tasks per second through SQS (moto server) executed by one panelapp-worker of
concurrency 2 (docker-aws settings).

The clock starts when the worker is consuming and the first message is sent, and stops when the
worker has logged the last task as succeeded. ``panelapp.tasks.ping`` does no I/O, so the figure is
the cost of the broker round trips and Celery itself.

    .venv/bin/python bench/app/sqs_tasks.py [tasks]
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from support import PLACEHOLDER_ENV, VENV_BIN, free_port, process_env, stop


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto logs every request otherwise
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    sqs = boto3.client(
        "sqs",
        region_name="eu-west-2",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    queue_url = sqs.create_queue(QueueName="panelapp", Attributes={"VisibilityTimeout": "360"})["QueueUrl"]
    env = {
        **PLACEHOLDER_ENV,
        "AWS_ENDPOINT_URL": endpoint,
        "DJANGO_LOG_LEVEL": "INFO",
        "SQS_QUEUE_URL": queue_url,
        "BROKER_POLLING_INTERVAL": "0",
    }
    # The worker keeps its own copy of the log's descriptor; the bench reads the file by name.
    with tempfile.NamedTemporaryFile(prefix="bench-worker-", suffix=".log", delete=False) as log_file:
        worker = subprocess.Popen(
            [str(VENV_BIN / "panelapp-worker"), "--concurrency=2"],
            env=process_env(env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    log = Path(log_file.name)
    try:
        while "ready." not in log.read_text():
            if worker.poll() is not None:
                raise SystemExit(log.read_text())
            time.sleep(0.1)
        for name, value in env.items():
            os.environ[name] = value
        from celery import Celery

        from runtime.sqs import transport_options

        app = Celery("bench", set_as_current=False)
        app.conf.update(
            broker_url="sqs://",
            task_default_queue="panelapp",
            broker_transport_options=transport_options(
                queue_name="panelapp",
                region="eu-west-2",
                visibility_timeout=360,
                polling_interval=0,
                queue_url=queue_url,
            ),
        )
        started = time.perf_counter()
        for _ in range(count):
            app.send_task("panelapp.tasks.ping")
        sent = time.perf_counter() - started
        while log.read_text().count("succeeded in") < count:
            if time.perf_counter() - started > 600:
                raise SystemExit("the worker did not finish within 10 minutes")
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        stop(worker)
        moto.stop()
        log.unlink()
    print(
        f"{count} tasks through SQS (moto) on 1 worker, concurrency 2: {count / elapsed:.1f} tasks/s "
        f"({elapsed:.1f} s end to end; sending alone {count / sent:.0f} tasks/s)"
    )


if __name__ == "__main__":
    main()
