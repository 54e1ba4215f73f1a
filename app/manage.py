#!/usr/bin/env python
"""Django's command-line utility for PanelApp (the image installs the same as `panelapp-manage`)."""

import sys


def main() -> None:
    # Same entry as panelapp-manage: DJANGO_SETTINGS_MODULE defaults to the embedded
    # panelapp.settings.local, and a broken environment is reported as one clear error.
    from runtime.commands import manage_main

    manage_main(sys.argv)


if __name__ == "__main__":
    main()
