"""The Debian mirror the images' base is bootstrapped from is the machine's own (hack/debian_mirror.py,
run by hack/setup.sh): PANELAPP_DEBIAN_MIRROR, else the apt sources, never one written into the
repository. Sample sources in a temporary /etc/apt stand-in, in both of apt's formats."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import debian_mirror
from debian_mirror import ENV_VAR, NoMirror

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "hack" / "debian_mirror.py"

DEB822 = """\
Types: deb
# a comment inside a stanza
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://source.example/debian
Suites: bookworm
Components: main

Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
Components: main
Enabled: no

Types: deb
URIs: http://mirror.example/debian/
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""


def apt_dir(tmp_path: Path, sources_list: str | None = None, parts: dict[str, str] | None = None) -> Path:
    root = tmp_path / "apt"
    (root / "sources.list.d").mkdir(parents=True)
    if sources_list is not None:
        (root / "sources.list").write_text(sources_list)
    for name, text in (parts or {}).items():
        (root / "sources.list.d" / name).write_text(text)
    return root


def test_deb822_sources_give_the_first_enabled_binary_mirror_of_the_suite(tmp_path):
    root = apt_dir(tmp_path, parts={"debian.sources": DEB822})
    assert debian_mirror.debian_mirror("bookworm", root, environ={}) == "http://mirror.example/debian"


def test_one_line_sources_skip_deb_src_other_repositories_and_options(tmp_path):
    root = apt_dir(
        tmp_path,
        sources_list=(
            "# deb http://commented.example/debian bookworm main\n"
            "deb-src http://source.example/debian bookworm main\n"
            "deb https://packages.vendor.example/apt cloud-sdk-bookworm main\n"
            "deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
            "http://one-line.example/debian bookworm main non-free-firmware\n"
        ),
        # sources.list comes first, as apt reads it.
        parts={"debian.sources": DEB822},
    )
    assert debian_mirror.debian_mirror("bookworm", root, environ={}) == "http://one-line.example/debian"


def test_a_mirror_of_another_release_serves_the_suite_too_but_a_security_archive_does_not(tmp_path):
    root = apt_dir(
        tmp_path,
        parts={
            "00-security.list": "deb http://security.example/debian-security trixie-security main\n",
            "10-vendor.list": "deb https://vendor.example/apt stable main\n",
            "20-debian.list": "deb http://trixie.example/debian trixie main\n",
        },
    )
    assert debian_mirror.debian_mirror("bookworm", root, environ={}) == "http://trixie.example/debian"


def test_the_environment_variable_wins_over_the_sources(tmp_path):
    root = apt_dir(tmp_path, parts={"debian.sources": DEB822})
    chosen = debian_mirror.debian_mirror("bookworm", root, environ={ENV_VAR: " http://override.example/debian/ "})
    assert chosen == "http://override.example/debian"


def test_no_mirror_is_a_clear_error(tmp_path):
    root = apt_dir(tmp_path, parts={"vendor.list": "deb https://vendor.example/apt stable main\n"})
    with pytest.raises(NoMirror, match=ENV_VAR):
        debian_mirror.debian_mirror("bookworm", root, environ={})


def run_script(root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != ENV_VAR} | env
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--suite", "bookworm", "--apt-dir", str(root)],
        capture_output=True,
        text=True,
        env=environ,
        timeout=30,
    )


def test_the_script_setup_runs_prints_the_mirror_honours_the_variable_and_fails_clearly(tmp_path):
    root = apt_dir(tmp_path, parts={"debian.sources": DEB822})
    found = run_script(root)
    assert (found.returncode, found.stdout) == (0, "http://mirror.example/debian\n"), found.stderr

    overridden = run_script(root, **{ENV_VAR: "http://override.example/debian"})
    assert overridden.stdout == "http://override.example/debian\n"

    empty = run_script(apt_dir(tmp_path / "empty"))
    assert empty.returncode == 1 and empty.stdout == ""
    assert f"Set {ENV_VAR}" in empty.stderr


def test_setup_reads_the_mirror_and_no_build_input_names_one():
    setup = (REPO / "hack" / "setup.sh").read_text()
    assert "hack/debian_mirror.py" in setup
    for path in [
        REPO / "hack" / "setup.sh",
        REPO / "hack" / "versions.env",
        REPO / "hack" / "build-tools.sh",
        REPO / "hack" / "localcluster" / "images.py",
        REPO / "tests" / "packaging" / "buildah.py",
        REPO / "Dockerfile.app",
        REPO / "Dockerfile.operator",
    ]:
        assert "debian.org" not in path.read_text(), f"{path.relative_to(REPO)} names a Debian mirror"
