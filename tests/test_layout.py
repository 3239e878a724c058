"""The house's layout rules that a forgotten line would silently break."""

import configparser
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_every_app_with_tests_is_collected():
    """An app missing from pytest.ini's testpaths would have its tests never run by make test."""
    config = configparser.ConfigParser()
    config.read(ROOT / "pytest.ini")
    testpaths = set(config["pytest"]["testpaths"].split())
    ours = [a for a in apps.get_app_configs() if Path(a.path).parent == ROOT]
    missing = sorted(a.label for a in ours if (Path(a.path) / "tests").is_dir() and Path(a.path).name not in testpaths)
    assert not missing, f"Applications dont les tests ne sont jamais lancés (pytest.ini, testpaths) : {missing}"
