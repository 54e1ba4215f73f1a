"""Upstream images: per-component image, command and args, settable Job commands, and the migration
gate covering a component's own image like the main one."""

from __future__ import annotations

from panelapp_operator import names, upgrade, validation
from panelapp_operator.render import render_for_review
from tests.operator import samples
from tests.operator.unit.render_helpers import children, container

GE_WEB = "registry.example.org/genomicsengland/panelapp-web:3.1.1"
GE_WORKER = "registry.example.org/genomicsengland/panelapp-worker:3.1.1"


def rendered_example() -> dict[tuple[str, str], dict]:
    spec = validation.parse_spec(samples.example_panelapp("upstream-images.yaml")["spec"])
    return {
        (
            obj["kind"],
            obj["metadata"]["name"].rsplit("-", 1)[0] if obj["kind"] == "Job" else obj["metadata"]["name"],
        ): obj
        for obj in render_for_review(spec, "panelapp", "panelapp")
    }


def test_the_upstream_example_keeps_the_images_own_entrypoints():
    rendered = rendered_example()
    web, worker = (
        container(rendered[("Deployment", "panelapp-web")]),
        container(rendered[("Deployment", "panelapp-worker")]),
    )
    assert web["image"] == GE_WEB and worker["image"] == GE_WORKER
    for app in (web, worker):
        assert "command" not in app and "args" not in app  # the image's ENTRYPOINT runs unchanged
    beat = container(rendered[("Deployment", "panelapp-beat")])
    assert beat["image"] == GE_WORKER
    assert beat["command"][:4] == ["celery", "--app", "panelapp", "beat"]
    migrate, collect = (container(rendered[("Job", f"panelapp-{step}")]) for step in ("migrate", "collectstatic"))
    assert migrate["image"] == collect["image"] == GE_WEB
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert collect["command"] == ["python", "manage.py", "collectstatic", "--noinput"]
    # Everything else the operator promises still holds for the foreign images.
    assert web["readinessProbe"]["httpGet"]["path"] == "/version/"
    assert {var["name"] for var in web["env"]} >= {"SECRET_KEY", "DATABASE_PASSWORD", "GUNICORN_WORKERS"}
    assert web["securityContext"]["readOnlyRootFilesystem"] is True


def test_args_follow_the_operator_s_command_and_a_command_replaces_it():
    spec = samples.minimal_spec(
        web={"args": ["--access-logfile=-"]},
        worker={"command": ["celery", "--app=panelapp", "worker"], "args": ["-Q", "bulk"]},
    )
    rendered = children(spec)
    web = container(rendered[("Deployment", "panelapp-web")])
    assert (web["command"], web["args"]) == (["panelapp-web"], ["--access-logfile=-"])
    worker = container(rendered[("Deployment", "panelapp-worker")])
    assert (worker["command"], worker["args"]) == (["celery", "--app=panelapp", "worker"], ["-Q", "bulk"])


def gate(spec_images, current_images, jobs=None, recorded=None):
    key = names.upgrade_key(samples.NEXT_IMAGE, None, spec_images)
    return key, upgrade.decide(
        upgrade.UpgradeInput(
            instance="panelapp",
            image=samples.NEXT_IMAGE,
            trigger=None,
            collectstatic=False,
            recorded=recorded,
            current_image=samples.IMAGE,
            jobs=jobs or {},
            now="2026-12-01T09:00:00Z",
            component_images=spec_images,
            current_component_images=current_images,
        )
    )


def test_a_new_component_image_is_migrated_before_that_component_moves():
    old, new = {"worker": "registry.example.org/worker:1"}, {"worker": "registry.example.org/worker:2"}
    key, migrating = gate(new, old)
    assert migrating.create == ("migrate",)
    assert dict(migrating.workload_component_images) == old  # workers stay where they were
    assert migrating.workload_image == samples.IMAGE

    job = {
        "metadata": {"name": f"panelapp-migrate-{key}", "labels": {names.LABEL_UPGRADE_KEY: key}},
        "status": {"conditions": [{"type": "Complete", "status": "True"}]},
    }
    _, done = gate(new, old, jobs={job["metadata"]["name"]: job}, recorded=migrating.upgrade)
    assert done.upgrade.state == upgrade.ROLLING_OUT
    assert dict(done.workload_component_images) == new and done.workload_image == samples.NEXT_IMAGE


def test_the_upgrade_key_covers_component_images_and_is_unchanged_without_them():
    plain = names.upgrade_key(samples.IMAGE, "t")
    assert names.upgrade_key(samples.IMAGE, "t", {}) == plain  # existing installations migrate nothing new
    assert names.upgrade_key(samples.IMAGE, "t", {"worker": GE_WORKER}) != plain
    assert names.upgrade_key(samples.IMAGE, "t", {"worker": GE_WORKER}) != names.upgrade_key(
        samples.IMAGE, "t", {"beat": GE_WORKER}
    )
