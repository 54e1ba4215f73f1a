"""The PanelAppTask resource: one allow-listed admin command, run once as a Job of a PanelApp.

Like spec/ for PanelApp, these models are the single source of the task's API: crd.py builds the
panelapptasks CRD from them (descriptions are what `kubectl explain panelapptask.spec` shows), and
the operator validates every task it reads with them. A task is a request, not a desired state:
its spec is immutable (create another task to run again), and its status mirrors the one Job.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args

from pydantic import Field

from panelapp_operator.rules import Rule, SpecModel
from panelapp_operator.spec import DNS_SUBDOMAIN, S3_BUCKET, SECRET_KEY_NAME, URL, Condition, StatusModel

KIND = "PanelAppTask"
PLURAL = "panelapptasks"
SINGULAR = "panelapptask"
SHORT_NAMES = ("pat",)
# The Job is "<task name>-<8 hex of the task's uid>" and must fit a 63-character label value.
MAX_NAME_LENGTH = 54

# The allow-list (render/tasks.py says what each runs; a unit test checks that against the
# image's console and management commands).
Command = Literal["load-genes", "create-superuser", "reset-stats", "check", "restore", "mirror"]
COMMANDS: tuple[str, ...] = get_args(Command)


class S3Object(SpecModel):
    """An object in S3, read with the PanelApp's own AWS credentials (its IAM role or keys)."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="!has(self.bucket) || !self.bucket.contains('..')",
            message="an S3 bucket name cannot contain two adjacent dots",
            field=".bucket",
            holds=lambda m: m.bucket is None or ".." not in m.bucket,
        ),
    )

    bucket: str | None = Field(
        default=None,
        max_length=63,
        pattern=S3_BUCKET,
        description="Bucket of the object. Defaults to the PanelApp's media bucket.",
    )
    key: str = Field(
        min_length=1,
        max_length=1024,
        pattern=r"^[^/\s][^\s]*$",
        description="Key of the object, e.g. genes/genes.json.gz (no leading slash).",
    )


class LoadGenes(SpecModel):
    """load-genes: load or refresh the gene table from PanelApp's gene file (genes.json or
    genes.json.gz) in S3. Existing genes are updated; nothing is deleted."""

    source: S3Object = Field(description="The gene file.")


class CreateSuperuser(SpecModel):
    """create-superuser: a Django superuser whose username, email and password come from one
    Secret. The values reach the Job's pod only as secretKeyRefs; the operator checks that the keys
    exist and never reads them."""

    secret_name: str = Field(
        max_length=253, pattern=DNS_SUBDOMAIN, description="Secret in the task's namespace holding the credentials."
    )
    username_key: str = Field(
        default="username", max_length=253, pattern=SECRET_KEY_NAME, description="Key of the username."
    )
    email_key: str = Field(
        default="email", max_length=253, pattern=SECRET_KEY_NAME, description="Key of the email address."
    )
    password_key: str = Field(
        default="password", max_length=253, pattern=SECRET_KEY_NAME, description="Key of the password."
    )


class Restore(SpecModel):
    """restore: replace the database's contents with a backup taken before a migration (recorded in
    the PanelApp's status.backups), in one transaction. The PanelApp must be in maintenance
    (spec.maintenance.enabled) so that web writes nothing meanwhile; stop the workers too."""

    upgrade_key: str = Field(
        pattern=r"^[0-9a-f]{8}$", description="upgradeKey of the backup in the PanelApp's status.backups."
    )


class Mirror(SpecModel):
    """mirror: copy the public panels of another PanelApp (its API v1) into this one, with their
    ids, versions, entities, reviews and signed-off versions, in one transaction; a later run
    fetches only what changed (docs/domain.md, "Mirroring another PanelApp")."""

    source: str = Field(
        max_length=2048,
        pattern=URL,
        description="Base URL of the source PanelApp, e.g. https://panelapp.genomicsengland.co.uk.",
    )
    full: bool = Field(default=False, description="Fetch every panel again, changed or not.")


class PanelAppTaskSpec(SpecModel):
    """One admin command for a PanelApp, run once as a Job with the PanelApp's image, environment,
    ServiceAccount and pod overrides. Immutable: create a new task to run again."""

    __rules__: ClassVar[tuple[Rule, ...]] = (
        Rule(
            cel="self.command != 'load-genes' || has(self.loadGenes)",
            message="load-genes needs loadGenes.source (the gene file in S3)",
            field=".loadGenes",
            holds=lambda m: m.command != "load-genes" or m.load_genes is not None,
        ),
        Rule(
            cel="self.command != 'create-superuser' || has(self.createSuperuser)",
            message="create-superuser needs createSuperuser.secretName (the Secret with the credentials)",
            field=".createSuperuser",
            holds=lambda m: m.command != "create-superuser" or m.create_superuser is not None,
        ),
        Rule(
            cel="self.command != 'restore' || has(self.restore)",
            message="restore needs restore.upgradeKey (which recorded backup)",
            field=".restore",
            holds=lambda m: m.command != "restore" or m.restore is not None,
        ),
        Rule(
            cel="!has(self.restore) || self.command == 'restore'",
            message="restore is only for the restore command",
            field=".restore",
            holds=lambda m: m.restore is None or m.command == "restore",
        ),
        Rule(
            cel="self.command != 'mirror' || has(self.mirror)",
            message="mirror needs mirror.source (the source PanelApp's URL)",
            field=".mirror",
            holds=lambda m: m.command != "mirror" or m.mirror is not None,
        ),
        Rule(
            cel="!has(self.mirror) || self.command == 'mirror'",
            message="mirror is only for the mirror command",
            field=".mirror",
            holds=lambda m: m.mirror is None or m.command == "mirror",
        ),
        Rule(
            cel="!has(self.loadGenes) || self.command == 'load-genes'",
            message="loadGenes is only for the load-genes command",
            field=".loadGenes",
            holds=lambda m: m.load_genes is None or m.command == "load-genes",
        ),
        Rule(
            cel="!has(self.createSuperuser) || self.command == 'create-superuser'",
            message="createSuperuser is only for the create-superuser command",
            field=".createSuperuser",
            holds=lambda m: m.create_superuser is None or m.command == "create-superuser",
        ),
    )

    panel_app: str = Field(
        max_length=63,
        pattern=DNS_SUBDOMAIN,
        description="Name of the PanelApp in the same namespace. The task becomes owned by "
        "it: deleting the PanelApp deletes its tasks.",
    )
    command: Command = Field(
        description="The command: load-genes (from an S3 object), create-superuser (credentials from a Secret), "
        "reset-stats (recompute every panel's counters), check (the environment contract and Django's system "
        "checks), restore (a backup recorded in the PanelApp's status.backups; needs maintenance on), or mirror "
        "(copy another PanelApp's public panels; needs mirror.source).",
    )
    load_genes: LoadGenes | None = Field(default=None, description="Arguments of load-genes.")
    create_superuser: CreateSuperuser | None = Field(default=None, description="Arguments of create-superuser.")
    restore: Restore | None = Field(default=None, description="Arguments of restore.")
    mirror: Mirror | None = Field(default=None, description="Arguments of mirror.")
    timeout_seconds: int = Field(
        default=3600, ge=10, le=86400, description="Deadline of the Job (activeDeadlineSeconds)."
    )


TaskPhase = Literal["Pending", "Running", "Succeeded", "Failed", "Refused"]
TERMINAL_PHASES = ("Succeeded", "Failed", "Refused")
CONDITION_TYPES = ("Accepted", "Succeeded")


class PanelAppTaskStatus(StatusModel):
    """What became of the task, written only by the operator; mirrors its Job."""

    observed_generation: int | None = Field(default=None, description="metadata.generation last reconciled.")
    phase: TaskPhase | None = Field(
        default=None,
        description="Pending (waiting for its PanelApp or a Secret), "
        "Running, Succeeded, Failed, or Refused (nothing ran).",
    )
    job: str | None = Field(default=None, description="Name of the Job that runs the command.")
    image: str | None = Field(default=None, description="Image the Job runs (the PanelApp's current image).")
    start_time: str | None = Field(default=None, description="When the Job started.")
    completion_time: str | None = Field(default=None, description="When the Job succeeded or failed.")
    reason: str | None = Field(
        default=None,
        description="Why it ended or waits, e.g. Completed, BackoffLimitExceeded, DeadlineExceeded, MissingReference.",
    )
    message: str | None = Field(default=None, description="Detail, e.g. the container's exit code.")
    log_tail: list[str] | None = Field(
        default=None, description="The last lines of the Job's log, with anything that looks like a credential masked."
    )
    conditions: list[Condition] | None = Field(default=None, description="Accepted and Succeeded.")
