"""The project's images for the real node, without a registry: buildah builds the Dockerfiles (on the
Debian-made Python base of hack/setup.sh, as the packaging tests do), pushes them to OCI archives in
a cache keyed by a hash of their inputs, and the real node imports the archives into containerd.

An unchanged tree never rebuilds: the archive of the same input hash is reused. A changed tree
rebuilds with buildah's layer cache (the dependency layer is reused while uv.lock is unchanged).

Upgrade tests also need a v2 (a real schema migration) and a v3 (a migration that fails): each is
the v1 image plus one small layer with one migration file, so it costs seconds, not a build.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .tools import Toolbox

REPO = Path(__file__).resolve().parents[2]
MACHINE_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
STAND_IN = "localhost/panelapp-python-base:bookworm"
#: The image names the examples and the tests' PanelApps use; pull policy IfNotPresent finds them.
APP_IMAGE = "ghcr.io/panelapp-operator/panelapp:0.1.0"
OPERATOR_IMAGE = "ghcr.io/panelapp-operator/panelapp-operator:0.1.0"
#: The app migration the derived images add their migration after.
MIGRATIONS_APP = "panels"


class ImageBuildError(RuntimeError):
    """A build failed; the message carries the end of buildah's log."""


def _ignored(relative: str, patterns: list[str]) -> bool:
    """The .dockerignore rules as the Dockerfiles use them: `*` then `!` re-includes, later wins."""
    verdict = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        body = pattern[1:] if negate else pattern
        body = body.rstrip("/")
        candidates = [relative] + [str(Path(*Path(relative).parts[:i])) for i in range(1, len(Path(relative).parts))]
        matched = any(fnmatch.fnmatch(c, body) or fnmatch.fnmatch(c, body.replace("**/", "")) for c in candidates)
        if body.startswith("**/"):
            matched = matched or any(fnmatch.fnmatch(part, body[3:]) for part in Path(relative).parts)
        if matched:
            verdict = not negate
    return verdict


def context_hash(dockerfile: Path, repo: Path = REPO) -> str:
    """A hash of everything the build reads: the Dockerfile and every file the build context keeps."""
    patterns = [
        line.strip()
        for line in (repo / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    digest = hashlib.sha256()
    digest.update(dockerfile.read_bytes())
    for path in sorted(p for p in repo.rglob("*") if p.is_file()):
        relative = str(path.relative_to(repo))
        if relative.startswith((".git/", ".venv/")) or _ignored(relative, patterns):
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@dataclass
class Buildah:
    """buildah with a private store (overlay driver, chroot isolation): the machine's own container
    storage is never touched."""

    store: Path

    def args(self) -> list[str]:
        return [
            "buildah",
            "--root",
            str(self.store / "storage"),
            "--runroot",
            str(self.store / "run"),
            "--storage-driver",
            "overlay",
        ]

    def __call__(self, *args: str, timeout: float = 1800, log: Path | None = None) -> str:
        if log is None:
            completed = subprocess.run([*self.args(), *args], capture_output=True, text=True, timeout=timeout)
            if completed.returncode != 0:
                raise ImageBuildError(f"buildah {' '.join(args[:3])} failed:\n{completed.stderr[-3000:]}")
            return completed.stdout.strip()
        with open(log, "w") as out:
            logged = subprocess.run([*self.args(), *args], stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
        if logged.returncode != 0:
            raise ImageBuildError(
                f"buildah {' '.join(args[:3])} failed; {log} ends with:\n{log.read_text(errors='replace')[-4000:]}"
            )
        return ""

    def exists(self, image: str) -> bool:
        return (
            subprocess.run(
                [*self.args(), "inspect", "--type", "image", image], capture_output=True, timeout=60
            ).returncode
            == 0
        )

    def make_base(self, rootfs: Path, names: set[str]) -> None:
        """The stand-in for python:<version>-slim: Debian's Python made to behave like the official
        image's (pip may install into it, PEP 668 marker removed) and trusting this machine's CA
        bundle. Tagged as every name in `names` (what the Dockerfiles' FROM lines say)."""
        if not self.exists(STAND_IN):
            container = self("from", "scratch")
            self("add", container, str(rootfs), "/")
            self(
                "run",
                "--isolation",
                "chroot",
                container,
                "--",
                "sh",
                "-c",
                "rm -f /usr/lib/python3*/EXTERNALLY-MANAGED",
            )
            config = [
                "--env",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "--env",
                "LANG=C.UTF-8",
            ]
            if MACHINE_CA_BUNDLE.exists():
                self("copy", container, str(MACHINE_CA_BUNDLE), str(MACHINE_CA_BUNDLE))
                config += ["--env", f"SSL_CERT_FILE={MACHINE_CA_BUNDLE}"]
            self("config", *config, "--cmd", "python3", container)
            self("commit", "--quiet", container, STAND_IN)
            self("rm", container)
        for name in names:
            self("tag", STAND_IN, full_name(name))


def full_name(image: str) -> str:
    """python:3.11-slim -> docker.io/library/python:3.11-slim, the name buildah looks up."""
    first = image.split("/")[0]
    if "/" not in image:
        return f"docker.io/library/{image}"
    return image if "." in first or ":" in first or first == "localhost" else f"docker.io/{image}"


def base_images(dockerfile: Path) -> set[str]:
    """The external bases of a Dockerfile (FROM names that are not its own stages)."""
    bases, stages = set(), set()
    for match in re.finditer(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", dockerfile.read_text(), re.MULTILINE | re.IGNORECASE):
        bases.add(match.group(1))
        if match.group(2):
            stages.add(match.group(2))
    return bases - stages


@dataclass
class ImageCache:
    """OCI archives of the project's images, keyed by input hash, under the tools cache."""

    toolbox: Toolbox

    @property
    def folder(self) -> Path:
        return self.toolbox.tools_dir / "images"

    def buildah(self) -> Buildah:
        return Buildah(self.folder / "buildah")

    def archive(self, dockerfile: Path, name: str) -> Path:
        """The OCI archive of `dockerfile` built from the current tree and named `name`; built
        only when no archive of the same inputs exists."""
        self.folder.mkdir(parents=True, exist_ok=True)
        kind = dockerfile.name.split(".", 1)[-1].lower()  # Dockerfile.app -> app
        stem = f"{kind}-{context_hash(dockerfile)}"
        target = self.folder / f"{stem}.oci.tar"
        if target.exists():
            return target
        rootfs = self.toolbox.group_dir("python-base") / "rootfs.tar"
        if not rootfs.exists():
            raise ImageBuildError(f"the Debian base for image builds is missing ({rootfs}): run hack/setup.sh")
        buildah = self.buildah()
        buildah.make_base(rootfs, base_images(dockerfile))
        log = self.folder / f"{stem}.build.log"
        buildah(
            "bud",
            "--isolation",
            "chroot",
            "--pull-never",
            "--layers",
            "-f",
            str(dockerfile),
            "-t",
            name,
            str(REPO),
            log=log,
        )
        self._push(buildah, name, target)
        self._prune_archives(f"{kind}-", keep=target)
        # Images an earlier build of the same name left untagged; the layer cache stays.
        buildah("rmi", "--prune")
        return target

    def derived(self, base_archive: Path, base_name: str, name: str, files: dict[str, str]) -> Path:
        """`base_name` plus one layer that adds `files` (path in image -> content); cached by both."""
        digest = hashlib.sha256(base_archive.name.encode())
        for path, content in sorted(files.items()):
            digest.update(path.encode() + b"\0" + content.encode() + b"\0")
        tag = re.sub(r"[^A-Za-z0-9.-]", "-", name.rsplit(":", 1)[-1])
        target = self.folder / f"derived-{tag}-{digest.hexdigest()[:16]}.oci.tar"
        if target.exists():
            return target
        buildah = self.buildah()
        if not buildah.exists(base_name):
            buildah("pull", f"oci-archive:{base_archive}")
        container = buildah("from", "--pull-never", base_name)
        try:
            context = self.folder / f"{target.stem}.context"
            context.mkdir(exist_ok=True)
            for index, (path, content) in enumerate(sorted(files.items())):
                local = context / f"file-{index}"
                local.write_text(content)
                mode = "0755" if content.startswith("#!") else "0644"
                buildah("copy", "--chmod", mode, container, str(local), path)
            buildah("commit", "--quiet", container, name)
        finally:
            buildah("rm", container)
            shutil.rmtree(self.folder / f"{target.stem}.context", ignore_errors=True)
        self._push(buildah, name, target)
        self._prune_archives(f"derived-{tag}-", keep=target)
        buildah("rmi", "--prune")
        return target

    @staticmethod
    def _push(buildah: Buildah, name: str, target: Path) -> None:
        partial = target.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        buildah("push", "--quiet", name, f"oci-archive:{partial}:{name}")
        partial.rename(target)

    def _prune_archives(self, prefix: str, keep: Path) -> None:
        """Older archives of the same image go: the cache holds one per image (they are large)."""
        for old in self.folder.glob(f"{prefix}*"):
            if old.suffix in (".tar", ".log") and not old.name.startswith(keep.name.split(".", 1)[0] + "."):
                old.unlink(missing_ok=True)


def latest_migration(app_label: str = MIGRATIONS_APP, repo: Path = REPO) -> str:
    names = sorted(p.stem for p in (repo / "app" / app_label / "migrations").glob("[0-9][0-9][0-9][0-9]_*.py"))
    return names[-1]


def migration_file(
    name: str, operation: str, after: str | None = None, app_label: str = MIGRATIONS_APP
) -> tuple[str, str]:
    """(path in the image, source) of one migration after `after` (default: the tree's latest)."""
    return (
        f"/app/app/{app_label}/migrations/{name}.py",
        "from django.db import migrations\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [({app_label!r}, {(after or latest_migration(app_label))!r})]\n"
        f"    operations = [{operation}]\n",
    )


#: v2: a real schema change (a new table) that the upgrade tests look for after the migration.
UPGRADE_TABLE = "panels_upgrade_probe"
V2_MIGRATION = migration_file(
    "9001_upgrade_probe",
    f"migrations.RunSQL('CREATE TABLE {UPGRADE_TABLE} (id serial PRIMARY KEY, note text)', "
    f"reverse_sql='DROP TABLE {UPGRADE_TABLE}')",
)
#: v3: a migration that fails (after v2's), so the migration Job fails with the database unchanged.
V3_MIGRATION = migration_file("9002_fails", "migrations.RunSQL('SELECT 1 / 0')", after="9001_upgrade_probe")
#: An image whose web entrypoint exits at once (migrate and collectstatic still work): its web pods
#: crash-loop, as a broken release's would.
BROKEN_WEB = ("/opt/venv/bin/panelapp-web", "#!/bin/sh\necho 'panelapp-web: broken on purpose' >&2\nexit 3\n")
