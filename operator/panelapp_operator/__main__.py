"""Command line of the PanelApp operator.

python -m panelapp_operator run [--namespace NS ...] [--liveness-port 8080]   run the operator
python -m panelapp_operator render FILE                                        manifests, no cluster
python -m panelapp_operator crd                                                print the CRD
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from panelapp_operator import crd, validation
from panelapp_operator import spec as api


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    command: Callable[[argparse.Namespace], int] = args.command
    return command(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m panelapp_operator",
        description="The PanelApp operator: runs Genomics England's PanelApp on Kubernetes from one PanelApp "
        "resource (panelapp.org/v1alpha1).",
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run the operator against the current cluster",
        description="Run the operator. It uses in-cluster credentials when running in a pod, else KUBECONFIG "
        "(or ~/.kube/config). It needs the CRD installed (see the `crd` command) and permission to manage "
        "Deployments, Jobs, ConfigMaps, Services, ServiceAccounts, Ingresses, NetworkPolicies, "
        "HorizontalPodAutoscalers and PodDisruptionBudgets, to read Secrets, ConfigMaps and Pods, to create "
        "one Secret per PanelApp and to post Events, in the watched namespaces.",
    )
    run.add_argument(
        "-n",
        "--namespace",
        action="append",
        dest="namespaces",
        default=None,
        metavar="NS",
        help="watch this namespace (repeatable). Default: $WATCH_NAMESPACES (comma-separated), else all namespaces",
    )
    run.add_argument(
        "-A", "--all-namespaces", action="store_true", help="watch all namespaces even if $WATCH_NAMESPACES is set"
    )
    run.add_argument(
        "--liveness-port",
        type=int,
        default=int(os.environ.get("LIVENESS_PORT", "8080")),
        help="port of the liveness endpoint GET /healthz (default: $LIVENESS_PORT or 8080; 0 turns it off)",
    )
    run.add_argument(
        "--liveness-host",
        default=os.environ.get("LIVENESS_HOST", "0.0.0.0"),
        help="address the liveness endpoint binds to (default 0.0.0.0)",
    )
    run.add_argument(
        "--metrics-port",
        type=int,
        default=int(os.environ.get("METRICS_PORT", "9090")),
        help="port of the Prometheus metrics endpoint GET /metrics (default: $METRICS_PORT or 9090; 0 "
        "turns it off); it binds to the liveness address",
    )
    run.add_argument(
        "--resync-seconds",
        type=float,
        default=float(os.environ.get("RESYNC_SECONDS", "60")),
        help="reconcile every PanelApp at least this often, to repair drift no event announced "
        "(default: $RESYNC_SECONDS or 60); rotated Secrets and ConfigMaps are watched and roll "
        "the pods at once",
    )
    run.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WORKERS", "4")),
        help="PanelApps reconciled in parallel (default: $WORKERS or 4)",
    )
    run.add_argument("--kubeconfig", default=None, help="kubeconfig file (default: in-cluster, then KUBECONFIG)")
    run.add_argument(
        "--log-format",
        choices=("plain", "full", "json"),
        default=os.environ.get("LOG_FORMAT", "full"),
        help="log format (default: full)",
    )
    run.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    run.set_defaults(command=_run)

    render = commands.add_parser(
        "render",
        help="print the manifests a PanelApp resource produces (no cluster needed)",
        description="Validate a PanelApp resource and print, as a YAML stream, the objects the operator keeps "
        "for it once converged (children at the spec's image, plus that image's backup, migration and collectstatic "
        "Jobs). For review and GitOps diffs. Owner references and the generated SECRET_KEY Secret only exist "
        "in a cluster and are left out.",
    )
    render.add_argument("file", help="PanelApp YAML file, or - for standard input")
    render.add_argument(
        "--namespace", default=None, help="namespace to render into (default: the resource's, else 'default')"
    )
    render.set_defaults(command=_render)

    show_crd = commands.add_parser(
        "crd",
        help="print the PanelApp (or PanelAppTask) CustomResourceDefinition",
        description="Print the CRD generated from the spec models (the same as "
        "crds/panelapp.org_panelapps.yaml, or crds/panelapp.org_panelapptasks.yaml "
        "with --kind PanelAppTask); pipe it to `kubectl apply -f -`.",
    )
    show_crd.add_argument(
        "--kind", choices=("PanelApp", "PanelAppTask"), default="PanelApp", help="which CRD (default PanelApp)"
    )
    show_crd.set_defaults(command=_crd)
    return parser


def _crd(args: argparse.Namespace) -> int:
    sys.stdout.write(crd.render_crd_yaml(args.kind))
    return 0


def _render(args: argparse.Namespace) -> int:
    from panelapp_operator.render import render_for_review

    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text()
    documents = [doc for doc in yaml.safe_load_all(text) if doc]
    resources = [doc for doc in documents if doc.get("kind") == api.KIND]
    if not resources:
        print(f"error: no {api.KIND} resource in {args.file}", file=sys.stderr)
        return 2
    out: list[dict[str, Any]] = []
    for resource in resources:
        metadata = resource.get("metadata") or {}
        name = metadata.get("name")
        if not name:
            print("error: metadata.name: required field is missing", file=sys.stderr)
            return 2
        namespace = args.namespace or metadata.get("namespace") or "default"
        try:
            validation.check_name(name)
            spec = validation.parse_spec(resource.get("spec"))
        except validation.InvalidSpec as problem:
            print(f"error: {api.KIND} {name}: {problem}", file=sys.stderr)
            return 1
        out.extend(render_for_review(spec, name, namespace))
    sys.stdout.write(yaml.safe_dump_all(out, sort_keys=False, width=120))
    return 0


def _run(args: argparse.Namespace) -> int:
    import kopf

    from panelapp_operator import metrics
    from panelapp_operator.controller import Controller
    from panelapp_operator.handlers import build_registry, build_settings, quiet_kopf_loggers
    from panelapp_operator.kube import Kube, load_api_client, point_default_kubeconfig

    log_format = {"plain": kopf.LogFormat.PLAIN, "full": kopf.LogFormat.FULL, "json": kopf.LogFormat.JSON}
    kopf.configure(verbose=args.verbose, log_format=log_format[args.log_format])
    if not args.verbose:
        quiet_kopf_loggers()
    logging.getLogger("kubernetes").setLevel(logging.WARNING)  # never log request/response bodies

    namespaces = _namespaces(args)
    # Referenced Secrets are re-read at most every few seconds (bursts of events); a change the
    # reference watches report drops its cached facts at once.
    kube = Kube(load_api_client(args.kubeconfig), reference_ttl_seconds=min(5.0, args.resync_seconds / 2))
    controller = Controller(kube, workers=args.workers, resync_seconds=args.resync_seconds, namespaces=namespaces)
    liveness = f"http://{args.liveness_host}:{args.liveness_port}/healthz" if args.liveness_port else None
    logging.getLogger(__name__).info(
        "watching %s; liveness at %s", ", ".join(namespaces) if namespaces else "all namespaces", liveness or "off"
    )
    if args.kubeconfig:
        # kopf's login loads the client library's default kubeconfig: point it at the file asked for.
        point_default_kubeconfig(args.kubeconfig)
    metrics_server = metrics.serve(controller, args.liveness_host, args.metrics_port) if args.metrics_port else None
    try:
        asyncio.run(
            kopf.operator(
                registry=build_registry(controller),
                settings=build_settings(),
                standalone=True,  # one replica; no peering objects needed
                clusterwide=not namespaces,
                namespaces=namespaces,
                liveness_endpoint=liveness,
            )
        )
    finally:
        controller.stop()
        if metrics_server is not None:
            metrics_server.shutdown()
    return 0


def _namespaces(args: argparse.Namespace) -> list[str]:
    if args.all_namespaces:
        return []
    if args.namespaces:
        return [ns for item in args.namespaces for ns in item.split(",") if ns]
    return [ns.strip() for ns in os.environ.get("WATCH_NAMESPACES", "").split(",") if ns.strip()]


if __name__ == "__main__":
    sys.exit(main())
