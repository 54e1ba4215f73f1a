"""A throw-away PKI for the local control plane: one CA, the API server's serving certificate,
an admin client certificate (group system:masters) and the service-account signing key."""

from __future__ import annotations

import datetime
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SERVICE_IP = "10.96.0.1"
REAL_NODE_NAME = (
    "real-node-0"  # realnode.NODE_NAME  # first address of the service CIDR: the in-cluster `kubernetes` Service
)


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    path.chmod(0o600)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


_KEY_USAGE_OFF = {
    "content_commitment": False,
    "data_encipherment": False,
    "key_agreement": False,
    "encipher_only": False,
    "decipher_only": False,
}


#: Common name (and file stem) of the API server's client certificate towards aggregated APIs.
FRONT_PROXY_CLIENT = "front-proxy-client"


def make_pki(directory: Path, extra_ips: tuple[str, ...] = (), service_ip: str = SERVICE_IP) -> None:
    """Writes ca.{crt,key}, apiserver.{crt,key}, admin.{crt,key}, the real node's kubelet.{crt,key}
    and kube-proxy.{crt,key}, the aggregation layer's front-proxy-client.{crt,key}, and sa.{key,pub}
    into `directory`. `service_ip` is the first address
    of the Service range (the in-cluster `kubernetes` Service), a name of the API server."""
    now = datetime.datetime.now(datetime.UTC)
    not_before, not_after = now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=30)

    ca_key = _new_key()
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "panelapp-local-ca")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, key_cert_sign=True, crl_sign=True, key_encipherment=False, **_KEY_USAGE_OFF
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_key(directory / "ca.key", ca_key)
    _write_cert(directory / "ca.crt", ca)

    def issue(stem: str, common_name: str, organizations: tuple[str, ...] = (), server: bool = False) -> None:
        key = _new_key()
        name = x509.Name(
            [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
            + [x509.NameAttribute(NameOID.ORGANIZATION_NAME, org) for org in organizations]
        )
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_encipherment=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    **_KEY_USAGE_OFF,
                ),
                critical=True,
            )
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        )
        if server:
            dns = [
                "localhost",
                "kubernetes",
                "kubernetes.default",
                "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local",
            ]
            ips = ["127.0.0.1", service_ip, *extra_ips]
            sans = [x509.DNSName(n) for n in dns] + [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
            builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
        _write_key(directory / f"{stem}.key", key)
        _write_cert(directory / f"{stem}.crt", builder.sign(ca_key, hashes.SHA256()))

    issue("apiserver", "kube-apiserver", server=True)
    issue("admin", "panelapp-local-admin", organizations=("system:masters",))
    # The real node's identities, as kubeadm names them: the Node authorizer lets a kubelet touch
    # only its own node and pods; RBAC's system:node-proxier role is bound to system:kube-proxy.
    issue("kubelet", f"system:node:{REAL_NODE_NAME}", organizations=("system:nodes",))
    issue("kube-proxy", "system:kube-proxy")
    # The aggregation layer: the API server proxies aggregated APIs (an external-metrics adapter,
    # say) with this client certificate and the caller's identity in X-Remote-* headers.
    issue(FRONT_PROXY_CLIENT, FRONT_PROXY_CLIENT)
    # Service-account tokens: the API server signs with the private key and verifies with the
    # public one; the controller-manager signs the legacy token Secrets with the private key.
    sa_key = _new_key()
    _write_key(directory / "sa.key", sa_key)
    (directory / "sa.pub").write_bytes(
        sa_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
