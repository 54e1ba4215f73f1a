"""Build an image's file system without a container engine, by running the Dockerfile's own steps.

There is no Docker engine on the machines the tests run on, so the image is reproduced in a
folder (`root`) standing in for `/`:

1. The builder stage's ENV, WORKDIR, COPY (from the build context, filtered by .dockerignore) and
   RUN instructions run in order; RUN lines go to /bin/sh like Docker's. The image's own absolute
   paths (the literal ones in ENV, WORKDIR and COPY) are moved under `root`, which is why the
   Dockerfiles keep every path in their RUN lines behind ENV names.
2. The final stage starts from an empty `root` and receives only what its `COPY --from` lines
   take from the builder's; the builder's folder is then deleted, so the result can only work if
   the final stage really carries everything it needs.

The base image's Python is a fresh virtual environment of this machine's Python 3.11 (`base`).
Two things differ from a real build, on purpose: the machine's uv and pip download caches are used
(the Dockerfiles turn caching off to keep layers small; every wheel is still checked against the
hashes in uv.lock, so what is installed is the same), and the final stage's RUN lines, which only
create the image's user, are not run (they would edit this machine's /etc/passwd).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.packaging.dockerfile import Dockerfile, Stage, env_pairs, expand
from tests.packaging.dockerignore import DockerIgnore

# Variables of the build machine that describe its network (proxies, CA bundles), not the image.
_NETWORK_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "PIP_CERT",
    "PIP_INDEX_URL",
    "UV_INDEX_URL",
    "UV_DEFAULT_INDEX",
    "PIP_DEFAULT_TIMEOUT",
    "UV_HTTP_TIMEOUT",
)
# Dockerfile settings that only keep layers small; the emulated build keeps the machine's caches.
_CACHE_SWITCHES = ("UV_NO_CACHE", "PIP_NO_CACHE_DIR")
BASE_PATH = "/usr/local/bin:/usr/bin:/bin"


class ImageBuildError(AssertionError):
    """A Dockerfile step failed; the message names the step and its output."""


@dataclass
class ImageTree:
    """The emulated final image: its folder, its environment and its working directory."""

    root: Path
    env: dict[str, str]
    workdir: Path
    stage: Stage
    log: list[str] = field(default_factory=list)

    def inside(self, image_path: str) -> Path:
        return self.root / image_path.lstrip("/")

    def run_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The container's environment: the image's ENV over a base PATH, nothing from the tests."""
        env = {"HOME": str(self.root / "nonexistent"), "LANG": "C.UTF-8", **self.env}
        env.update(extra or {})
        return env

    def command(self, argv: list[str]) -> list[str]:
        """argv with its program found on the image's PATH, the way the container runtime finds it;
        a program found outside the image fails the test."""
        found = shutil.which(argv[0], path=self.env["PATH"])
        if found is None or not Path(found).is_relative_to(self.root):
            raise ImageBuildError(f"{argv[0]} is not in the image (PATH {self.env['PATH']}); found {found}")
        return [found, *argv[1:]]


class ImageBuilder:
    def __init__(self, dockerfile: Dockerfile, context: Path, workspace: Path, base_python: Path):
        self.dockerfile = dockerfile
        self.context = context
        self.root = workspace / "root"
        self.base = base_python  # the base image's interpreter (a venv's bin/python)
        self.ignore = DockerIgnore.of(context)
        self.log: list[str] = []

    # --- paths -------------------------------------------------------------------------------------

    def inside(self, image_path: str) -> Path:
        return self.root / image_path.lstrip("/")

    def _path(self, value: str, env: dict[str, str], workdir: Path) -> Path:
        """A WORKDIR or COPY destination as a folder of this machine."""
        path = Path(expand(self._map_literal(value), env))
        return path if path.is_absolute() else workdir / path

    def _map_literal(self, value: str) -> str:
        """An ENV value with its literal absolute paths moved under root ("/opt/venv/bin:$PATH")."""
        return ":".join(str(self.inside(part)) if part.startswith("/") else part for part in value.split(":"))

    # --- stages ------------------------------------------------------------------------------------

    def build(self, builder_stage: str = "builder") -> ImageTree:
        self.root.mkdir(parents=True)
        self._run_stage(self.dockerfile.stage(builder_stage), self._base_env(), execute=True)
        return self._assemble_final(builder_stage)

    def _base_env(self) -> dict[str, str]:
        env = {name: os.environ[name] for name in _NETWORK_VARIABLES if name in os.environ}
        env["PATH"] = f"{self.base.parent}:{BASE_PATH}"
        env["HOME"] = str(self.root.parent / "home")
        Path(env["HOME"]).mkdir(exist_ok=True)
        env["LANG"] = "C.UTF-8"
        return env

    def _run_stage(self, stage: Stage, env: dict[str, str], *, execute: bool) -> tuple[dict[str, str], Path]:
        workdir = self.root
        for instruction in stage.instructions:
            keyword = instruction.keyword
            if keyword == "ENV":
                for name, value in env_pairs(instruction):
                    env[name] = expand(self._map_literal(value), env)
            elif keyword == "ARG":
                name, _, default = instruction.arguments.partition("=")
                env.setdefault(name.strip(), default.strip())
            elif keyword == "WORKDIR":
                workdir = self._path(instruction.arguments, env, workdir)
                workdir.mkdir(parents=True, exist_ok=True)
            elif keyword == "COPY" and execute:
                self._copy_from_context(instruction, env, workdir)
            elif keyword == "RUN" and execute:
                self._run(instruction.arguments, instruction.line, env, workdir)
        return env, workdir

    def _copy_from_context(self, instruction, env: dict[str, str], workdir: Path) -> None:
        flags, words = instruction.flags_and_words()
        if "from" in flags:
            raise ImageBuildError(f"{self.dockerfile.path.name}:{instruction.line}: COPY --from in the builder stage")
        *sources, destination = words
        sources = [expand(source, env) for source in sources]
        target = self._path(destination, env, workdir)
        for source in sources:
            for path, relative in self.ignore.files(self.context, source.rstrip("/")):
                into = (
                    target / relative
                    if (destination.endswith("/") or len(sources) > 1 or (self.context / source).is_dir())
                    else target
                )
                into.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, into)

    def _run(self, command: str, line: int, env: dict[str, str], workdir: Path) -> None:
        process_env = {k: v for k, v in env.items() if k not in _CACHE_SWITCHES}
        completed = subprocess.run(
            ["/bin/sh", "-c", command], cwd=workdir, env=process_env, capture_output=True, text=True, timeout=900
        )
        self.log.append(f"$ {command}\n{completed.stdout}{completed.stderr}")
        if completed.returncode != 0:
            raise ImageBuildError(
                f"{self.dockerfile.path.name}:{line}: RUN {command!r} exited with {completed.returncode}:\n"
                f"{(completed.stdout + completed.stderr)[-4000:]}"
            )

    def _assemble_final(self, builder_stage: str) -> ImageTree:
        final = self.dockerfile.final
        builder_root = self.root.with_name("builder-root")
        self.root.rename(builder_root)
        self.root.mkdir()
        for instruction in final.all("COPY"):
            flags, words = instruction.flags_and_words()
            if flags.get("from") != builder_stage:
                raise ImageBuildError(
                    f"{self.dockerfile.path.name}:{instruction.line}: the final stage copies only from the builder"
                )
            source, destination = words
            target = self.inside(destination)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(builder_root / source.lstrip("/"), target, symlinks=True)
        shutil.rmtree(builder_root)
        env = {"PATH": BASE_PATH}
        env, workdir = self._run_stage(final, env, execute=False)
        return ImageTree(self.root, env, workdir, final, self.log)


def make_base_python(folder: Path) -> Path:
    """A fresh virtual environment of this machine's Python: the base image's `python`."""
    interpreter = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    subprocess.run([str(interpreter), "-m", "venv", str(folder)], check=True, capture_output=True, text=True)
    return folder / "bin" / "python"
