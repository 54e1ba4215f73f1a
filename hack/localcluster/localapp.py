"""A PanelApp that runs on the real node against local services: what the real-pods tests and the
demo share.

`PodNetworkServices` starts PostgreSQL, moto (S3, SQS) and an SMTP sink on the pod network's gateway
address (and PostgreSQL on loopback too, for the host's own checks), so pods reach them and nothing
else. `InstanceResources` makes one instance's database, buckets and queue; `panelapp_spec` is the
PanelApp spec that uses them.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .postgres import PostgresServer, free_port, start_postgres

if TYPE_CHECKING:
    import psycopg2.extensions

AWS_REGION = "eu-west-2"
#: Short, so a task whose worker died is redelivered within the tests' patience; the queue and the
#: spec must agree on it (Celery would otherwise try to create another queue).
VISIBILITY_TIMEOUT_SECONDS = 30
#: Requests small enough that a rollout's surge of pods fits the node's two cores.
SMALL_RESOURCES = {"requests": {"cpu": "20m", "memory": "64Mi"}, "limits": {"memory": "768Mi"}}


@dataclasses.dataclass
class PodNetworkServices:
    gateway: str
    postgres: PostgresServer
    moto_endpoint: str
    smtp_port: int
    _stops: list[Callable[[], None]]

    @classmethod
    def start(cls, workdir: Path, gateway: str, pod_subnet: str, smtp_handler: Any) -> PodNetworkServices:
        """`smtp_handler` is an aiosmtpd handler (its `handle_DATA` receives every message)."""
        from aiosmtpd.controller import Controller
        from moto.server import ThreadedMotoServer

        stops: list[Callable[[], None]] = []
        try:
            postgres, stop_postgres = start_postgres(
                workdir / "postgres", listen=("127.0.0.1", gateway), allow_networks=(pod_subnet,)
            )
            stops.append(stop_postgres)
            logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto logs every request at INFO
            moto_port = free_port()
            moto = ThreadedMotoServer(ip_address=gateway, port=moto_port, verbose=False)
            moto.start()
            stops.append(moto.stop)
            smtp = Controller(smtp_handler, hostname=gateway, port=free_port())
            smtp.start()
            stops.append(smtp.stop)
        except BaseException:
            for stop in reversed(stops):
                stop()
            raise
        return cls(gateway, postgres, f"http://{gateway}:{moto_port}", smtp.port, stops)

    def stop(self) -> None:
        for stop in reversed(self._stops):
            try:
                stop()
            except Exception:
                logging.getLogger(__name__).warning("a local service did not stop cleanly", exc_info=True)
        self._stops.clear()

    def boto(self, service: str) -> Any:
        """A boto3 client on the local moto server (Any: boto3 ships no type information)."""
        import boto3

        return boto3.client(
            service,
            region_name=AWS_REGION,
            endpoint_url=self.moto_endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def connect(self, database: str | None = None) -> psycopg2.extensions.connection:
        import psycopg2

        return psycopg2.connect(
            host="127.0.0.1",
            port=self.postgres.port,
            user=self.postgres.user,
            password=self.postgres.password,
            dbname=database or self.postgres.dbname,
            connect_timeout=5,
        )

    def make_instance(self, name: str) -> InstanceResources:
        """A database, two buckets and a queue of its own for the instance `name`."""
        resources = InstanceResources(
            database=name.replace("-", "_"), static_bucket=f"{name}-static", media_bucket=f"{name}-media", queue=name
        )
        connection = self.connect()
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{resources.database}"')
        finally:
            connection.close()
        s3 = self.boto("s3")
        for bucket in (resources.static_bucket, resources.media_bucket):
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": AWS_REGION})
        self.boto("sqs").create_queue(
            QueueName=resources.queue, Attributes={"VisibilityTimeout": str(VISIBILITY_TIMEOUT_SECONDS)}
        )
        return resources


@dataclasses.dataclass(frozen=True)
class InstanceResources:
    database: str
    static_bucket: str
    media_bucket: str
    queue: str


#: The Secrets `panelapp_spec` refers to; `secrets()` gives their data.
DATABASE_SECRET, AWS_SECRET = "panelapp-database", "panelapp-aws"


def secrets(services: PodNetworkServices) -> dict[str, dict[str, str]]:
    return {
        DATABASE_SECRET: {"password": services.postgres.password},
        AWS_SECRET: {"access-key-id": "testing", "secret-access-key": "testing"},
    }


def panelapp_spec(
    services: PodNetworkServices,
    resources: InstanceResources,
    image: str,
    *,
    host: str,
    base_url: str,
    extra_hosts: tuple[str, ...] = (),
    web_replicas: int = 2,
    static_domain: str | None = None,
    media_domain: str | None = None,
    env: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """A PanelApp on the real node against `services`. The pull policy is Never: every image is
    imported into the node, and nothing is ever pulled from outside."""
    endpoint = services.moto_endpoint
    return {
        "image": image,
        "imagePullPolicy": "Never",
        "allowedHosts": [host, *extra_hosts],
        "baseURL": base_url,
        "aws": {
            "region": AWS_REGION,
            "accessKeyIDSecretRef": {"name": AWS_SECRET, "key": "access-key-id"},
            "secretAccessKeySecretRef": {"name": AWS_SECRET, "key": "secret-access-key"},
        },
        "storage": {
            "staticBucket": resources.static_bucket,
            "mediaBucket": resources.media_bucket,
            "staticDomain": static_domain or f"static.{host}",
            "mediaDomain": media_domain or f"media.{host}",
        },
        "queue": {"name": resources.queue, "visibilityTimeoutSeconds": VISIBILITY_TIMEOUT_SECONDS},
        "database": {
            "host": services.gateway,
            "port": services.postgres.port,
            "name": resources.database,
            "user": services.postgres.user,
            "passwordSecretRef": {"name": DATABASE_SECRET, "key": "password"},
        },
        "email": {
            "host": services.gateway,
            "port": services.smtp_port,
            "useTLS": False,
            "fromAddress": f"panelapp@{host}",
            "panelappAddress": f"curators@{host}",
        },
        # The AWS SDK's own endpoint override sends S3 and SQS to moto on the gateway.
        "env": [
            {"name": "AWS_ENDPOINT_URL", "value": endpoint},
            {"name": "AWS_S3_ENDPOINT_URL", "value": endpoint},
            *(env or []),
        ],
        "web": {
            "replicas": web_replicas,
            "resources": SMALL_RESOURCES,
            "gunicorn": {"workers": 2},
            "preStopSleepSeconds": 5,
            "terminationGracePeriodSeconds": 40,
        },
        "worker": {"resources": SMALL_RESOURCES},
        "beat": {"resources": SMALL_RESOURCES},
        "migrations": {"resources": SMALL_RESOURCES, "timeoutSeconds": 300},
        "collectstatic": {"resources": SMALL_RESOURCES},
    }
