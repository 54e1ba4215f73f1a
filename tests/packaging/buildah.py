"""Build and run the images with buildah, which needs no Docker engine (Debian package).

Nothing can be pulled from a container registry here, so the Dockerfiles' base image
(python:<version>-slim-bookworm) is stood in for by a Debian bookworm root filesystem with Python
3.11 made of Debian packages (hack/setup.sh builds it with debootstrap). Two adjustments make it
behave like the official image: pip may install into its Python (Debian marks its Python
"externally managed", PEP 668; the official image's Python is its own), and it trusts this
machine's CA bundle (the machine's network may intercept TLS). Storage is a private folder (overlay driver, chroot
isolation), so the machine's own container storage is never touched; `clean()` removes it all.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from localcluster import Toolbox, images
from tests.packaging.dockerfile import parse
from tests.packaging.tools import REPO, run


def base_rootfs() -> Path:
    folder = Toolbox.from_environment().group_dir("python-base")
    if not (folder / ".complete").exists():
        pytest.fail(f"the Debian base for image builds is missing ({folder}): run hack/setup.sh", pytrace=False)
    return folder / "rootfs.tar"


class Buildah:
    def __init__(self, workspace: Path):
        self.workspace = workspace
        self.base_args = [
            "buildah",
            "--root",
            str(workspace / "storage"),
            "--runroot",
            str(workspace / "run"),
            "--storage-driver",
            "overlay",
        ]

    def __call__(self, *args: str, timeout: float = 900) -> str:
        completed = run([*self.base_args, *args], timeout=timeout)
        if completed.returncode != 0:
            pytest.fail(
                f"buildah {' '.join(args[:3])} failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}",
                pytrace=False,
            )
        return completed.stdout.strip()

    def make_base(self, dockerfiles: list[Path]) -> None:
        """The Debian stand-in for the Dockerfiles' base, tagged as each FROM names it (the same
        base the real node's image builds use: localcluster.images)."""
        stages = [stage for path in dockerfiles for stage in parse(path).stages]
        names = {stage.base for stage in stages} - {stage.name for stage in stages}
        try:
            images.Buildah(self.workspace).make_base(base_rootfs(), names)
        except images.ImageBuildError as error:
            pytest.fail(str(error), pytrace=False)

    def build(self, dockerfile: Path, tag: str) -> None:
        log = self.workspace / f"build-{dockerfile.name}.log"
        with open(log, "w") as out:
            completed = subprocess.run(
                [
                    *self.base_args,
                    "bud",
                    "--isolation",
                    "chroot",
                    "--pull-never",
                    "-f",
                    str(dockerfile),
                    "-t",
                    tag,
                    str(REPO),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=1200,
            )
        if completed.returncode != 0:
            pytest.fail(f"buildah bud -f {dockerfile.name} failed:\n{log.read_text()[-4000:]}", pytrace=False)

    def config(self, image: str) -> dict:
        return json.loads(self("inspect", "--type", "image", image))["OCIv1"]["config"]

    def container(self, image: str) -> str:
        """A working container of the image, to run commands in (removed by clean())."""
        return self("from", "--pull-never", image)

    def run(self, container: str, argv: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return run(
            [*self.base_args, "run", "--isolation", "chroot", *self._env(env), container, "--", *argv], timeout=300
        )

    def clean(self) -> None:
        """Remove every container and image of this private storage (and so its overlay mounts)."""
        run([*self.base_args, "rm", "--all"])
        run([*self.base_args, "rmi", "--all", "--force"])

    def start(self, container: str, argv: list[str], env: dict[str, str], log: Path) -> RunningContainer:
        with open(log, "wb") as out:
            popen = subprocess.Popen(
                [*self.base_args, "run", "--isolation", "chroot", *self._env(env), container, "--", *argv],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return RunningContainer(popen)

    @staticmethod
    def _env(env: dict[str, str] | None) -> list[str]:
        return [arg for name, value in (env or {}).items() for arg in ("--env", f"{name}={value}")]


class RunningContainer:
    def __init__(self, popen: subprocess.Popen):
        self.popen = popen

    def stop(self) -> None:
        # buildah runs the command in its own process group (start_new_session): stop all of it.
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
