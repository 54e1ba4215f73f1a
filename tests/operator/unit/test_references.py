"""Referenced Secrets and ConfigMaps: who references what, and the metadata watches that turn a
rotation into a reconcile of exactly the PanelApps that use it."""

from __future__ import annotations

from panelapp_operator import kinds
from panelapp_operator.controller import Controller
from panelapp_operator.kube import ApiError
from panelapp_operator.references import ReferenceIndex, ReferenceWatcher

PA = "PanelApp"


def test_the_index_follows_each_owner_s_latest_references():
    index = ReferenceIndex()
    index.set("ns", (PA, "a"), {("Secret", "db"), ("ConfigMap", "extra")})
    index.set("ns", (PA, "b"), {("Secret", "db")})
    assert sorted(index.referrers("Secret", "ns", "db")) == [(PA, "a"), (PA, "b")]
    assert index.referrers("Secret", "other", "db") == []
    assert index.referrers("ConfigMap", "ns", "db") == []

    index.set("ns", (PA, "a"), {("Secret", "db2")})  # the spec now names another Secret
    assert index.referrers("Secret", "ns", "db") == [(PA, "b")]
    assert index.referrers("ConfigMap", "ns", "extra") == []
    assert index.referrers("Secret", "ns", "db2") == [(PA, "a")]

    index.forget("ns", (PA, "b"))
    assert index.referrers("Secret", "ns", "db") == []


class FakeKube:
    """list_metadata/watch_metadata from scripted rounds; each watch round is a list of events
    or an ApiError to raise. Stops the watcher when the script runs out."""

    def __init__(self, lists, watches, watcher_stop):
        self.lists, self.watches, self.watcher_stop = list(lists), list(watches), watcher_stop
        self.forgotten = []

    def list_metadata(self, kind, namespace):
        items = self.lists.pop(0)
        return [{"namespace": "ns", "name": n, "resourceVersion": v} for n, v in items.items()], "100"

    def watch_metadata(self, kind, namespace, version, timeout):
        if not self.watches:
            self.watcher_stop()
            return
        round_ = self.watches.pop(0)
        if isinstance(round_, Exception):
            raise round_
        for event_type, name, rv in round_:
            yield event_type, {"namespace": "ns", "name": name, "resourceVersion": rv}

    def forget_reference(self, kind, namespace, name):
        self.forgotten.append((kind.kind, namespace, name))


def run_watcher(lists, watches):
    changes = []
    holder = {}
    kube = FakeKube(lists, watches, lambda: holder["w"].stop())
    watcher = ReferenceWatcher(kube, ["ns"], lambda kind, ns, name: changes.append((kind.kind, name)))
    holder["w"] = watcher
    watcher._run(kinds.SECRET, "ns")
    return changes


def test_the_watch_reports_changes_but_not_the_initial_list_or_repeats():
    changes = run_watcher(
        lists=[{"db": "1", "other": "2"}],
        watches=[
            [
                ("ADDED", "db", "1"),  # replayed at the version listed: not news
                ("MODIFIED", "db", "5"),
                ("BOOKMARK", "", "6"),
                ("ADDED", "new", "7"),
                ("DELETED", "other", "8"),
            ]
        ],
    )
    assert changes == [("Secret", "db"), ("Secret", "new"), ("Secret", "other")]


def test_after_an_expired_watch_the_relist_reports_what_changed_meanwhile():
    gone = ApiError(410, "Expired", "too old resource version", "WATCH", "/api/v1/namespaces/ns/secrets")
    changes = run_watcher(
        lists=[{"db": "1", "same": "2", "dropped": "3"}, {"db": "9", "same": "2", "created": "10"}],
        watches=[gone],
    )
    assert sorted(changes) == [("Secret", "created"), ("Secret", "db"), ("Secret", "dropped")]


def test_a_change_queues_only_the_panelapps_that_reference_it_and_drops_cached_facts():
    kube = FakeKube([], [], lambda: None)
    controller = Controller(kube, watch_references=False)  # type: ignore[arg-type]  # a stand-in Kube: only what this test calls
    controller.references.set("ns", (PA, "uses-db"), {("Secret", "db")})
    controller.references.set("ns", (PA, "other"), {("Secret", "smtp")})

    controller.on_reference_change(kinds.SECRET, "ns", "db")
    controller.on_reference_change(kinds.SECRET, "ns", "helm-release")  # nobody's: ignored
    controller.on_reference_change(kinds.CONFIG_MAP, "ns", "db")  # same name, other kind: ignored

    taken = []
    while (key := controller.queue.get(timeout=0.3)) is not None:
        taken.append(key)
        controller.queue.done(key)
    assert taken == [("ns", "uses-db")]
    assert kube.forgotten == [("Secret", "ns", "db")]
