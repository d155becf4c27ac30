"""The pages in a real headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium): every page at 1280 and 390 px wide with no console error and nothing wider than
the screen, a calculator that follows its inputs, and a shared address that gives the
command line's numbers. Skipped, saying why, where the browser is not installed.

Screenshots go to $FLOPCAST_SCREENSHOTS when it is set (to look at them)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium: apt-get install chromium"),
    pytest.mark.skipif(DRIVER is None, reason="no chromedriver: apt-get install chromium-driver"),
]
selenium = pytest.importorskip("selenium", reason="selenium is not installed (the test extra)")

WIDTHS = (1280, 390)
PAGES = [
    "/",
    "/catalog",
    "/catalog?developer=Meta&sort=compute",
    "/models/llama-4-maverick",
    "/calc",
    "/calc/compute?active=288B&tokens=30T[30T..40T]&gpus=32K&achieved=390T&vs=3.8e25",
    "/calc/compute?model=llama-4-maverick",
    "/calc/cluster?gpus=100K&gpu=h100&days=90&mfu=40%25&date=2024-10",
    "/calc/optimal?compute=5.2e25",
    "/calc/overtrain?model=llama-4-maverick",
    "/calc/memory?model=llama-4-scout&quant=q4_k_m&context=32k",
    "/calc/memory?model=llama-3.1-8b&on=2x rtx 3090",
    "/calc/arch?config=llama-4-maverick",
    "/calc/compute?active=17X&tokens=22T",
    "/calc/cluster?power=1GW&gpu=gb200&days=120&mfu=40%25&date=2025-06",
    "/calc/cluster?gpus=1000&gpu=tpu-v5p&days=30",
    "/calc/plan",
    "/calc/plan?model=llama-3.1-405b&gpus=16384&tp=8&pp=16&recompute=full&tokens=15.6T",
    "/calc/plan?model=llama-3.1-8b&gpus=8&search=true",
    "/calc/plan?model=deepseek-v3&search=true&tp=8&pp=8",
    "/calc/trend",
    "/calc/trend?select=frontier&from=2018&at=2027-06&when=1e27&count-above=1e25&breakpoint=true",
    "/calc/trend?select=nonsense",
    "/calc/trend?systems=true",
]

#: Form controls without a label (a screen reader would announce nothing).
UNLABELLED = """
return [...document.querySelectorAll('input, select, textarea')]
  .filter(e => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label'))
  .map(e => e.name || e.id);
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="flopcast-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}",
    ):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _viewport(driver: Any, width: int) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def _console_errors(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


#: Elements reaching past the right edge of the screen (a table may scroll in its own box).
TOO_WIDE = """
const w = document.documentElement.clientWidth;
const out = [];
for (const e of document.querySelectorAll('body *')) {
  if (e.closest('.scroll')) continue;
  const r = e.getBoundingClientRect();
  if (r.width > 0 && r.right > w + 1) {
    out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right));
  }
}
const sw = document.documentElement.scrollWidth;
if (sw > w + 1) out.push('page scrolls sideways: ' + sw);
return out.slice(0, 10);
"""


def _shot(driver: Any, name: str) -> None:
    folder = os.environ.get("FLOPCAST_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        width = driver.execute_script("return document.documentElement.clientWidth")
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": min(int(height), 4000), "deviceScaleFactor": 1,
             "mobile": width < 600},
        )  # fmt: skip
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))
        _viewport(driver, width)


def _wait(predicate: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the page")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen_without_console_errors(
    browser: Any, server: str, width: int
) -> None:
    _viewport(browser, width)
    browser.get(server + "/")
    browser.get_log("browser")  # start clean
    for path in PAGES:
        browser.get(server + path)
        _wait(lambda: browser.execute_script("return document.readyState") == "complete")
        if path.startswith("/models/"):  # the report in its frame: loaded and sized
            _wait(
                lambda: browser.execute_script(
                    "const f = document.querySelector('iframe.report');"
                    "return !!(f && f.contentDocument && f.contentDocument.querySelector('h1'));"
                ),
                timeout=90,
            )
        assert browser.find_element("css selector", "h1").text
        wide = browser.execute_script(TOO_WIDE)
        assert wide == [], f"{path} at {width}px: {wide}"
        assert browser.execute_script(UNLABELLED) == [], path
        errors = _console_errors(browser)
        assert errors == [], f"{path} at {width}px: {errors}"
        name = path.strip("/").split("?")[0].replace("/", "-") or "home"
        if "?" in path:
            name += "-" + str(abs(hash(path)) % 1000)
        _shot(browser, f"{name}-{width}")


def test_a_calculator_follows_its_inputs_and_its_address(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By

    _viewport(browser, 1280)
    browser.get(server + "/calc/compute")
    active = browser.find_element(By.ID, "f-active")
    tokens = browser.find_element(By.ID, "f-tokens")
    active.send_keys("288B")
    tokens.send_keys("30T")

    def answer() -> str:
        found = browser.find_elements(By.ID, "answer")
        return str(found[0].text) if found else ""

    _wait(lambda: answer().startswith("5.18e25 FLOP"))
    _wait(lambda: "tokens=30T" in browser.current_url)
    assert "active=288B" in browser.current_url
    assert "gpus=" not in browser.current_url  # empty fields stay out of the link
    tokens.send_keys("..40T")  # 30T..40T: the interval follows
    _wait(lambda: "90%" in answer())
    assert "tokens=30T..40T" in browser.current_url
    tokens.clear()
    tokens.send_keys("lots")
    _wait(lambda: "--tokens" in browser.find_element(By.ID, "err-tokens").text)
    assert _console_errors(browser) == []
    _shot(browser, "compute-live-error-1280")


def test_a_shared_address_gives_the_command_line_s_numbers(
    browser: Any, server: str, cli: CLI
) -> None:
    from selenium.webdriver.common.by import By

    _viewport(browser, 390)
    browser.get(server + "/calc/compute?active=288B&tokens=30T")
    shown = browser.find_element(By.ID, "answer").text
    printed = cli("compute", "--active", "288B", "--tokens", "30T").out.splitlines()[0]
    assert shown == "5.18e25 FLOP"  # 6 x 288e9 x 30e12 = 5.184e25
    assert printed == f"Training compute: {shown}"
    assert browser.find_element(By.ID, "f-active").get_attribute("value") == "288B"


def test_the_catalog_filters_live(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _viewport(browser, 1280)
    browser.get(server + "/catalog")
    rows = len(browser.find_elements(By.CSS_SELECTOR, "table.catalog tbody tr"))
    Select(browser.find_element(By.ID, "f-arch")).select_by_value("moe")
    _wait(lambda: "arch=moe" in browser.current_url)
    _wait(lambda: 0 < len(browser.find_elements(By.CSS_SELECTOR, "table.catalog tbody tr")) < rows)
    assert _console_errors(browser) == []


def _answer(browser: Any) -> str:
    """The answer's text, or "" while htmx swaps the result in."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    try:
        found = browser.find_elements(By.ID, "answer")
        return str(found[0].text) if found else ""
    except StaleElementReferenceException:
        return ""


def _result_text(browser: Any) -> str:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    try:
        return str(browser.find_element(By.ID, "result").text)
    except StaleElementReferenceException:
        return ""


def _tab_to(browser: Any, element_id: str, limit: int = 80) -> None:
    """Move the focus with the Tab key alone until it reaches ``element_id``."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    for _ in range(limit):
        if browser.execute_script("return document.activeElement.id") == element_id:
            return
        ActionChains(browser).send_keys(Keys.TAB).perform()
    raise AssertionError(f"Tab never reached #{element_id}")


def test_the_plan_calculator_by_keyboard(browser: Any, server: str, cli: CLI) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    _viewport(browser, 390)
    browser.get(server + "/calc/plan?model=llama-3.1-8b&gpus=8")
    first = _answer(browser)
    printed = cli("plan", "llama-3.1-8b", "--gpus", "8").out.splitlines()[0]
    assert first.startswith("does not fit") and printed.endswith(f": {first}")
    _tab_to(browser, "f-tp")
    ActionChains(browser).send_keys("2").perform()
    _wait(lambda: "tp=2" in browser.current_url)
    _wait(lambda: _answer(browser).startswith("fits,"))  # half the model per GPU: it fits
    printed = cli("plan", "llama-3.1-8b", "--gpus", "8", "--tp", "2").out.splitlines()[0]
    assert printed.endswith(f": {_answer(browser)}")
    _tab_to(browser, "f-search")
    ActionChains(browser).send_keys(Keys.SPACE).perform()  # a checkbox, ticked by keyboard
    _wait(lambda: "layouts fit" in _answer(browser) or "smallest" in _answer(browser))
    assert "search=true" in browser.current_url
    assert _console_errors(browser) == []
    _shot(browser, "plan-keyboard-390")


def test_the_trend_page_follows_its_inputs(browser: Any, server: str, cli: CLI) -> None:
    from selenium.webdriver.common.by import By

    _viewport(browser, 1280)
    browser.get(server + "/calc/trend")
    growth = _answer(browser)
    printed = cli("trend").out.splitlines()[0]  # Training compute of ...: 2.12x/yr (...)
    assert growth.endswith("x per year") and growth.split("x")[0] in printed
    browser.find_element(By.ID, "f-select").send_keys("frontier")
    _wait(lambda: "select=frontier" in browser.current_url)
    _wait(lambda: _answer(browser) not in ("", growth))
    browser.find_element(By.ID, "f-when").send_keys("1e28")
    _wait(lambda: "when=1e28" in browser.current_url)
    _wait(lambda: "1e28 FLOP" in _result_text(browser))
    assert _console_errors(browser) == []


def test_the_cluster_calculator_shows_power_and_cost(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By

    _viewport(browser, 390)
    browser.get(server + "/calc/cluster?gpus=100K&gpu=h100&days=90&date=2024-10")
    text = browser.find_element(By.ID, "result").text
    assert "facility power" in text and "cloud" in text and "acquisition" in text
    power = browser.find_element(By.ID, "f-power")
    browser.find_element(By.ID, "f-gpus").clear()
    power.send_keys("1GW")
    _wait(lambda: "power=1GW" in browser.current_url)
    _wait(lambda: "accelerators the site holds" in _result_text(browser))
    assert _console_errors(browser) == []
