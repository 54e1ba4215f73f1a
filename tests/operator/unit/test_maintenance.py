"""Maintenance: the standing read-only switch and banner, and the Maintenance migration strategy
(drain first: web read-only, worker and beat stopped; then migrate; the rollout leaves it)."""

from __future__ import annotations

from panelapp_operator import events, names, status, upgrade, validation
from panelapp_operator import spec as api
from panelapp_operator.render import env
from panelapp_operator.render.config import configuration
from tests.operator import samples
from tests.operator.unit.render_helpers import children
from tests.operator.unit.test_upgrade_gate import job

NOW = "2026-12-01T09:00:00Z"
CHILD = names.ChildNames("panelapp")


def config(spec, **kwargs):
    return env.config_map_data(validation.parse_spec(spec), **kwargs)


def test_the_configuration_only_changes_when_maintenance_or_a_banner_is_used():
    plain = config(samples.minimal_spec())
    assert not {"PANELAPP_READ_ONLY", "PANELAPP_READ_ONLY_MESSAGE", "PANELAPP_BANNER"} & set(plain)
    switched = config(
        samples.minimal_spec(
            maintenance={"enabled": True, "message": "Back at 10:00."}, banner="Release 5 on Saturday."
        )
    )
    assert (switched["PANELAPP_READ_ONLY"], switched["PANELAPP_READ_ONLY_MESSAGE"], switched["PANELAPP_BANNER"]) == (
        "True",
        "Back at 10:00.",
        "Release 5 on Saturday.",
    )
    assert config(samples.minimal_spec(), read_only=True)["PANELAPP_READ_ONLY"] == "True"


def test_a_read_only_configuration_is_the_configmap_and_the_pods_hash_alike():
    # A maintenance upgrade renders the read-only configuration although spec.maintenance is off:
    # the ConfigMap web rolls to must say read-only, not only its hash.
    spec = samples.minimal_spec()
    read_only = children(spec, read_only=True)
    assert read_only[("ConfigMap", "panelapp-config")]["data"]["PANELAPP_READ_ONLY"] == "True"
    writable = children(spec)
    assert "PANELAPP_READ_ONLY" not in writable[("ConfigMap", "panelapp-config")]["data"]
    hashes = {
        deployment["spec"]["template"]["metadata"]["annotations"][names.ANNOTATION_CONFIG_HASH]
        for rendered in (read_only, writable)
        for (kind, _), deployment in rendered.items()
        if kind == "Deployment"
    }
    expected = {configuration(validation.parse_spec(spec), {}, read_only=flag).hash for flag in (True, False)}
    assert hashes == expected and len(expected) == 2


def gate(*, drained, recorded=None, jobs=(), maintenance=True, current=samples.IMAGE):
    return upgrade.decide(
        upgrade.UpgradeInput(
            instance="panelapp",
            image=samples.NEXT_IMAGE,
            trigger=None,
            collectstatic=False,
            recorded=recorded,
            current_image=current,
            jobs={j["metadata"]["name"]: j for j in jobs},
            now=NOW,
            maintenance=maintenance,
            drained=drained,
        )
    )


def test_a_maintenance_upgrade_migrates_only_once_drained_and_the_rollout_leaves_it():
    draining = gate(drained=False)
    assert draining.upgrade.state == upgrade.DRAINING and draining.create == () and draining.maintenance
    assert draining.workload_image == samples.IMAGE
    assert gate(drained=False, recorded=draining.upgrade).create == ()  # still waiting

    migrating = gate(drained=True, recorded=draining.upgrade)
    assert migrating.upgrade.state == upgrade.MIGRATING and migrating.create == ("migrate",)
    assert migrating.maintenance

    key = migrating.upgrade.key
    done = gate(drained=False, recorded=migrating.upgrade, jobs=[job(CHILD.migration_job(key), key, "succeeded")])
    # Once migrated, draining is history: the rollout to the new release is writable again.
    assert done.upgrade.state == upgrade.ROLLING_OUT and not done.maintenance
    assert done.workload_image == samples.NEXT_IMAGE

    failed = gate(
        drained=True,
        recorded=migrating.upgrade,
        jobs=[job(CHILD.migration_job(key), key, "failed", "BackoffLimitExceeded")],
    )
    assert failed.upgrade.state == upgrade.UPGRADE_FAILED and failed.maintenance  # stays read-only
    assert not gate(
        drained=True, recorded=failed.upgrade, jobs=[job(CHILD.migration_job(key), key, "failed")], maintenance=False
    ).maintenance  # strategy Online lets the old release write again


def test_online_and_first_installs_never_drain():
    assert gate(drained=False, maintenance=False).create == ("migrate",)


def test_stopped_workers_have_no_autoscaler_and_beat_stops_too():
    spec = samples.minimal_spec(web={"autoscaling": {"enabled": True}}, worker={"autoscaling": {"enabled": True}})
    quiet = children(spec, quiesce=True)
    assert quiet[("Deployment", "panelapp-worker")]["spec"]["replicas"] == 0
    assert quiet[("Deployment", "panelapp-beat")]["spec"]["replicas"] == 0
    assert ("HorizontalPodAutoscaler", "panelapp-worker") not in quiet
    assert ("HorizontalPodAutoscaler", "panelapp-web") in quiet
    assert "replicas" not in quiet[("Deployment", "panelapp-web")]["spec"]
    # Leaving maintenance, an autoscaled worker restarts at its minimum, not at zero.
    back = children(spec, new_deployments=frozenset({"worker"}))
    assert back[("Deployment", "panelapp-worker")]["spec"]["replicas"] == 2
    assert back[("Deployment", "panelapp-beat")]["spec"]["replicas"] == 1


def build(decision, previous=None, read_only=None):
    return status.build_status(
        status.Facts(2, NOW, previous or api.PanelAppStatus(), upgrade=decision, components={}, read_only=read_only)
    )


def test_status_and_events_say_what_maintenance_does():
    draining = gate(drained=False)
    st = build(draining, read_only="Upgrade")
    by_type = {c.type: (c.status, c.reason) for c in st.conditions}
    assert st.phase == "Migrating" and by_type["Progressing"] == ("True", "Draining")
    assert by_type["Maintenance"] == ("True", "Upgrade")
    reasons = [e.reason for e in events.transition_events(api.PanelAppStatus(), st)]
    assert "DrainingStarted" in reasons and "MaintenanceStarted" in reasons and "MigrationStarted" not in reasons

    migrating = gate(drained=True, recorded=draining.upgrade)
    st2 = build(migrating, previous=st, read_only="Upgrade")
    assert [e.reason for e in events.transition_events(st, st2)] == ["MigrationStarted"]

    ended = build(
        upgrade.UpgradeDecision(
            upgrade=migrating.upgrade.model_copy(update={"state": "Succeeded"}), workload_image=samples.NEXT_IMAGE
        ),
        previous=st2,
    )
    assert {c.type: c.status for c in ended.conditions}["Maintenance"] == "False"
    assert "MaintenanceEnded" in [e.reason for e in events.transition_events(st2, ended)]
    # A PanelApp that never used maintenance carries no such condition at all.
    plain = build(
        upgrade.UpgradeDecision(
            upgrade=migrating.upgrade.model_copy(update={"state": "Succeeded"}), workload_image=samples.NEXT_IMAGE
        )
    )
    assert "Maintenance" not in {c.type for c in plain.conditions}
