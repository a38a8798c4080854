"""deploy/kubernetes/: every manifest is valid against the Kubernetes API
schemas (offline: the ones kubernetes-validate bundles), and the manifests
agree with the settings.ini their ConfigMap carries: it loads with
wsgi-echo's own loader, the probes ask its health path on the port it
listens on, the settings file is mounted where WSGI_ECHO_SETTINGS points,
and the grace period covers the preStop sleep and [server] timeout.

No cluster is needed, and none is used: this proves the files are well
formed and consistent, not that a cluster runs them.
"""

import os
import posixpath

import kubernetes_validate
import pytest
import yaml

from conftest import PROJECT
from wsgi_echo import settings as settings_module

KUBERNETES = os.path.join(PROJECT, "deploy", "kubernetes")
KUSTOMIZATION = "kustomization.yaml"
# The oldest version the manifests are written for (the preStop sleep action
# is on by default from 1.30), and the newest the installed schemas know.
VERSIONS = ("1.30.0", kubernetes_validate.latest_version())


def manifest_files():
    return sorted(
        name
        for name in os.listdir(KUBERNETES)
        if name.endswith((".yaml", ".yml")) and name != KUSTOMIZATION
    )


def documents():
    found = []
    for name in manifest_files():
        with open(os.path.join(KUBERNETES, name), encoding="utf-8") as handle:
            found += [(name, document) for document in yaml.safe_load_all(handle) if document]
    return found


def one(kind):
    matches = [document for _, document in documents() if document["kind"] == kind]
    assert len(matches) == 1, "%d %s manifests" % (len(matches), kind)
    return matches[0]


@pytest.fixture
def settings(tmp_path):
    """The ConfigMap's settings.ini, loaded the way a pod loads it."""
    path = tmp_path / "settings.ini"
    path.write_text(one("ConfigMap")["data"]["settings.ini"], encoding="utf-8")
    return settings_module.load(str(path))


def container():
    containers = one("Deployment")["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_manifest_is_valid_for_kubernetes(version):
    validated = []
    for name, document in documents():
        try:
            kubernetes_validate.validate(document, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(
                "%s: %s %s: %s at %s"
                % (
                    name,
                    document["kind"],
                    document["metadata"]["name"],
                    error.message,
                    "/".join(map(str, error.path)),
                )
            )
        validated.append(document["kind"])
    assert sorted(validated) == ["ConfigMap", "Deployment", "Service"]


def test_the_kustomization_applies_every_manifest_and_names_the_image():
    with open(os.path.join(KUBERNETES, KUSTOMIZATION), encoding="utf-8") as handle:
        kustomization = yaml.safe_load(handle)
    assert sorted(kustomization["resources"]) == manifest_files()
    image_name = container()["image"].rsplit(":", 1)[0]
    assert [image["name"] for image in kustomization["images"]] == [image_name]


def test_the_configmap_settings_load_and_listen_on_the_pod_address(settings):
    assert settings.server.host == "0.0.0.0"  # not loopback: the kubelet and the Service reach it
    assert settings.server.health_path
    assert ("/", "echo") in settings.routes  # no static site in the image


def test_the_settings_file_is_mounted_where_wsgi_echo_looks(settings):
    spec = one("Deployment")["spec"]["template"]["spec"]
    env = {item["name"]: item["value"] for item in container()["env"]}
    path = env[settings_module.ENV_VAR]
    mounts = {mount["name"]: mount["mountPath"] for mount in container()["volumeMounts"]}
    volumes = {volume["name"]: volume for volume in spec["volumes"]}
    configmap = one("ConfigMap")
    [(volume_name, mount_path)] = [
        (name, mount) for name, mount in mounts.items() if "configMap" in volumes[name]
    ]
    assert volumes[volume_name]["configMap"]["name"] == configmap["metadata"]["name"]
    assert posixpath.dirname(path) == mount_path
    assert posixpath.basename(path) in configmap["data"]


def test_the_probes_ask_the_health_path_on_the_port_wsgi_echo_listens_on(settings):
    ports = {port["name"]: port["containerPort"] for port in container()["ports"]}
    assert list(ports.values()) == [settings.server.port]
    for probe in ("readinessProbe", "livenessProbe"):
        check = container()[probe]["httpGet"]
        assert check["path"] == settings.server.health_path, probe
        assert ports.get(check["port"], check["port"]) == settings.server.port, probe
    service = one("Service")
    [service_port] = service["spec"]["ports"]
    assert ports.get(service_port["targetPort"], service_port["targetPort"]) == settings.server.port
    labels = one("Deployment")["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()


def test_the_grace_period_covers_the_prestop_sleep_and_the_drain(settings):
    grace = one("Deployment")["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    sleep = container()["lifecycle"]["preStop"]["sleep"]["seconds"]
    # The grace period runs from the start of preStop; SIGTERM comes after the
    # sleep, and wsgi-echo then lets requests finish for [server] timeout.
    assert sleep >= 5, "too short for endpoints to be updated everywhere"
    assert grace > sleep + settings.server.timeout, (grace, sleep, settings.server.timeout)
