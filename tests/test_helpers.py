"""The test suite's own set-up decisions, checked without a browser."""

import pytest

from tests.helpers import chromium_launch_options


def _executable(path):
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_debians_chromium_is_used_where_it_is_installed(tmp_path):
    debian = _executable(tmp_path / "chromium")
    bundled = _executable(tmp_path / "chrome")
    assert chromium_launch_options(bundled, debian) == {"executable_path": str(debian)}


def test_without_debians_chromium_playwrights_own_browser_is_launched(tmp_path):
    bundled = _executable(tmp_path / "chrome")
    assert chromium_launch_options(bundled, tmp_path / "no-chromium") == {}  # no executable_path


def test_without_any_chromium_the_failure_says_how_to_install_one(tmp_path):
    with pytest.raises(pytest.fail.Exception, match=r"python -m playwright install chromium"):
        chromium_launch_options(tmp_path / "no-chrome", tmp_path / "no-chromium")
