"""Run the scanners security reviewers use and read their findings the same way:
checkov (chart, manifests, Dockerfiles), kube-score (manifests; it stands in for kube-linter,
which cannot be installed here) and hadolint (Dockerfiles).

A finding is (scanner, check, resource). Findings accepted on purpose are listed with their reason
in scanners/exceptions.yaml unless they are excepted in place (annotations, comments), which the
scanners themselves honour.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.packaging.tools import KUBERNETES_VERSION, run, tool

EXCEPTIONS_FILE = Path(__file__).resolve().parent / "scanners" / "exceptions.yaml"
# kube-score grades: 1 critical, 5 warning, 7 almost OK, 10 OK. Warnings fail too.
KUBE_SCORE_FAILING_GRADE = 5
# Optional kube-score checks that a security review expects as well.
KUBE_SCORE_OPTIONAL = ("container-seccomp-profile", "container-ports-check")


@dataclass(frozen=True)
class Finding:
    scanner: str
    check: str
    resource: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.scanner} {self.check} {self.resource}: {self.detail}"


def checkov(arguments: list[str], env: dict[str, str]) -> tuple[list[Finding], int]:
    """Failing findings, and how many checks passed (a scan that checked nothing is not clean)."""
    completed = run(
        [tool("checkov"), *arguments, "--skip-download", "--quiet", "--output", "json"], env=env, timeout=600
    )
    try:
        reports = json.loads(completed.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"checkov printed no JSON report (exit {completed.returncode}):\n{completed.stdout[-3000:]}\n"
            f"{completed.stderr[-3000:]}",
            pytrace=False,
        )
    findings, passed = [], 0
    for report in reports if isinstance(reports, list) else [reports]:
        passed += report["summary"]["passed"]
        for failed in (report.get("results") or {}).get("failed_checks", []):
            findings.append(
                Finding(
                    "checkov", failed["check_id"], failed["resource"], f"{failed['check_name']} ({failed['file_path']})"
                )
            )
    return findings, passed


def kube_score(files: list[Path]) -> tuple[list[Finding], int]:
    """Failing findings, and how many checks ran, of kube-score on rendered manifests."""
    optional = [f"--enable-optional-test={name}" for name in KUBE_SCORE_OPTIONAL]
    completed = run(
        [
            tool("kube-score"),
            "score",
            f"--kubernetes-version={KUBERNETES_VERSION.rsplit('.', 1)[0]}",
            "--output-format=json",
            *optional,
            *files,
        ]
    )
    if not completed.stdout.strip().startswith("["):
        pytest.fail(f"kube-score failed (exit {completed.returncode}):\n{completed.stderr}", pytrace=False)
    findings, ran = [], 0
    for scored in json.loads(completed.stdout):
        meta = scored["object_meta"]
        resource = f"{scored['type_meta']['kind']}/{meta.get('namespace', '')}/{meta['name']}"
        for check in scored["checks"]:
            if check["skipped"]:
                continue
            ran += 1
            if check["grade"] <= KUBE_SCORE_FAILING_GRADE:
                comments = "; ".join(c.get("summary", "") for c in check.get("comments") or [])
                findings.append(Finding("kube-score", check["check"]["id"], resource, comments))
    return findings, ran


def hadolint(files: list[Path]) -> list[Finding]:
    completed = run([tool("hadolint"), "--format", "json", *files])
    return [
        Finding("hadolint", item["code"], f"{Path(item['file']).name}:{item['line']}", item["message"])
        for item in json.loads(completed.stdout or "[]")
    ]


@dataclass(frozen=True)
class Exception_:
    scanner: str
    check: str
    resources: tuple[str, ...]
    reason: str

    def covers(self, finding: Finding) -> bool:
        return (
            finding.scanner == self.scanner
            and finding.check == self.check
            and any(fnmatch.fnmatchcase(finding.resource, pattern) for pattern in self.resources)
        )


def exceptions(target: str) -> list[Exception_]:
    entries = yaml.safe_load(EXCEPTIONS_FILE.read_text()).get(target) or []
    return [Exception_(e["scanner"], e["check"], tuple(e["resources"]), e["reason"]) for e in entries]


def unexcused(findings: list[Finding], target: str, scanner: str) -> tuple[list[Finding], list[Exception_]]:
    """Findings no exception covers, and this scanner's exceptions that cover no finding (stale)."""
    accepted = [e for e in exceptions(target) if e.scanner == scanner]
    left = [f for f in findings if not any(e.covers(f) for e in accepted)]
    stale = [e for e in accepted if not any(e.covers(f) for f in findings)]
    return left, stale
