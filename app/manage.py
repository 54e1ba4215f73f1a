#!/usr/bin/env python
"""Django's command-line utility for PanelApp administrative tasks."""
import os
import sys


def main() -> None:
    # The embedded default runs with nothing but SQLite and local files.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panelapp.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
