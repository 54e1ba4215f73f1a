"""PanelAppTask: the allow-list against the image, the Job it renders, and the reconcile that refuses
bad input before anything runs and mirrors the Job into the status."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from panelapp_operator import kinds, logtail, task_spec
from panelapp_operator import spec as api
from panelapp_operator.cache import Cache
from panelapp_operator.kube import ApiError, ReferenceFacts
from panelapp_operator.references import ReferenceIndex
from panelapp_operator.render import tasks as task_render
from panelapp_operator.tasks import TaskReconciler
from runtime import contract
from tests.operator import samples
from tests.operator.unit.render_helpers import env_of, render_input

APP = samples.REPO / "app"
TASK_UID = "5f1d2c3b-aaaa-bbbb-cccc-000000000001"
RECORDED = [
    api.BackupRecord(
        upgrade_key="abcd1234",
        job="panelapp-backup-abcd1234",
        image=samples.IMAGE,
        object_key="s3://panelapp-db-backups/dumps/ns/panelapp/20261201T090000Z-abcd1234.dump",
    )
]
PANELAPP_UID = "0a1b2c3d-uid"


def task_body(**spec):
    return {
        "apiVersion": "panelapp.org/v1alpha1",
        "kind": "PanelAppTask",
        "metadata": {"name": "admin", "namespace": "ns", "uid": TASK_UID, "generation": 1},
        "spec": {"panelApp": "panelapp", **spec},
    }


def parse(**spec):
    return task_spec.PanelAppTaskSpec.model_validate(task_body(**spec)["spec"])


def management_commands() -> set[str]:
    return {path.stem for path in APP.glob("*/management/commands/*.py") if not path.stem.startswith("_")}


# --- the allow-list is what the image can run -------------------------------------------------


@pytest.mark.parametrize("command", task_spec.COMMANDS)
def test_every_allowed_command_exists_in_the_image_or_is_refused(command):
    extra = {
        "load-genes": {"loadGenes": {"source": {"key": "genes.json.gz"}}},
        "create-superuser": {"createSuperuser": {"secretName": "admin"}},
        "restore": {"restore": {"upgradeKey": "abcd1234"}},
        "mirror": {"mirror": {"source": "https://panelapp.example.org"}},
    }.get(command, {})
    planned = task_render.command_of(parse(command=command, **extra), "media-bucket", RECORDED)
    if planned.missing:
        # Refused exactly when the app really lacks it.
        assert command.replace("-", "_") not in management_commands() and f"panelapp-{command}" not in {
            c.name for c in contract.COMMANDS
        }
        return
    assert contract.command(planned.argv[0])  # a console command of the image
    if planned.argv[0] == "panelapp-manage":
        django_builtin = {"createsuperuser"}
        assert planned.argv[1] in management_commands() | django_builtin, planned.argv


def test_load_genes_reads_from_the_media_bucket_unless_told_otherwise():
    assert (
        task_render.command_of(
            parse(command="load-genes", loadGenes={"source": {"key": "g/genes.json.gz"}}), "media"
        ).argv[-1]
        == "s3://media/g/genes.json.gz"
    )
    other = parse(command="load-genes", loadGenes={"source": {"bucket": "genes-bucket", "key": "genes.json"}})
    assert task_render.command_of(other, "media").argv[-1] == "s3://genes-bucket/genes.json"


@pytest.mark.parametrize(
    "spec, words",
    [
        ({"command": "load-genes"}, "needs loadGenes"),
        ({"command": "create-superuser"}, "needs createSuperuser"),
        ({"command": "check", "createSuperuser": {"secretName": "admin"}}, "only for the create-superuser"),
        ({"command": "drop-database"}, "Input should be"),
        ({"command": "load-genes", "loadGenes": {"source": {"key": "genes.json; rm -rf /"}}}, "pattern"),
    ],
)
def test_the_models_refuse_bad_tasks(spec, words):
    with pytest.raises(ValidationError, match=words):
        parse(**spec)


# --- the Job -------------------------------------------------------------------------------


def test_the_job_runs_with_the_panelapp_s_image_environment_and_identity():
    spec = parse(command="create-superuser", createSuperuser={"secretName": "admin-login", "passwordKey": "pw"})
    inp = render_input(uid=None)
    job = task_render.render_task_job(
        inp,
        task_name="admin",
        task_uid=TASK_UID,
        spec=spec,
        image=samples.IMAGE,
        command=task_render.command_of(spec, "media"),
    )
    pod = job["spec"]["template"]["spec"]
    assert job["metadata"]["name"] == "admin-5f1d2c3b"
    assert job["metadata"]["ownerReferences"][0] | {"uid": None} == {
        "apiVersion": "panelapp.org/v1alpha1",
        "kind": "PanelAppTask",
        "name": "admin",
        "uid": None,
        "controller": True,
        "blockOwnerDeletion": True,
    }
    assert pod["serviceAccountName"] == "panelapp" and pod["restartPolicy"] == "Never"
    assert pod["containers"][0]["image"] == samples.IMAGE
    assert pod["containers"][0]["command"] == ["panelapp-manage", "createsuperuser", "--noinput"]
    variables = env_of(job)
    assert variables["DJANGO_SUPERUSER_PASSWORD"] == {
        "name": "DJANGO_SUPERUSER_PASSWORD",
        "valueFrom": {"secretKeyRef": {"name": "admin-login", "key": "pw"}},
    }
    assert "DATABASE_PASSWORD" in variables and "SECRET_KEY" in variables  # the instance's environment
    assert pod["containers"][0]["envFrom"][0] == {"configMapRef": {"name": "panelapp-config"}}
    assert job["spec"]["backoffLimit"] == 0
    assert job["metadata"]["labels"][task_render.LABEL_TASK] == "admin"
    assert job["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"] == "task"


# --- the reconcile --------------------------------------------------------------------------


class FakeKube:
    def __init__(self, secrets=None, log_text="line one\n"):
        self.secrets = secrets or {}
        self.created, self.statuses, self.events, self.owners = [], [], [], []
        self.log_text = log_text
        self.objects = {}

    def get(self, kind, namespace, name):
        return copy.deepcopy(self.objects.get((kind.kind, name)))

    def reference(self, kind, namespace, name):
        keys = self.secrets.get(name)
        return None if keys is None else ReferenceFacts("1", frozenset(keys))

    def create(self, manifest):
        key = (manifest["kind"], manifest["metadata"]["name"])
        if key in self.objects:
            raise ApiError(409, "AlreadyExists", "exists", "POST", "/jobs")
        self.created.append(manifest)
        self.objects[key] = copy.deepcopy(manifest)
        return copy.deepcopy(manifest)

    def patch_owner(self, kind, namespace, name, owners):
        self.owners.append(owners)
        body = self.objects[(kind.kind, name)]
        body["metadata"]["ownerReferences"] = owners
        return copy.deepcopy(body)

    def patch_status(self, namespace, name, patch, kind):
        body = self.objects[(kind.kind, name)]
        body["metadata"]["resourceVersion"] = str(int(body["metadata"].get("resourceVersion", "1")) + 1)
        status = body.setdefault("status", {})
        for key, value in patch.items():
            if value is None:
                status.pop(key, None)
            else:
                status[key] = value
        self.statuses.append(copy.deepcopy(status))
        return copy.deepcopy(body)

    def post_event(self, involved, type_, reason, message):
        self.events.append((type_, reason, message))

    def pod_log(self, namespace, pod, tail_lines):
        return self.log_text


def panelapp_body(image=samples.IMAGE):
    return {
        "apiVersion": "panelapp.org/v1alpha1",
        "kind": "PanelApp",
        "metadata": {"name": "panelapp", "namespace": "ns", "uid": PANELAPP_UID, "generation": 3},
        "spec": samples.minimal_spec(),
        "status": {"image": image} if image else {},
    }


def setup(task, panelapp=True, secrets=None, **kube_args):
    kube = FakeKube(secrets={"panelapp-database": {"password"}, **(secrets or {})}, **kube_args)
    cache = Cache()
    if panelapp:
        app = panelapp_body() if panelapp is True else panelapp
        kube.objects[("PanelApp", "panelapp")] = app
        cache.put(kinds.PANELAPP, app)
    task["metadata"]["resourceVersion"] = "1"
    kube.objects[("PanelAppTask", "admin")] = task
    cache.put(kinds.PANELAPP_TASK, task)
    return kube, cache, TaskReconciler(kube, cache, ReferenceIndex(), clock=lambda: "2026-12-01T09:00:00Z")


def status_of(kube):
    return kube.objects[("PanelAppTask", "admin")].get("status") or {}


def test_a_task_for_a_missing_panelapp_waits_and_says_so():
    kube, cache, tasks = setup(task_body(command="check"), panelapp=False)
    assert tasks.reconcile("ns", "admin") == 10.0
    status = status_of(kube)
    assert (status["phase"], status["reason"]) == ("Pending", "PanelAppNotFound")
    assert "spec.panelApp: PanelApp 'panelapp' not found" in status["message"]
    assert kube.created == [] and kube.events[0][:2] == ("Warning", "PanelAppNotFound")
    tasks.reconcile("ns", "admin")
    assert len(kube.events) == 1 and len(kube.statuses) == 1  # waiting again posts and writes nothing


def test_mirror_runs_the_apps_mirror_command_from_the_source():
    planned = task_render.command_of(
        parse(command="mirror", mirror={"source": "https://panelapp.genomicsengland.co.uk", "full": True}), "media"
    )
    assert planned.argv == ("panelapp-manage", "mirror", "--from", "https://panelapp.genomicsengland.co.uk", "--full")
    assert task_render.command_of(parse(command="mirror", mirror={"source": "http://a.example"}), "m").argv[-1] == (
        "http://a.example"
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"command": "mirror"}, "mirror needs mirror.source"),
        ({"command": "check", "mirror": {"source": "https://a.example"}}, "mirror is only for the mirror command"),
        ({"command": "mirror", "mirror": {"source": "ftp://a.example"}}, "mirror.source"),
    ],
)
def test_bad_mirror_arguments_are_refused_by_the_schema(spec, message):
    with pytest.raises(ValueError, match=message):
        parse(**spec)


def test_a_missing_credentials_secret_or_key_holds_the_task_naming_the_field():
    kube, cache, tasks = setup(
        task_body(command="create-superuser", createSuperuser={"secretName": "admin-login"}),
        secrets={"admin-login": {"username", "email"}},
    )
    tasks.reconcile("ns", "admin")
    status = status_of(kube)
    assert (status["phase"], status["reason"]) == ("Pending", "MissingReference")
    assert status["message"] == "spec.createSuperuser.passwordKey: key 'password' not found in Secret 'admin-login'"
    assert kube.created == []
    # The watch on Secrets will wake this task when the Secret changes.
    assert tasks.references.referrers("Secret", "ns", "admin-login") == [("PanelAppTask", "admin")]


def test_a_panelapp_before_its_first_migration_holds_the_task():
    kube, cache, tasks = setup(task_body(command="check"), panelapp=panelapp_body(image=None))
    tasks.reconcile("ns", "admin")
    assert status_of(kube)["reason"] == "WaitingForPanelApp" and kube.created == []


def test_a_good_task_runs_once_and_its_status_follows_the_job():
    secret_line = "connecting to postgresql://panelapp:hunter2-db-pass@db:5432/panelapp password=hunter2"
    kube, cache, tasks = setup(
        task_body(command="check"), log_text=f"{secret_line}\nSystem check identified no issues (0 silenced).\n"
    )
    assert tasks.reconcile("ns", "admin") == 5.0
    assert len(kube.created) == 1
    job = kube.created[0]
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["panelapp-check"]
    assert status_of(kube)["phase"] == "Running" and status_of(kube)["job"] == "admin-5f1d2c3b"
    # The task is now owned by its PanelApp.
    assert kube.objects[("PanelAppTask", "admin")]["metadata"]["ownerReferences"][0]["uid"] == PANELAPP_UID
    tasks.reconcile("ns", "admin")
    assert len(kube.created) == 1  # never a second Job

    finished = copy.deepcopy(job)
    finished["metadata"]["resourceVersion"] = "9"
    finished["status"] = {
        "startTime": "2026-12-01T09:00:01Z",
        "completionTime": "2026-12-01T09:00:09Z",
        "conditions": [{"type": "Complete", "status": "True", "reason": "Completed"}],
    }
    cache.put(kinds.JOB, finished)
    cache.put(
        kinds.POD,
        {
            "kind": "Pod",
            "metadata": {
                "name": "admin-5f1d2c3b-x",
                "namespace": "ns",
                "resourceVersion": "10",
                "labels": {
                    **job["spec"]["template"]["metadata"]["labels"],
                    "batch.kubernetes.io/job-name": job["metadata"]["name"],
                },
            },
            "status": {"phase": "Succeeded"},
        },
    )
    assert tasks.reconcile("ns", "admin") is None
    status = status_of(kube)
    assert status["phase"] == "Succeeded" and status["completionTime"] == "2026-12-01T09:00:09Z"
    assert status["startTime"] == "2026-12-01T09:00:01Z" and status["image"] == samples.IMAGE
    assert status["logTail"][-1] == "System check identified no issues (0 silenced)."
    assert "hunter2" not in str(status) and "hunter2" not in str(kube.events)
    assert [reason for _, reason, _ in kube.events] == ["TaskStarted", "TaskSucceeded"]
    assert {c["type"]: c["status"] for c in status["conditions"]} == {"Accepted": "True", "Succeeded": "True"}


def test_a_failed_job_is_reported_with_the_exit():
    kube, cache, tasks = setup(task_body(command="reset-stats"))
    tasks.reconcile("ns", "admin")
    job = copy.deepcopy(kube.created[0])
    job["metadata"]["resourceVersion"] = "9"
    job["status"] = {
        "conditions": [
            {
                "type": "Failed",
                "status": "True",
                "reason": "BackoffLimitExceeded",
                "message": "Job has reached the specified backoff limit",
            }
        ]
    }
    cache.put(kinds.JOB, job)
    cache.put(
        kinds.POD,
        {
            "kind": "Pod",
            "metadata": {
                "name": "admin-5f1d2c3b-y",
                "namespace": "ns",
                "resourceVersion": "10",
                "labels": {
                    **job["spec"]["template"]["metadata"]["labels"],
                    "batch.kubernetes.io/job-name": job["metadata"]["name"],
                },
            },
            "status": {
                "phase": "Failed",
                "containerStatuses": [
                    {
                        "name": "task",
                        "state": {
                            "terminated": {"exitCode": 3, "reason": "Error", "finishedAt": "2026-12-01T09:01:00Z"}
                        },
                    }
                ],
            },
        },
    )
    tasks.reconcile("ns", "admin")
    status = status_of(kube)
    assert (status["phase"], status["reason"]) == ("Failed", "BackoffLimitExceeded")
    assert "container task exited with code 3 (Error)" in status["message"]
    assert status["completionTime"] == "2026-12-01T09:01:00Z"
    assert kube.events[-1][:2] == ("Warning", "TaskFailed")


# --- log lines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, hidden",
    [
        ("dsn postgresql://panelapp:s3cr3t-pw@db:5432/panelapp", "s3cr3t-pw"),
        ("DATABASE_PASSWORD=s3cr3t-pw", "s3cr3t-pw"),
        ('{"password": "s3cr3t-pw"}', "s3cr3t-pw"),
        ("aws key AKIAABCDEFGHIJKLMNOP in use", "AKIAABCDEFGHIJKLMNOP"),
        ("token eyJhbGciOiJIUzI1NiJ9eyJzdWIiOiIxMjM0NTY3ODkwIn0", "eyJhbGciOiJIUzI1NiJ9eyJzdWIiOiIxMjM0NTY3ODkwIn0"),
    ],
)
def test_log_lines_mask_what_looks_like_a_credential(line, hidden):
    assert hidden not in logtail.redact(line)


def test_log_tail_keeps_the_last_lines_and_plain_text():
    text = "\n".join(f"line {i}" for i in range(50)) + "\n\n"
    assert logtail.tail(text) == [f"line {i}" for i in range(30, 50)]
    assert (
        logtail.redact("Genes loaded from s3://media/genes.json.gz: 85 new, 0 updated.")
        == "Genes loaded from s3://media/genes.json.gz: 85 new, 0 updated."
    )


def test_an_unreadable_log_does_not_hold_the_status_back():
    kube, cache, tasks = setup(task_body(command="check"))
    tasks.reconcile("ns", "admin")
    job = copy.deepcopy(kube.created[0])
    job["metadata"]["resourceVersion"] = "9"
    job["status"] = {"conditions": [{"type": "Complete", "status": "True"}]}
    cache.put(kinds.JOB, job)
    cache.put(
        kinds.POD,
        {
            "kind": "Pod",
            "metadata": {
                "name": "admin-5f1d2c3b-z",
                "namespace": "ns",
                "resourceVersion": "10",
                "labels": {
                    **job["spec"]["template"]["metadata"]["labels"],
                    "batch.kubernetes.io/job-name": job["metadata"]["name"],
                },
            },
            "status": {"phase": "Succeeded"},
        },
    )

    def refuse(*args, **kwargs):
        raise ApiError(403, "Forbidden", "pods/log is forbidden", "GET", "/log")

    kube.pod_log = refuse
    tasks.reconcile("ns", "admin")
    assert status_of(kube)["phase"] == "Succeeded" and "logTail" not in status_of(kube)


def test_restore_runs_only_a_recorded_backup_and_only_in_maintenance():
    spec = {"command": "restore", "restore": {"upgradeKey": "abcd1234"}}
    planned = task_render.command_of(parse(**spec), "media", RECORDED)
    assert planned.argv == ("panelapp-restore", f"--object={RECORDED[0].object_key}")
    assert (
        "is recorded"
        in task_render.command_of(
            parse(command="restore", restore={"upgradeKey": "00000000"}), "media", RECORDED
        ).missing
    )
    bare = [RECORDED[0].model_copy(update={"object_key": None})]
    assert "no recorded object key" in task_render.command_of(parse(**spec), "media", bare).missing

    app = panelapp_body()
    app["status"]["backups"] = [r.model_dump(by_alias=True, exclude_none=True) for r in RECORDED]
    kube, cache, tasks = setup(task_body(**spec), panelapp=app)
    tasks.reconcile("ns", "admin")
    assert status_of(kube)["reason"] == "NotInMaintenance" and kube.created == []

    app = copy.deepcopy(app)
    app["spec"]["maintenance"] = {"enabled": True}
    app["metadata"]["resourceVersion"] = "5"
    kube.objects[("PanelApp", "panelapp")] = app
    cache.put(kinds.PANELAPP, app)
    tasks.reconcile("ns", "admin")
    assert kube.created[0]["spec"]["template"]["spec"]["containers"][0]["command"] == list(planned.argv)

    unknown = task_body(command="restore", restore={"upgradeKey": "00000000"})
    kube, cache, tasks = setup(unknown, panelapp=app)
    tasks.reconcile("ns", "admin")
    status = status_of(kube)
    assert (status["phase"], status["reason"]) == ("Refused", "BackupNotRecorded")
    assert status["message"].startswith("spec.restore.upgradeKey: no backup with upgradeKey '00000000'")
