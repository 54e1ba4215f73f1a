"""When does a child need a write? Only when we changed it or someone else did."""

from __future__ import annotations

import copy

from panelapp_operator import drift
from panelapp_operator.render import hashing
from tests.operator.unit.render_helpers import children


def web():
    return children()[("Deployment", "panelapp-web")]


def as_served(desired):
    """What the API server returns: our fields plus defaults, status and canonical quantities."""
    served = copy.deepcopy(desired)
    served["metadata"].update(uid="u", resourceVersion="7", generation=2)
    served["spec"]["progressDeadlineSeconds"] = 600
    pod = served["spec"]["template"]["spec"]
    pod.update(dnsPolicy="ClusterFirst", schedulerName="default-scheduler")
    container = pod["containers"][0]
    container["terminationMessagePath"] = "/dev/termination-log"
    container["env"].append({"name": "INJECTED_BY_A_WEBHOOK", "value": "1"})
    container["resources"]["limits"]["memory"] = "1024Mi"  # same quantity, other spelling
    served["status"] = {"replicas": 2}
    return served


def test_converged_child_needs_no_write():
    desired = web()
    assert drift.needs_apply(desired, as_served(desired)) is None


def test_missing_child():
    assert drift.needs_apply(web(), None) == drift.MISSING


def test_a_changed_desired_object_is_applied_even_if_it_only_drops_fields():
    desired = web()
    served = as_served(desired)
    smaller = copy.deepcopy(desired)
    del smaller["spec"]["template"]["spec"]["containers"][0]["lifecycle"]
    smaller = hashing.stamp_applied_hash(smaller)
    assert drift.needs_apply(smaller, served) == drift.CHANGED


def test_edits_of_our_fields_are_drift():
    desired = web()
    served = as_served(desired)
    served["spec"]["replicas"] = 7
    assert drift.needs_apply(desired, served) == "drifted at .spec.replicas"
    served = as_served(desired)
    served["spec"]["template"]["spec"]["containers"][0]["image"] = "evil:1"
    assert drift.needs_apply(desired, served) == "drifted at .spec.template.spec.containers[web].image"
    served = as_served(desired)
    del served["metadata"]["labels"]["app.kubernetes.io/instance"]
    assert drift.needs_apply(desired, served).startswith("drifted at .metadata.labels")


def test_a_removed_env_var_of_ours_is_drift():
    desired = web()
    served = as_served(desired)
    served["spec"]["template"]["spec"]["containers"][0]["env"] = [
        v for v in served["spec"]["template"]["spec"]["containers"][0]["env"] if v["name"] != "SECRET_KEY"
    ]
    assert drift.needs_apply(desired, served) == "drifted at .spec.template.spec.containers[web].env[SECRET_KEY]"


def test_atomic_lists_must_match_exactly():
    desired = web()
    served = as_served(desired)
    served["spec"]["template"]["spec"]["containers"][0]["command"] = ["panelapp-web", "--debug"]
    assert drift.needs_apply(desired, served) == "drifted at .spec.template.spec.containers[web].command"


def test_quantities_compare_by_value():
    assert drift.first_difference({"cpu": "0.5"}, {"cpu": "500m"}) is None
    assert drift.first_difference({"cpu": 1}, {"cpu": "1"}) is None
    assert drift.first_difference({"cpu": "1"}, {"cpu": "2"}) == ".cpu"
    assert drift.first_difference({"flag": True}, {"flag": 1}) == ".flag"
    assert drift.first_difference({"port": "http"}, {"port": "https"}) == ".port"
