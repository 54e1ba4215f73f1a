"""The chart as rendered by helm (no cluster): lint, the CRD it ships, the values schema's
messages, both RBAC modes, least privilege, and the operator Deployment."""

from __future__ import annotations

import filecmp

import pytest

from tests.packaging import chart_values as values
from tests.packaging.tools import CHART, KUBERNETES_VERSION, REPO, documents, helm_template, run, tool

NAMESPACED_RESOURCES = {
    # apiGroup/resource: the verbs the operator uses (operator/panelapp_operator/kube.py and kopf).
    "panelapp.org/panelapps": {"get", "list", "watch"},
    "panelapp.org/panelapps/status": {"patch"},
    "panelapp.org/panelapptasks": {"get", "list", "watch", "patch"},
    "panelapp.org/panelapptasks/status": {"patch"},
    "apps/deployments": {"get", "list", "watch", "create", "patch", "delete"},
    "/services": {"list", "watch", "create", "patch", "delete"},
    "/serviceaccounts": {"list", "watch", "create", "patch", "delete"},
    "networking.k8s.io/ingresses": {"list", "watch", "create", "patch", "delete"},
    "networking.k8s.io/networkpolicies": {"list", "watch", "create", "patch", "delete"},
    "autoscaling/horizontalpodautoscalers": {"list", "watch", "create", "patch", "delete"},
    "policy/poddisruptionbudgets": {"list", "watch", "create", "patch", "delete"},
    "monitoring.coreos.com/podmonitors": {"list", "watch", "create", "patch", "delete"},
    "keda.sh/scaledobjects": {"list", "watch", "create", "patch", "delete"},
    "keda.sh/triggerauthentications": {"list", "watch", "create", "patch", "delete"},
    "/configmaps": {"get", "list", "watch", "create", "patch", "delete"},
    "batch/jobs": {"get", "list", "watch", "create", "patch", "delete"},
    "/secrets": {"get", "list", "watch", "create"},  # list and watch: metadata only
    "/pods": {"list", "watch"},
    "/pods/log": {"get"},
    "/events": {"create"},
}
CLUSTER_SCOPED_RESOURCES = {
    "apiextensions.k8s.io/customresourcedefinitions": {"list", "watch"},
    "/namespaces": {"list", "watch"},
}


@pytest.fixture(scope="module")
def helm_env(tmp_path_factory):
    from tests.packaging.tools import offline_helm_env

    return offline_helm_env(tmp_path_factory.mktemp("helm"))


def render(helm_env, *args: str) -> list[dict]:
    return documents(helm_template(helm_env, *args))


def of_kind(objects: list[dict], kind: str) -> list[dict]:
    return [obj for obj in objects if obj["kind"] == kind]


def granted(rules: list[dict]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for rule in rules:
        for group in rule["apiGroups"]:
            for resource in rule["resources"]:
                out.setdefault(f"{group}/{resource}", set()).update(rule["verbs"])
    return out


@pytest.mark.parametrize("variant", ["cluster", "namespaces", "everything"])
def test_helm_lint_is_clean(helm_env, variant):
    args = {
        "cluster": values.cluster_wide(),
        "namespaces": values.namespaces("team-a"),
        "everything": values.everything("team-a"),
    }[variant]
    linted = run([tool("helm"), "lint", "--strict", CHART, "--kube-version", KUBERNETES_VERSION, *args], env=helm_env)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    findings = [line for line in linted.stdout.splitlines() if line.startswith(("[WARNING]", "[ERROR]"))]
    assert not findings, linted.stdout


def test_the_chart_ships_the_generated_crd():
    shipped = sorted(path.name for path in (CHART / "crds").iterdir())
    generated = sorted(path.name for path in (REPO / "crds").glob("*.yaml"))
    assert shipped == generated, "helm/panelapp-operator/crds/ must hold exactly the files of crds/"
    for name in generated:
        assert filecmp.cmp(CHART / "crds" / name, REPO / "crds" / name, shallow=False), (
            f"helm/panelapp-operator/crds/{name} differs from crds/{name}: copy the generated CRD into the chart "
            f"(cp crds/{name} helm/panelapp-operator/crds/)"
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "watch.scope=everywhere"], "at '/watch/scope': value must be one of 'cluster', 'namespaces'"),
        (["--set", "watch.scope=namespaces"], "at '/watch/namespaces'"),
        (values.namespaces("Team_A"), "at '/watch/namespaces/0'"),
        (["--set", "watch.namespaces={team-a}"], "at '/watch/namespaces': maxItems"),
        (["--set", "image.tag=latest"], 'image.tag must not be "latest"'),
        (["--set", "image.digest=sha256:abc"], "at '/image/digest'"),
        (["--set", "image.pullPolicy=Sometimes"], "at '/image/pullPolicy'"),
        (["--set", "resources.limits.memory=lots"], "at '/resources/limits/memory'"),
        (["--set", "replicas=2"], "additional properties 'replicas' not allowed"),
        (["--set", "panelApp.create=true"], "at '/panelApp/spec'"),
        (["--set", "serviceAccount.create=false"], "at '/serviceAccount"),
        (["--set", "metrics.serviceMonitor.enabled=true"], "metrics.serviceMonitor.enabled needs metrics.enabled"),
        (["--set", "runAsUser=0"], "at '/runAsUser'"),
    ],
)
def test_a_bad_value_fails_with_a_message_naming_it(helm_env, args, message):
    completed = run([tool("helm"), "template", "x", CHART, "--kube-version", KUBERNETES_VERSION, *args], env=helm_env)
    assert completed.returncode != 0, f"{args} rendered without error"
    assert message in completed.stderr, completed.stderr


def test_cluster_mode_grants_one_cluster_role(helm_env):
    objects = render(helm_env)
    [role] = of_kind(objects, "ClusterRole")
    [binding] = of_kind(objects, "ClusterRoleBinding")
    assert not of_kind(objects, "Role") and not of_kind(objects, "RoleBinding")
    assert granted(role["rules"]) == {**NAMESPACED_RESOURCES, **CLUSTER_SCOPED_RESOURCES}
    [account] = of_kind(objects, "ServiceAccount")
    assert binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "ClusterRole",
        "name": role["metadata"]["name"],
    }
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": account["metadata"]["name"], "namespace": "panelapp-operator"}
    ]


def test_namespaces_mode_grants_nothing_cluster_wide_on_namespaced_objects(helm_env):
    objects = render(helm_env, *values.namespaces("team-a", "team-b"))
    roles = of_kind(objects, "Role")
    assert sorted(role["metadata"]["namespace"] for role in roles) == ["team-a", "team-b"]
    for role in roles:
        assert granted(role["rules"]) == NAMESPACED_RESOURCES
    bindings = of_kind(objects, "RoleBinding")
    assert sorted(binding["metadata"]["namespace"] for binding in bindings) == ["team-a", "team-b"]
    for binding in bindings:
        assert binding["subjects"][0]["namespace"] == "panelapp-operator"
    # The only cluster-wide grant: kopf's reads of CRDs and namespaces, both cluster-scoped.
    [cluster_role] = of_kind(objects, "ClusterRole")
    assert granted(cluster_role["rules"]) == CLUSTER_SCOPED_RESOURCES


@pytest.mark.parametrize("variant", ["cluster", "namespaces"])
def test_rbac_is_least_privilege(helm_env, variant):
    objects = render(helm_env, *({"cluster": [], "namespaces": values.namespaces("team-a")}[variant]))
    for role in of_kind(objects, "ClusterRole") + of_kind(objects, "Role"):
        for rule in role["rules"]:
            for key in ("apiGroups", "resources", "verbs"):
                assert "*" not in rule[key], f"wildcard in {role['kind']} {role['metadata']['name']}: {rule}"
            assert not {"escalate", "bind", "impersonate", "deletecollection"} & set(rule["verbs"]), rule
            assert "resourceNames" not in rule or rule["resourceNames"], rule


def deployment(objects: list[dict]) -> dict:
    [found] = of_kind(objects, "Deployment")
    return found


def test_the_operator_deployment_is_production_grade(helm_env):
    pod = deployment(render(helm_env))["spec"]
    assert pod["replicas"] == 1
    assert pod["strategy"] == {"type": "Recreate"}
    spec = pod["template"]["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] >= 10000
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    [container] = spec["containers"]
    security = container["securityContext"]
    assert security["allowPrivilegeEscalation"] is False
    assert security["readOnlyRootFilesystem"] is True
    assert security["capabilities"] == {"drop": ["ALL"]}
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][kind]), container["resources"]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "health"}
    assert container["readinessProbe"]["tcpSocket"] == {"port": "health"}
    assert f"--liveness-port={ports['health']}" in container["args"]
    assert container["args"][:2] == ["run", "--all-namespaces"]
    assert container["image"] == "panelapp-operator:0.1.0"


def test_image_and_pull_secrets_come_from_values(helm_env):
    objects = render(
        helm_env,
        "--set",
        "image.repository=registry.example.org/panelapp/operator",
        "--set",
        "image.tag=1.2.3",
        "--set",
        "imagePullSecrets[0].name=regcred",
    )
    spec = deployment(objects)["spec"]["template"]["spec"]
    assert spec["containers"][0]["image"] == "registry.example.org/panelapp/operator:1.2.3"
    assert spec["imagePullSecrets"] == [{"name": "regcred"}]
    pinned = deployment(render(helm_env, "--set", f"image.digest={values.DIGEST}"))
    assert pinned["spec"]["template"]["spec"]["containers"][0]["image"] == f"panelapp-operator@{values.DIGEST}"


def test_namespaces_mode_passes_each_namespace_to_the_operator(helm_env):
    args = deployment(render(helm_env, *values.namespaces("team-a", "team-b")))["spec"]["template"]["spec"][
        "containers"
    ][0]["args"]
    assert "--namespace=team-a" in args and "--namespace=team-b" in args and "--all-namespaces" not in args


def test_optional_objects(helm_env):
    objects = render(helm_env, *values.everything("team-a", panelapp_namespace="team-a"))
    [service] = [obj for obj in of_kind(objects, "Service") if obj["metadata"]["name"].endswith("-metrics")]
    [monitor] = of_kind(objects, "ServiceMonitor")
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert monitor["spec"]["endpoints"][0]["port"] == service["spec"]["ports"][0]["name"] == "metrics"
    [panelapp] = of_kind(objects, "PanelApp")
    assert panelapp["metadata"]["namespace"] == "team-a"
    assert panelapp["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    assert panelapp["spec"] == values.minimal_panelapp()["spec"]
    [policy] = of_kind(objects, "NetworkPolicy")
    assert policy["spec"]["ingress"][0]["ports"] == [{"port": "metrics", "protocol": "TCP"}]
    plain = render(helm_env)
    assert not of_kind(plain, "ServiceMonitor") and not of_kind(plain, "PanelApp")
    assert of_kind(plain, "NetworkPolicy")[0]["spec"]["ingress"] == []


def test_chart_arguments_are_accepted_by_the_operator(helm_env):
    """Every argument the chart passes to `panelapp-operator` must be one its CLI knows."""
    from panelapp_operator.__main__ import _parser

    for variant in (
        values.cluster_wide(),
        values.namespaces("team-a"),
        ["--set", "verbose=true"],
        ["--set", "metrics.enabled=true"],
    ):
        args = deployment(render(helm_env, *variant))["spec"]["template"]["spec"]["containers"][0]["args"]
        try:
            _parser().parse_args(args)
        except SystemExit:
            pytest.fail(f"panelapp-operator refuses the chart's arguments {args} (values {variant})")
