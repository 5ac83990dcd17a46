"""Headless Chromium for the tests: Debian's chromium and chromedriver, driven by Selenium.

One place for how the tests find the browser, skip without it (or fail when
``SAKIPCALC_REQUIRE_BROWSER=1``, as CI sets), start it and put it in A4 print mode.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def browser_or_skip() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        reason = "headless Chromium is not installed: " + ", ".join(missing)
        if os.environ.get("SAKIPCALC_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (SAKIPCALC_REQUIRE_BROWSER=1)")
        pytest.skip(reason)


def open_chromium(profile: Path) -> Any:
    """A headless Chromium that fetches nothing on its own and logs the page's console."""
    browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    return driver


def print_mode(driver: Any, width: int, height: int) -> None:
    """Print media at a page's printable size (CSS pixels)."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
