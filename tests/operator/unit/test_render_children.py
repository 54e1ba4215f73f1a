"""Workloads, Jobs, networking and scaling as rendered from the spec."""

from __future__ import annotations

import json

from panelapp_operator import names
from panelapp_operator.render import jobs, render_children
from tests.operator import samples
from tests.operator.unit.render_helpers import children, container, render_input


def test_every_child_is_owned_by_the_panelapp_and_labelled():
    for obj in children(samples.example_panelapp("production.yaml")["spec"]).values():
        owner = obj["metadata"]["ownerReferences"]
        assert owner == [
            {
                "apiVersion": "panelapp.org/v1alpha1",
                "kind": "PanelApp",
                "name": "panelapp",
                "uid": "0a1b2c3d-uid",
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
        labels = obj["metadata"]["labels"]
        assert labels[names.LABEL_MANAGED_BY] == "panelapp-operator"
        assert labels[names.LABEL_INSTANCE] == "panelapp"
        assert names.ANNOTATION_APPLIED_HASH in obj["metadata"]["annotations"]


def test_no_deployments_before_the_first_migration():
    kinds = {kind for kind, _ in children(workload_image=None)}
    assert "Deployment" not in kinds
    protected = render_children(render_input(workload_image=None)).protected
    assert ("Deployment", "panelapp-web") in protected and ("Deployment", "panelapp-worker") in protected


def test_restricted_security_context_and_writable_scratch_space():
    for component in ("web", "worker", "beat"):
        deployment = children()[("Deployment", f"panelapp-{component}")]
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert pod["automountServiceAccountToken"] is False
        app = container(deployment)
        assert app["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        }
        mounts = {m["mountPath"]: m["name"] for m in app["volumeMounts"]}
        assert mounts == {"/tmp": "tmp", "/dev/shm": "shm"}
        volumes = {v["name"]: v["emptyDir"] for v in pod["volumes"]}
        assert volumes["shm"]["medium"] == "Memory"
        assert app["resources"]["requests"]["cpu"] and app["resources"]["requests"]["memory"]


def test_web_probes_use_the_version_endpoint_with_an_allowed_host():
    spec = samples.minimal_spec(allowedHosts=[".example.org", "panelapp.example.org"])
    app = container(children(spec)[("Deployment", "panelapp-web")])
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        http = app[probe]["httpGet"]
        assert http["path"] == "/version/" and http["port"] == "http"
        assert http["httpHeaders"] == [{"name": "Host", "value": "example.org"}]
    assert app["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    assert app["lifecycle"] == {"preStop": {"sleep": {"seconds": 15}}}
    assert app["command"] == ["panelapp-web"]


def test_web_never_loses_capacity_during_a_rollout():
    web = children()[("Deployment", "panelapp-web")]
    assert web["spec"]["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    assert web["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == 60


def test_worker_has_no_liveness_probe_and_time_for_a_warm_shutdown():
    worker = children(samples.minimal_spec(worker={"concurrency": 6}))[("Deployment", "panelapp-worker")]
    app = container(worker)
    assert not {"livenessProbe", "readinessProbe", "startupProbe"} & set(app)
    assert app["command"] == ["panelapp-worker", "--concurrency=6"]
    assert worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == 360


def test_beat_is_a_singleton():
    beat = children(samples.minimal_spec(worker={"replicas": 5}))[("Deployment", "panelapp-beat")]
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"] == {"type": "Recreate"}
    assert container(beat)["command"] == ["panelapp-beat"]
    assert ("Deployment", "panelapp-beat") not in children(samples.minimal_spec(beat={"enabled": False}))


def test_autoscaled_deployments_leave_replicas_to_the_autoscaler():
    spec = samples.minimal_spec(
        web={"autoscaling": {"enabled": True, "minReplicas": 3, "maxReplicas": 9}}, worker={"replicas": 4}
    )
    rendered = children(spec)
    assert "replicas" not in rendered[("Deployment", "panelapp-web")]["spec"]
    assert rendered[("Deployment", "panelapp-worker")]["spec"]["replicas"] == 4
    hpa = rendered[("HorizontalPodAutoscaler", "panelapp-web")]
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "panelapp-web"}
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 9)
    assert ("HorizontalPodAutoscaler", "panelapp-worker") not in rendered


def test_a_deployment_created_under_an_autoscaler_starts_at_its_minimum():
    spec = samples.minimal_spec(
        web={"autoscaling": {"enabled": True, "minReplicas": 3}},
        worker={"replicas": 4, "autoscaling": {"enabled": True, "minReplicas": 5, "maxReplicas": 8}},
    )
    created = children(spec, new_deployments=frozenset({"web", "worker"}))
    assert created[("Deployment", "panelapp-web")]["spec"]["replicas"] == 3
    assert created[("Deployment", "panelapp-worker")]["spec"]["replicas"] == 5
    # Once it exists, the count is the autoscaler's alone.
    assert "replicas" not in children(spec)[("Deployment", "panelapp-web")]["spec"]
    # Without an autoscaler, a new Deployment simply gets its replicas.
    plain = children(samples.minimal_spec(), new_deployments=frozenset({"web"}))
    assert plain[("Deployment", "panelapp-web")]["spec"]["replicas"] == 2


def test_disruption_budgets():
    spec = samples.minimal_spec(
        web={"podDisruptionBudget": {"enabled": True, "minAvailable": "50%"}},
        worker={"podDisruptionBudget": {"enabled": True}},
    )
    rendered = children(spec)
    assert rendered[("PodDisruptionBudget", "panelapp-web")]["spec"]["minAvailable"] == "50%"
    worker_budget = rendered[("PodDisruptionBudget", "panelapp-worker")]["spec"]
    assert worker_budget["maxUnavailable"] == 1
    assert worker_budget["selector"]["matchLabels"][names.LABEL_COMPONENT] == "worker"


def test_pod_template_overrides_reach_every_pod_including_jobs():
    spec = samples.minimal_spec(
        podTemplate={
            "annotations": {"team": "genomics", "kwok.panelapp.org/outcome": "crashloop"},
            "labels": {"cost-centre": "42", names.LABEL_COMPONENT: "hijack"},
            "nodeSelector": {"pool": "apps"},
            "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "apps", "effect": "NoSchedule"}],
            "affinity": {"nodeAffinity": {"x": 1}},
            "priorityClassName": "high",
        },
        web={
            "podTemplate": {
                "annotations": {"kwok.panelapp.org/outcome": "imagepull"},
                "tolerations": [{"key": "web", "operator": "Exists"}],
            }
        },
        migrations={"podTemplate": {"annotations": {"kwok.panelapp.org/outcome": "fail"}}},
    )
    inp = render_input(spec)
    rendered = children(spec)
    web = rendered[("Deployment", "panelapp-web")]["spec"]["template"]
    worker = rendered[("Deployment", "panelapp-worker")]["spec"]["template"]
    migrate = jobs.render_migration_job(inp, samples.IMAGE, "k")["spec"]["template"]
    collect = jobs.render_collectstatic_job(inp, samples.IMAGE, "k")["spec"]["template"]
    assert web["metadata"]["annotations"]["kwok.panelapp.org/outcome"] == "imagepull"  # component wins
    assert worker["metadata"]["annotations"]["kwok.panelapp.org/outcome"] == "crashloop"
    assert migrate["metadata"]["annotations"]["kwok.panelapp.org/outcome"] == "fail"
    assert collect["metadata"]["annotations"]["kwok.panelapp.org/outcome"] == "crashloop"
    for template in (web, worker, migrate, collect):
        assert template["metadata"]["annotations"]["team"] == "genomics"
        assert template["metadata"]["labels"]["cost-centre"] == "42"
        assert template["metadata"]["labels"][names.LABEL_COMPONENT] != "hijack"  # ours always win
        assert template["spec"]["nodeSelector"] == {"pool": "apps"}
        assert template["spec"]["affinity"] == {"nodeAffinity": {"x": 1}}
        assert template["spec"]["priorityClassName"] == "high"
    assert [t["key"] for t in web["spec"]["tolerations"]] == ["dedicated", "web"]  # appended


def test_job_names_are_deterministic_and_fit_in_a_label():
    key = names.upgrade_key(samples.IMAGE, None)
    assert key == names.upgrade_key(samples.IMAGE, None)
    assert key != names.upgrade_key(samples.IMAGE, "again") != names.upgrade_key(samples.NEXT_IMAGE, None)
    inp = render_input(name="p" * 40)
    rendered_jobs = (
        jobs.render_migration_job(inp, samples.IMAGE, key),
        jobs.render_collectstatic_job(inp, samples.IMAGE, key),
    )
    for job in rendered_jobs:
        assert len(job["metadata"]["name"]) <= 63
        assert job["spec"]["backoffLimit"] == 0 and job["spec"]["activeDeadlineSeconds"] == 900
        assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
        assert job["metadata"]["labels"][names.LABEL_UPGRADE_KEY] == key


def test_service_and_plain_ingress():
    spec = samples.minimal_spec(
        ingress={
            "enabled": True,
            "className": "nginx",
            "tls": {"secretName": "tls"},
            "annotations": {"nginx.ingress.kubernetes.io/proxy-body-size": "50m"},
        }
    )
    rendered = children(spec)
    service = rendered[("Service", "panelapp")]["spec"]
    assert service["ports"] == [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]
    assert service["selector"][names.LABEL_COMPONENT] == "web"
    ingress = rendered[("Ingress", "panelapp")]
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert ingress["spec"]["rules"][0]["host"] == "panelapp.example.org"
    assert ingress["spec"]["tls"] == [{"hosts": ["panelapp.example.org"], "secretName": "tls"}]
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"] == "50m"
    assert not [a for a in ingress["metadata"]["annotations"] if a.startswith("alb.")]
    assert ("Ingress", "panelapp-login") not in rendered


def test_alb_ingress_with_cognito_on_the_login_path():
    spec = samples.example_panelapp("production.yaml")["spec"]
    rendered = children(spec)
    main, login = rendered[("Ingress", "panelapp")], rendered[("Ingress", "panelapp-login")]
    alb = "alb.ingress.kubernetes.io"
    for ingress in (main, login):
        annotations = ingress["metadata"]["annotations"]
        assert ingress["spec"]["ingressClassName"] == "alb"
        assert annotations[f"{alb}/scheme"] == "internet-facing"
        assert annotations[f"{alb}/certificate-arn"].startswith("arn:aws:acm:")
        assert annotations[f"{alb}/group.name"] == "genomics-public"
        assert annotations[f"{alb}/target-type"] == "ip"
    assert login["spec"]["rules"][0]["http"]["paths"][0]["path"] == "/accounts/login/"
    login_annotations = login["metadata"]["annotations"]
    assert login_annotations[f"{alb}/auth-type"] == "cognito"
    assert json.loads(login_annotations[f"{alb}/auth-idp-cognito"]) == {
        "userPoolARN": spec["cognito"]["userPoolARN"],
        "userPoolClientID": spec["cognito"]["userPoolClientID"],
        "userPoolDomain": spec["cognito"]["domainPrefix"],
    }
    assert int(login_annotations[f"{alb}/group.order"]) < int(main["metadata"]["annotations"][f"{alb}/group.order"])
    assert f"{alb}/auth-type" not in main["metadata"]["annotations"]


def test_irsa_service_account_and_network_policy():
    rendered = children(samples.example_panelapp("production.yaml")["spec"])
    account = rendered[("ServiceAccount", "panelapp")]
    assert account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == "arn:aws:iam::123456789012:role/panelapp"
    for component in ("web", "worker", "beat"):
        assert (
            rendered[("Deployment", f"panelapp-{component}")]["spec"]["template"]["spec"]["serviceAccountName"]
            == "panelapp"
        )
    policy = rendered[("NetworkPolicy", "panelapp")]["spec"]
    assert policy["policyTypes"] == ["Ingress"]
    assert policy["ingress"] == [{"ports": [{"protocol": "TCP", "port": 8080}]}]


def test_existing_service_account_is_used_not_created():
    rendered = children(samples.minimal_spec(serviceAccount={"create": False, "name": "platform-sa"}))
    assert not [key for key in rendered if key[0] == "ServiceAccount"]
    assert rendered[("Deployment", "panelapp-web")]["spec"]["template"]["spec"]["serviceAccountName"] == "platform-sa"


def test_config_hash_is_stamped_on_pod_templates():
    before = children()[("Deployment", "panelapp-web")]["spec"]["template"]["metadata"]["annotations"]
    after = children(samples.minimal_spec(forceReload="2026-11-26"))[("Deployment", "panelapp-web")]
    after = after["spec"]["template"]["metadata"]["annotations"]
    assert before[names.ANNOTATION_CONFIG_HASH] != after[names.ANNOTATION_CONFIG_HASH]
