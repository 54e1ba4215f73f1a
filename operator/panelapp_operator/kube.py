"""The only module that talks to the Kubernetes API server, and the only one that imports the
client library: what the rest needs of it (a quantity parser, the default kubeconfig) is here too.

Writes are server-side apply with one field manager (force: we own our fields), plain creates for
create-once objects (Jobs, the generated Secret), deletes, status merge-patches and Events. Every
request is counted, so the cost of a reconcile is measurable (see `ApiStats`).

Secret values: Secrets are read only to learn their resourceVersion and key *names*; the data is
dropped at once and never logged, cached or put into an exception message.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import kubernetes
from kubernetes.client.exceptions import ApiException
from kubernetes.config import kube_config
from kubernetes.utils.quantity import parse_quantity as _parse_quantity

from panelapp_operator import kinds, names
from panelapp_operator.kinds import Kind

log = logging.getLogger(__name__)

PARTIAL_METADATA = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"
PARTIAL_METADATA_LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
HANDOFF_FIELD_MANAGER = f"{names.FIELD_MANAGER}-replicas-handoff"

# An object as the API server sends it (JSON), and a list of them. The client library is untyped;
# these are what the rest of the operator reads.
Object = dict[str, Any]
Objects = list[Object]


class ApiError(Exception):
    """A failed API request, with the server's own message (never a request body)."""

    def __init__(self, status: int, reason: str, message: str, verb: str, target: str):
        self.status, self.reason, self.server_message = status, reason, message
        super().__init__(f"{verb} {target}: {status} {reason}: {message}")

    @property
    def conflict(self) -> bool:
        return self.status == 409

    @property
    def not_found(self) -> bool:
        return self.status == 404

    @property
    def invalid(self) -> bool:
        """The request was refused as invalid (bad input reached past our own validation)."""
        return self.status in (400, 422)


class ApiStats:
    """Request counters by verb and kind, e.g. writes[("PATCH", "Deployment")]."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reads: Counter[tuple[str, str]] = Counter()
        self.writes: Counter[tuple[str, str]] = Counter()
        self.dry_runs: Counter[tuple[str, str]] = Counter()

    def count(self, verb: str, kind: str, dry_run: bool = False) -> None:
        with self._lock:
            if dry_run:
                self.dry_runs[(verb, kind)] += 1
            elif verb in ("GET", "LIST", "WATCH"):
                self.reads[(verb, kind)] += 1
            else:
                self.writes[(verb, kind)] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {
                "reads": sum(self.reads.values()),
                "writes": sum(self.writes.values()),
                "dry_runs": sum(self.dry_runs.values()),
            }

    def samples(self) -> list[tuple[str, str, str, int]]:
        """(type, verb, kind, count) for every counter: type is read, write or dry_run."""
        with self._lock:
            return [
                (label, verb, kind, count)
                for label, counter in (("read", self.reads), ("write", self.writes), ("dry_run", self.dry_runs))
                for (verb, kind), count in sorted(counter.items())
            ]


@dataclass(frozen=True)
class ReferenceFacts:
    """What the operator may know about a referenced Secret or ConfigMap: no values."""

    resource_version: str
    keys: frozenset[str]


def load_api_client(kubeconfig: str | None = None) -> kubernetes.client.ApiClient:
    """In-cluster credentials when running in a pod, else the kubeconfig (KUBECONFIG or ~/.kube)."""
    configuration = kubernetes.client.Configuration()
    try:
        if kubeconfig is None:
            kubernetes.config.load_incluster_config(client_configuration=configuration)
        else:
            raise kubernetes.config.ConfigException("kubeconfig given")
    except kubernetes.config.ConfigException:
        kubernetes.config.load_kube_config(config_file=kubeconfig, client_configuration=configuration)
    return kubernetes.client.ApiClient(configuration)


def point_default_kubeconfig(path: str) -> None:
    """Make `path` the client library's default kubeconfig. kopf's login loads that default, which
    the library read from $KUBECONFIG once, at import."""
    kube_config.KUBE_CONFIG_DEFAULT_LOCATION = path


def parse_quantity(value: str | int) -> Decimal:
    """A Kubernetes quantity (250m, 0.5, 1Gi, ...) as a number; ValueError if it is not one."""
    parsed: Decimal = _parse_quantity(value)
    return parsed


def path_of(kind: Kind, namespace: str | None, name: str | None = None, subresource: str | None = None) -> str:
    base = f"/api/{kind.version}" if not kind.group else f"/apis/{kind.group}/{kind.version}"
    path = base + (f"/namespaces/{quote(namespace)}" if namespace else "") + f"/{kind.plural}"
    if name:
        path += f"/{quote(name)}"
    if subresource:
        path += f"/{subresource}"
    return path


def now_rfc3339() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Kube:
    """Typed access to the API server for the operator."""

    def __init__(
        self, api_client: kubernetes.client.ApiClient, stats: ApiStats | None = None, reference_ttl_seconds: float = 5.0
    ):
        self.api_client = api_client
        self.stats = stats or ApiStats()
        self.reference_ttl_seconds = reference_ttl_seconds
        self._references: dict[tuple[str, str, str], tuple[float, ReferenceFacts | None]] = {}
        self._references_lock = threading.Lock()
        self.instance = socket.gethostname()

    # --- transport -------------------------------------------------------------------------------

    def _send(
        self,
        verb: str,
        kind: Kind,
        path: str,
        *,
        body: Any = None,
        query: Mapping[str, str] | None = None,
        content_type: str | None = None,
        accept: str = "application/json",
        dry_run: bool = False,
        count_as: str | None = None,
    ) -> bytes:
        """One request; the response body as it came."""
        method = "GET" if verb == "LIST" else verb
        query_params = list((query or {}).items())
        if dry_run:
            query_params.append(("dryRun", "All"))
        headers = {"Accept": accept}
        if content_type:
            headers["Content-Type"] = content_type
        self.stats.count(count_as or verb, kind.kind, dry_run)
        try:
            response = self.api_client.call_api(
                path,
                method,
                query_params=query_params,
                header_params=headers,
                body=body,
                auth_settings=["BearerToken"],
                _preload_content=False,
                _return_http_data_only=True,
                _request_timeout=60,
            )
        except ApiException as error:
            raise _api_error(error, verb, path) from None
        finally:
            # The client keeps the last raw response; it may be a Secret, so do not let it linger.
            self.api_client.last_response = None
        try:
            data: bytes = response.data or b""
        finally:
            response.release_conn()
        return data

    def _request(
        self,
        verb: str,
        kind: Kind,
        path: str,
        *,
        body: Any = None,
        query: Mapping[str, str] | None = None,
        content_type: str | None = None,
        accept: str = "application/json",
        dry_run: bool = False,
        count_as: str | None = None,
    ) -> Object | None:
        """A request answered with a JSON object (None: an empty answer)."""
        data = self._send(
            verb,
            kind,
            path,
            body=body,
            query=query,
            content_type=content_type,
            accept=accept,
            dry_run=dry_run,
            count_as=count_as,
        )
        document: Object | None = json.loads(data) if data else None
        return document

    def _object(
        self,
        verb: str,
        kind: Kind,
        path: str,
        *,
        body: Any = None,
        query: Mapping[str, str] | None = None,
        content_type: str | None = None,
        accept: str = "application/json",
        dry_run: bool = False,
        count_as: str | None = None,
    ) -> Object:
        """A request the API server answers with an object (the one read, written or listed)."""
        answer = self._request(
            verb,
            kind,
            path,
            body=body,
            query=query,
            content_type=content_type,
            accept=accept,
            dry_run=dry_run,
            count_as=count_as,
        )
        if answer is None:
            raise ApiError(0, "EmptyResponse", "the API server answered without an object", verb, path)
        return answer

    # --- reads -----------------------------------------------------------------------------------

    def get(self, kind: Kind, namespace: str, name: str) -> Object | None:
        try:
            return self._request("GET", kind, path_of(kind, namespace, name))
        except ApiError as error:
            if error.not_found:
                return None
            raise

    def list(self, kind: Kind, namespace: str | None, label_selector: str | None = None) -> Objects:
        query = {"labelSelector": label_selector} if label_selector else None
        result = self._object("LIST", kind, path_of(kind, namespace), query=query)
        items: Objects = result.get("items") or []
        return items

    def reference(self, kind: Kind, namespace: str, name: str) -> ReferenceFacts | None:
        """resourceVersion and key names of a Secret or ConfigMap (None if absent), read at most
        once per `reference_ttl_seconds`; the full object is only fetched when its version moved."""
        cache_key = (kind.kind, namespace, name)
        with self._references_lock:
            cached = self._references.get(cache_key)
        if cached is not None and time.monotonic() - cached[0] < self.reference_ttl_seconds:
            return cached[1]
        try:
            meta = self._object("GET", kind, path_of(kind, namespace, name), accept=PARTIAL_METADATA)
        except ApiError as error:
            if not error.not_found:
                raise
            facts = None
        else:
            version = meta["metadata"]["resourceVersion"]
            if cached is not None and cached[1] is not None and cached[1].resource_version == version:
                facts = cached[1]
            else:
                facts = self._read_keys(kind, namespace, name)
        with self._references_lock:
            self._references[cache_key] = (time.monotonic(), facts)
        return facts

    def _read_keys(self, kind: Kind, namespace: str, name: str) -> ReferenceFacts | None:
        obj = self.get(kind, namespace, name)
        if obj is None:
            return None
        keys = frozenset((obj.get("data") or {}).keys()) | frozenset((obj.get("binaryData") or {}).keys())
        version = obj["metadata"]["resourceVersion"]
        del obj  # values go no further than this function
        return ReferenceFacts(version, keys)

    def forget_reference(self, kind: Kind, namespace: str, name: str) -> None:
        with self._references_lock:
            self._references.pop((kind.kind, namespace, name), None)

    # --- metadata-only watches (referenced Secrets and ConfigMaps) ------------------------------

    def list_metadata(self, kind: Kind, namespace: str | None) -> tuple[Objects, str]:
        """Metadata of every object of a kind (no data: the server strips it), and the list's
        resourceVersion to start a watch from."""
        result = self._object("LIST", kind, path_of(kind, namespace), accept=PARTIAL_METADATA_LIST)
        return [item["metadata"] for item in result.get("items") or ()], result["metadata"]["resourceVersion"]

    def watch_metadata(
        self, kind: Kind, namespace: str | None, resource_version: str, timeout_seconds: int = 300
    ) -> Iterator[tuple[str, Object]]:
        """(event type, metadata) of every change after `resource_version`, until the server ends
        the watch (after `timeout_seconds`). The server sends metadata only, so a Secret's data never
        reaches this process. Raises ApiError(410) when the version is too old: list again."""
        path = path_of(kind, namespace)
        query = [
            ("watch", "true"),
            ("resourceVersion", resource_version),
            ("allowWatchBookmarks", "true"),
            ("timeoutSeconds", str(timeout_seconds)),
        ]
        self.stats.count("WATCH", kind.kind)
        try:
            response = self.api_client.call_api(
                path,
                "GET",
                query_params=query,
                header_params={"Accept": PARTIAL_METADATA},
                auth_settings=["BearerToken"],
                _preload_content=False,
                _return_http_data_only=True,
                _request_timeout=(10, timeout_seconds + 30),
            )
        except ApiException as error:
            raise _api_error(error, "WATCH", path) from None
        try:
            buffer = b""
            for chunk in response.stream(4096, decode_content=True):
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if not line.strip():
                        continue
                    event = json.loads(line)
                    obj = event.get("object") or {}
                    if event.get("type") == "ERROR":
                        raise ApiError(
                            obj.get("code") or 0, obj.get("reason") or "", obj.get("message") or "", "WATCH", path
                        )
                    yield event["type"], obj.get("metadata") or {}
        finally:
            response.release_conn()

    # --- writes ----------------------------------------------------------------------------------

    def apply(
        self, manifest: Mapping[str, Any], *, dry_run: bool = False, field_manager: str = names.FIELD_MANAGER
    ) -> Object:
        kind = kinds.of(dict(manifest))
        meta = manifest["metadata"]
        return self._object(
            "PATCH",
            kind,
            path_of(kind, meta.get("namespace"), meta["name"]),
            body=manifest,
            # Strict: an unknown field (a typo in a pass-through affinity, say) is an error the user
            # sees, not a silently dropped field that would look like drift forever.
            query={"fieldManager": field_manager, "force": "true", "fieldValidation": "Strict"},
            content_type="application/apply-patch+yaml",
            dry_run=dry_run,
            count_as="APPLY",
        )

    def create(self, manifest: Mapping[str, Any]) -> Object:
        kind = kinds.of(dict(manifest))
        return self._object(
            "POST",
            kind,
            path_of(kind, manifest["metadata"].get("namespace")),
            body=manifest,
            query={"fieldManager": names.FIELD_MANAGER, "fieldValidation": "Strict"},
        )

    def delete(self, kind: Kind, namespace: str, name: str, propagation: str = "Background") -> None:
        try:
            self._request(
                "DELETE",
                kind,
                path_of(kind, namespace, name),
                body={"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": propagation},
            )
        except ApiError as error:
            if not error.not_found:
                raise

    def hand_over_replicas(self, namespace: str, deployment: str, replicas: int) -> None:
        """Before the operator stops setting a Deployment's replicas (an autoscaler takes over),
        make another field manager co-own the current value, so that dropping the field from our
        apply does not reset the Deployment to one replica."""
        self.apply(
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": deployment, "namespace": namespace},
                "spec": {"replicas": replicas},
            },
            field_manager=HANDOFF_FIELD_MANAGER,
        )

    def pod_log(self, namespace: str, pod: str, *, tail_lines: int, limit_bytes: int = 16384) -> str | None:
        """The last lines of a pod's log (None when the node cannot give it, e.g. a stand-in node)."""
        try:
            data = self._send(
                "GET",
                kinds.POD,
                path_of(kinds.POD, namespace, pod, "log"),
                query={"tailLines": str(tail_lines), "limitBytes": str(limit_bytes)},
                accept="*/*",
            )  # plain text; the server refuses text/plain
        except ApiError as error:
            if error.not_found or error.invalid or error.status >= 500:
                return None
            raise
        return data.decode("utf-8", errors="replace")

    def patch_owner(self, kind: Kind, namespace: str, name: str, owner_references: Objects) -> Object:
        """Set an object's ownerReferences (a PanelAppTask becomes owned by its PanelApp)."""
        return self._object(
            "PATCH",
            kind,
            path_of(kind, namespace, name),
            body={"metadata": {"ownerReferences": owner_references}},
            content_type="application/merge-patch+json",
            count_as="PATCH owner",
        )

    def patch_status(self, namespace: str, name: str, status: Mapping[str, Any], kind: Kind = kinds.PANELAPP) -> Object:
        return self._object(
            "PATCH",
            kind,
            path_of(kind, namespace, name, "status"),
            body={"status": status},
            content_type="application/merge-patch+json",
            count_as="PATCH status",
        )

    def post_event(self, involved: Mapping[str, Any], type_: str, reason: str, message: str) -> None:
        meta = involved["metadata"]
        now = now_rfc3339()
        event = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"generateName": f"{meta['name']}.", "namespace": meta["namespace"]},
            "involvedObject": {
                "apiVersion": involved.get("apiVersion"),
                "kind": involved.get("kind"),
                "name": meta["name"],
                "namespace": meta["namespace"],
                "uid": meta.get("uid"),
            },
            "type": type_,
            "reason": reason,
            "message": message[:1024],
            "source": {"component": names.FIELD_MANAGER},
            "reportingComponent": names.FIELD_MANAGER,
            "reportingInstance": self.instance,
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
        }
        kind = Kind("Event", "", "v1", "events")
        self._request("POST", kind, path_of(kind, meta["namespace"]), body=event)


def _api_error(error: ApiException, verb: str, path: str) -> ApiError:
    message = error.reason or ""
    try:
        body = json.loads(error.body or "{}")
        message = body.get("message") or message
    except (ValueError, TypeError):
        pass
    return ApiError(error.status or 0, error.reason or "", message, verb, path)
