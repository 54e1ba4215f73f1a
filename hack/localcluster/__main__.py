"""`python hack/localcluster up`: start the local control plane and keep it up until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script path: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "localcluster"

from localcluster import ControlPlane, ControlPlaneError, MissingToolError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="localcluster", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start the control plane and keep it running until interrupted")
    up.add_argument("--workdir", type=Path, help="folder for PKI, kubeconfig and logs (default: a new temp folder)")
    up.add_argument("--api-port", type=int, help="fixed API server port (default: a free random port)")
    up.add_argument(
        "--real-node",
        action="store_true",
        help="also start a real node (containerd, runc, kubelet, kube-proxy) that runs real pods",
    )
    args = parser.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="panelapp-cluster-"))
    plane = ControlPlane(workdir=workdir.resolve(), api_port=args.api_port, real_node=args.real_node)
    print(f"Starting the local control plane in {plane.workdir} ...", flush=True)
    try:
        plane.start()
    except (MissingToolError, ControlPlaneError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Control plane ready in {plane.timings['total']:.1f} s at {plane.server}")
    print(f"  export KUBECONFIG={plane.kubeconfig}")
    print(f"  export PATH={plane.bin_path}:$PATH")
    print("  kubectl get nodes")
    print("Press Ctrl-C to stop.", flush=True)
    stop = False

    def request_stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, request_stop)
    try:
        while not stop:
            time.sleep(1)
            dead = [c.name for c in plane.components if c.process.poll() is not None]
            if dead:
                print(f"error: {', '.join(dead)} stopped unexpectedly\n{plane.describe_failure()}", file=sys.stderr)
                return 1
    except KeyboardInterrupt:
        pass
    finally:
        plane.stop()
        print("Control plane stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
