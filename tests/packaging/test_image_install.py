"""The images, proved without a container engine: the install steps of Dockerfile.app and
Dockerfile.operator run into a fresh folder (tests/packaging/image_build.py), and the commands the
final stage ends up with really work there: `panelapp-web` serves /version/, `panelapp-worker`
connects to SQS (moto), every command the operator runs in pods and Jobs starts, and the
operator image prints its CRD."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.fixtures.services import free_port, wait_until
from tests.packaging.app_env import production_env
from tests.packaging.dockerfile import parse
from tests.packaging.image_build import ImageBuilder, ImageTree, make_base_python

REPO = Path(__file__).resolve().parents[2]
APP_COMMANDS = ("panelapp-web", "panelapp-worker", "panelapp-beat", "panelapp-migrate", "panelapp-collectstatic")


@pytest.fixture(scope="module")
def base_python(tmp_path_factory) -> Path:
    return make_base_python(tmp_path_factory.mktemp("base-image") / "python")


def build(name: str, tmp_path_factory, base_python: Path) -> ImageTree:
    workspace = tmp_path_factory.mktemp(name.replace(".", "-"))
    return ImageBuilder(parse(REPO / name), REPO, workspace, base_python).build()


@pytest.fixture(scope="module")
def app_image(tmp_path_factory, base_python) -> ImageTree:
    return build("Dockerfile.app", tmp_path_factory, base_python)


@pytest.fixture(scope="module")
def operator_image(tmp_path_factory, base_python) -> ImageTree:
    return build("Dockerfile.operator", tmp_path_factory, base_python)


def start(image: ImageTree, command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            image.command(command),
            env=image.run_env(env),
            cwd=image.workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_app_image_sets_the_production_contract(app_image):
    assert app_image.env["DJANGO_SETTINGS_MODULE"] == "panelapp.settings.docker-aws"
    assert app_image.stage.last("USER").arguments == "1000:1000"
    assert app_image.stage.last("EXPOSE").arguments == "8080"
    assert app_image.stage.last("CMD").exec_form() == ["panelapp-web"]
    bin_dir = app_image.inside("/opt/venv/bin")
    missing = [command for command in APP_COMMANDS if not (bin_dir / command).is_file()]
    assert not missing, f"the image lacks the commands the operator runs: {missing}"


def test_web_serves_version_from_the_image(app_image, aws, tmp_path):
    port = free_port()
    web = start(
        app_image,
        ["panelapp-web"],
        {**production_env(aws.env), "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"},
        tmp_path / "web.log",
    )
    request = urllib.request.Request(f"http://127.0.0.1:{port}/version/", headers={"Host": "panelapp.example.org"})

    def answers():
        if web.poll() is not None:
            pytest.fail(f"panelapp-web exited with {web.returncode}:\n{(tmp_path / 'web.log').read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                return response.status, json.loads(response.read())
        except OSError:
            return None

    try:
        status, body = wait_until(answers, 90, "panelapp-web from the image to answer /version/", interval=0.2)
    finally:
        stop(web)
    assert status == 200
    assert body["version"]


def test_worker_connects_to_sqs_from_the_image(app_image, aws, tmp_path):
    log = tmp_path / "worker.log"
    worker = start(app_image, ["panelapp-worker", "--concurrency=1"], production_env(aws.env), log)

    def ready():
        if worker.poll() is not None:
            pytest.fail(f"panelapp-worker exited with {worker.returncode}:\n{log.read_text()[-4000:]}")
        return "ready." in log.read_text(errors="replace")

    try:
        wait_until(ready, 90, "panelapp-worker from the image to consume the SQS queue", interval=0.2)
    finally:
        stop(worker)
    output = log.read_text(errors="replace")
    assert "sqs://" in output, output[-2000:]
    assert aws.queue_name in output, output[-2000:]


@pytest.mark.parametrize("command", APP_COMMANDS)
def test_every_command_the_operator_runs_starts_from_the_image(app_image, command):
    """With an empty environment each command loads docker-aws and stops at once, naming what is
    missing (exit status 2): the script, its module and the settings are all in the image."""
    completed = subprocess.run(
        app_image.command([command]),
        env=app_image.run_env(),
        cwd=app_image.workdir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 2, completed.stdout + completed.stderr
    error = json.loads(completed.stderr.strip().splitlines()[-1])
    assert "docker-aws" in error["message"]
    assert any(problem.startswith("SECRET_KEY is missing") for problem in error["problems"])


def test_the_operator_image_prints_its_crd(operator_image):
    assert operator_image.stage.last("ENTRYPOINT").exec_form() == ["panelapp-operator"]
    assert operator_image.stage.last("CMD").exec_form() == ["run"]
    printed = subprocess.run(
        operator_image.command(["panelapp-operator", "crd"]),
        env=operator_image.run_env(),
        cwd=operator_image.workdir,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == (REPO / "crds" / "panelapp.org_panelapps.yaml").read_text()


def test_the_operator_image_holds_no_app_dependencies(operator_image):
    """Minimal: the operator image installs the operator extra only (no Django, Celery, boto3)."""
    site_packages = next(operator_image.inside("/opt/venv/lib").glob("python3.*/site-packages"))
    installed = {path.name.split("-")[0].lower() for path in site_packages.glob("*.dist-info")}
    assert "kopf" in installed and "kubernetes" in installed
    assert not installed & {"django", "celery", "boto3", "gunicorn"}, installed & {"django", "celery", "boto3"}


def test_nothing_but_the_builder_output_reaches_the_final_stage(app_image, operator_image):
    """The final stages build nothing (no compiler, no pip or uv run): their one RUN creates the
    user; the app image's also installs exactly one Debian package, the PostgreSQL client that
    panelapp-backup and panelapp-restore run (pg_dump, pg_restore)."""
    for image in (app_image, operator_image):
        runs = [instruction.arguments for instruction in image.stage.all("RUN")]
        assert len(runs) == 1 and runs[0].startswith("groupadd "), runs
        assert not re.search(r"\b(pip|uv|gcc|make)\b", runs[0]), runs[0]
        assert not (image.root / "app" / "operator").exists()
    assert "apt-get" not in operator_image.stage.all("RUN")[0].arguments
    [app_run] = [instruction.arguments for instruction in app_image.stage.all("RUN")]
    installs = re.findall(r"apt-get install ([^&]+)", app_run)
    assert [words.split()[-1] for words in installs] == ['"${PG_CLIENT_PACKAGE}"'], installs
    [client] = [i.arguments for i in app_image.stage.all("ARG") if i.arguments.startswith("PG_CLIENT_PACKAGE=")]
    assert re.fullmatch(r"PG_CLIENT_PACKAGE=postgresql-client-1[5-9]", client), client
    assert "rm -rf /var/lib/apt/lists/*" in app_run  # no package lists left in the layer
    assert not operator_image.inside("/app").exists()
