"""The flows in a real headless Chromium (Debian's chromium + chromium-driver, Selenium): the
secretary uploads the sample ledgers with one planted error, sees it named, uploads the fix,
generates and downloads the report (its metrics equal the CLI's), submits; the reviewer sees it
and sends it back; the secretary sees the comment. Screenshots of each page go to .screenshots/."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import unittest
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import LiveServerTestCase, override_settings

from pipeline import api
from pipeline.web.models import Branch, Committee

from .helpers import PASSWORD, ROOT, SAMPLE, planted_error

pytestmark = pytest.mark.spawns  # worker processes (and, for the browser, Chromium)

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
SHOTS = ROOT / ".screenshots"
MISSING = [str(p) for p in (CHROMIUM, DRIVER) if not p.exists()]
try:
    import selenium  # noqa: F401
except ImportError:
    MISSING.append("selenium (requirements-dev.lock)")


@unittest.skipIf(MISSING, f"浏览器流程测试需要 {'、'.join(MISSING)}（apt-get install chromium chromium-driver）")
class BrowserFlow(LiveServerTestCase):
    def setUp(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.tmp = Path(tempfile.mkdtemp(prefix="portal-browser-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)
        patch = override_settings(DATA=str(self.tmp / "data"))
        patch.enable()
        self.addCleanup(patch.disable)
        User = get_user_model()
        committee = Committee.objects.create(name="县直机关工委")
        self.branch = Branch.objects.create(committee=committee, name="组织部机关党支部")
        self.branch.secretaries.add(User.objects.create_user("shuji", password=PASSWORD, first_name="李明华"))
        committee.reviewers.add(User.objects.create_user("shenyue", password=PASSWORD, first_name="王审阅"))
        self.downloads = self.tmp / "downloads"
        self.downloads.mkdir()
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1366,768",
                    f"--user-data-dir={self.tmp / 'profile'}", "--lang=zh-CN"):
            options.add_argument(arg)
        options.add_experimental_option("prefs", {"download.default_directory": str(self.downloads),
                                                  "download.prompt_for_download": False})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.browser = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
        self.addCleanup(self.browser.quit)
        self.browser.set_window_size(1366, 768)
        SHOTS.mkdir(exist_ok=True)

    # -- helpers -------------------------------------------------------------------------------
    def shot(self, name: str) -> None:
        self.browser.save_screenshot(str(SHOTS / f"{name}.png"))

    def wait_for(self, text: str, seconds: float = 60) -> None:
        from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        # the page may be replaced while it is read (a form posted, htmx reloading it)
        ignored = (StaleElementReferenceException, NoSuchElementException)
        WebDriverWait(self.browser, seconds, ignored_exceptions=ignored).until(lambda b: text in b.find_element(By.TAG_NAME, "body").text,
                                                   f"page never showed {text!r}")

    def click(self, text: str) -> None:
        from selenium.webdriver.common.by import By

        found = self.browser.find_elements(By.XPATH, f"//button[contains(., '{text}')] | //a[contains(., '{text}')]")
        assert found, f"no button or link {text!r}"
        found[0].click()

    def login(self, username: str) -> None:
        from selenium.webdriver.common.by import By

        self.browser.get(self.live_server_url + "/login/")
        self.browser.find_element(By.ID, "id_username").send_keys(username)
        self.browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
        self.click("登录")

    def logout(self) -> None:
        self.click("退出")
        self.wait_for("登录")

    def upload(self, folder: Path) -> None:
        from selenium.webdriver.common.by import By

        self.browser.find_element(By.ID, "files").send_keys("\n".join(str(p) for p in sorted(folder.iterdir())))
        self.click("上传并检查")
        self.wait_for("检查结果")

    def downloaded(self, suffix: str) -> Path:
        for _ in range(100):
            found = [p for p in self.downloads.iterdir() if p.suffix == suffix]
            if found:
                return found[0]
            time.sleep(0.1)
        raise AssertionError(f"no {suffix} downloaded")

    # -- the flow ------------------------------------------------------------------------------
    def test_secretary_and_reviewer_in_a_browser(self):
        self.browser.get(self.live_server_url + "/login/")
        self.shot("01-登录")
        self.login("shuji")
        self.wait_for("上传台账")
        self.shot("02-支部首页")

        self.upload(planted_error(self.tmp / "有错误的台账"))
        self.wait_for("四百八")  # the planted error, named with its file, sheet, row and column
        body = self.browser.page_source
        assert "党费收缴台账.xlsx" in body and "缴纳标准（元/月）" in body and "发现 <strong>1</strong> 个错误" in body
        self.shot("03-检查结果-有错误")

        self.click(self.branch.name)
        self.wait_for("历次上传")
        self.upload(SAMPLE)
        self.wait_for("没有错误")
        self.shot("04-检查结果-无错误")
        self.click("下载校验报告.xlsx")
        assert self.downloaded(".xlsx").read_bytes()[:2] == b"PK"

        self.click("生成述职报告")
        self.wait_for("下载 Word")
        self.click("下载 Word")
        assert self.downloaded(".docx").read_bytes()[:2] == b"PK"
        self.click("metrics.json")
        metrics = json.loads(self.downloaded(".json").read_text(encoding="utf-8"))
        api.run_report(SAMPLE, self.tmp / "cli", None)
        assert metrics == json.loads((self.tmp / "cli" / "metrics.json").read_text(encoding="utf-8"))
        self.shot("05-报告已生成")
        self.click("提交给县直机关工委")
        self.wait_for("已提交给县直机关工委")
        self.shot("06-已提交")
        self.logout()

        self.login("shenyue")
        self.wait_for("各支部总览")
        assert "已提交" in self.browser.page_source
        self.shot("07-审阅-各支部总览")
        self.click("第2版")
        self.wait_for("退回意见")
        from selenium.webdriver.common.by import By

        self.browser.find_element(By.TAG_NAME, "textarea").send_keys("党课记录不全，请补充第三季度的党课。")
        self.click("退回修改")
        self.wait_for("已退回组织部机关党支部第2版")
        self.shot("08-审阅-已退回")
        self.logout()

        self.login("shuji")
        self.wait_for("报告被退回")
        assert "党课记录不全，请补充第三季度的党课。" in self.browser.page_source
        self.shot("09-书记看到退回意见")
        # no page broke the Content-Security-Policy (no inline script or style, nothing external)
        problems = [e["message"] for e in self.browser.get_log("browser") if "Content Security Policy" in e["message"]]
        assert problems == []
