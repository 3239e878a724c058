#!/usr/bin/env python
"""Django's command-line utility for einclusion."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "einclusion.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - load the settings now, to report a bad configuration clearly
    except ImproperlyConfigured as exc:
        sys.stderr.write(
            f"ImproperlyConfigured: {exc}\n"
            "Sur un poste de développement : préfixez la commande par DEBUG=true "
            "(make run le fait), ou copiez .env.example en .env et renseignez-le.\n"
        )
        sys.exit(1)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
