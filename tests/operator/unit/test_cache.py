"""The watch cache: never goes back in time, holds no managedFields and no Secret data, and tells
drift (someone deleted a child) from our own deletions."""

from __future__ import annotations

from panelapp_operator import kinds, names
from panelapp_operator.cache import Cache


def body(name="panelapp-web", version="5", replicas_owner=None, **extra):
    managed = []
    if replicas_owner:
        managed.append(
            {
                "manager": replicas_owner,
                "operation": "Apply",
                "fieldsV1": {"f:spec": {"f:replicas": {}, "f:template": {}}},
            }
        )
    return {
        "metadata": {
            "name": name,
            "namespace": "ns",
            "resourceVersion": version,
            "managedFields": managed,
            "labels": {names.LABEL_INSTANCE: "panelapp"},
        },
        "spec": {},
        **extra,
    }


def test_newer_versions_replace_older_ones_but_not_the_reverse():
    cache = Cache()
    assert cache.put(kinds.DEPLOYMENT, body(version="5"))
    assert not cache.put(kinds.DEPLOYMENT, body(version="5"))  # our own write's echo: no news
    assert not cache.put(kinds.DEPLOYMENT, body(version="4"))
    assert cache.put(kinds.DEPLOYMENT, body(version="6"))
    assert cache.get(kinds.DEPLOYMENT, "ns", "panelapp-web")["metadata"]["resourceVersion"] == "6"


def test_managed_fields_are_dropped_but_replica_ownership_is_kept():
    cache = Cache()
    cache.put(kinds.DEPLOYMENT, body(replicas_owner=names.FIELD_MANAGER))
    entry = cache.entry(kinds.DEPLOYMENT, "ns", "panelapp-web")
    assert entry.owns_replicas and "managedFields" not in entry.body["metadata"]
    cache.put(kinds.DEPLOYMENT, body(version="9", replicas_owner="kube-controller-manager"))
    assert not cache.entry(kinds.DEPLOYMENT, "ns", "panelapp-web").owns_replicas


def test_secret_data_is_never_held():
    cache = Cache()
    cache.put(kinds.SECRET, body(name="s", data={"k": "c2VjcmV0"}, stringData={"k": "secret"}))
    assert set(cache.get(kinds.SECRET, "ns", "s")) == {"metadata", "spec"}


def test_children_are_listed_by_instance_and_kind():
    cache = Cache()
    cache.put(kinds.DEPLOYMENT, body())
    cache.put(kinds.JOB, body(name="panelapp-migrate-1"))
    assert [c["metadata"]["name"] for c in cache.children("ns", "panelapp", kinds.JOB)] == ["panelapp-migrate-1"]
    assert len(cache.children("ns", "panelapp")) == 2
    cache.delete(kinds.JOB, "ns", "panelapp-migrate-1")
    assert cache.children("ns", "panelapp", kinds.JOB) == []


def test_only_deletions_by_others_leave_a_tombstone():
    cache = Cache()
    cache.put(kinds.DEPLOYMENT, body())
    cache.delete(kinds.DEPLOYMENT, "ns", "panelapp-web")
    assert cache.was_deleted(kinds.DEPLOYMENT, "ns", "panelapp-web")
    cache.put(kinds.DEPLOYMENT, body(version="8"))
    assert not cache.was_deleted(kinds.DEPLOYMENT, "ns", "panelapp-web")
    cache.expect_deletion(kinds.DEPLOYMENT, "ns", "panelapp-web")
    cache.delete(kinds.DEPLOYMENT, "ns", "panelapp-web")
    assert not cache.was_deleted(kinds.DEPLOYMENT, "ns", "panelapp-web")
