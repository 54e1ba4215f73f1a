"""The version PanelApp reports on /version/."""

from importlib import metadata

DISTRIBUTION = "panelapp-operator"


def _installed_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # running from a source tree without installing
        return "0+unknown"


#: Read once per process: /version/ is a probe and must stay free of I/O.
VERSION = _installed_version()
