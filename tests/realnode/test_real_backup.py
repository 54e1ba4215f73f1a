"""A backup before a migration and a restore from it, run for real: the image's own pg_dump and
pg_restore in real pods, against PostgreSQL on the pod network and a moto S3 bucket.

What a platform engineer relies on: the dump in S3 is a real custom-format dump of the database
as it was before the migration, the PanelApp's status says where it is and how big, and a
`restore` task brings the data back after it was lost.
"""

from __future__ import annotations

import time

from localcluster.localapp import AWS_REGION
from tests.operator.cluster.support import wait_for
from tests.operator.cluster.test_tasks import create_task, task_jobs, task_status
from tests.realnode.support import Instance, NodeImages


def _panel_count(instance: Instance) -> int:
    return instance.sql("SELECT count(*) FROM panels_genepanel")[0][0]


def test_an_upgrade_is_preceded_by_a_real_dump_that_a_restore_task_brings_back(instance: Instance):
    bucket = f"{instance.namespace}-backups"
    s3 = instance.services.boto("s3")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": AWS_REGION})
    spec = instance.spec(NodeImages.V1)
    spec["migrations"] = {**spec["migrations"], "backup": {"bucket": bucket, "keep": 2}}
    instance.kube.create_panelapp(spec)
    instance.wait_ready(NodeImages.V1)
    instance.exec_web("panelapp-manage", "load_demo_data")
    panels_before = _panel_count(instance)
    assert panels_before > 0

    started = time.monotonic()
    instance.set_image(NodeImages.V2)
    instance.wait_ready(NodeImages.V2)
    upgrade_seconds = time.monotonic() - started

    # The status records the dump: where it is, how big, how long it took.
    # (Newest first; the install's own first migration was preceded by a dump of the empty database.)
    record = instance.kube.status()["backups"][0]
    assert record["image"] == NodeImages.V2, record
    assert record["objectKey"].startswith(f"s3://{bucket}/"), record
    key = record["objectKey"].removeprefix(f"s3://{bucket}/")
    head = s3.head_object(Bucket=bucket, Key=key)
    assert head["ContentLength"] == record["sizeBytes"] > 10_000, (head["ContentLength"], record)
    # pg_dump's custom format starts with its magic; this is a dump pg_restore reads.
    assert s3.get_object(Bucket=bucket, Key=key, Range="bytes=0-4")["Body"].read() == b"PGDMP"
    assert 0 < record["durationSeconds"] < upgrade_seconds
    # The dump was taken before the migration: v2's migration ran after it, exactly once.
    assert instance.table_exists("panels_upgrade_probe")

    # The data is lost; the documented path brings it back: maintenance, then a restore task.
    instance.sql("TRUNCATE panels_genepanel CASCADE")
    assert _panel_count(instance) == 0
    instance.kube.patch_spec({"maintenance": {"enabled": True}})
    create_task(
        instance.kube, "restore-before-v2", {"command": "restore", "restore": {"upgradeKey": record["upgradeKey"]}}
    )
    finished = wait_for(
        lambda: (
            task_status(instance.kube, "restore-before-v2").get("phase") in ("Succeeded", "Failed")
            and task_status(instance.kube, "restore-before-v2")
        ),
        "the restore task to finish",
        timeout=300,
        describe=instance.describe,
    )
    assert finished["phase"] == "Succeeded", finished
    [job] = task_jobs(instance.kube, "restore-before-v2")
    assert job.spec.template.spec.containers[0].command == ["panelapp-restore", f"--object={record['objectKey']}"]
    assert _panel_count(instance) == panels_before
    # The database password never reaches what the task reports.
    assert instance.services.postgres.password not in str(finished)
