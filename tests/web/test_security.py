"""Passwords, throttled logins, CSRF, CSP, upload bounds, escaping and the audit log."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from pipeline.reading.readers import SPREADSHEET_SUFFIXES
from pipeline.web import uploads, worker
from pipeline.web.models import AuditEvent, Version

from .helpers import PASSWORD, SAMPLE, PortalCase


def zipped(members: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return SimpleUploadedFile("a.zip", buffer.getvalue())


class SecurityTests(PortalCase):
    def test_passwords_are_hashed_with_argon2(self):
        assert get_user_model().objects.get(username="sa").password.startswith("argon2$")

    def test_logins_are_throttled_after_five_failures(self):
        url = reverse("portal:login")
        for _ in range(5):
            response = self.client.post(url, {"username": "sa", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
            assert response.status_code in (200, 429)
        response = self.client.post(url, {"username": "sa", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
        assert response.status_code == 429
        assert "暂时锁定" in response.content.decode()
        assert "_auth_user_id" not in self.client.session

    def test_a_right_password_logs_in(self):
        response = self.client.post(reverse("portal:login"), {"username": "sa", "password": PASSWORD})
        assert response.status_code == 302
        assert self.client.session["_auth_user_id"] == str(self.users["sa"].pk)

    def test_forms_need_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.users["sa"])
        response = client.post(reverse("portal:upload", args=[self.a1.pk]), {"files": [zipped({"a.csv": b"x"})]})
        assert response.status_code == 403
        assert not Version.objects.exists()

    def test_every_page_sends_a_content_security_policy_without_inline_script(self):
        self.login("sa")
        for url in (reverse("portal:login"), reverse("portal:branch", args=[self.a1.pk])):
            response = self.client.get(url)
            policy = response["Content-Security-Policy"]
            assert "script-src 'self'" in policy and "unsafe-inline" not in policy
            assert "<script>" not in response.content.decode()  # only <script src=…>
        assert response["X-Frame-Options"] == "DENY"

    def test_secure_cookies_follow_https(self):
        from django.conf import settings

        assert settings.SESSION_COOKIE_HTTPONLY and not settings.HTTPS  # tests run as plain http

    def test_uploaded_text_is_escaped(self):
        self.login("sa")
        version = self.fake_version(self.a1, summary={"issues": [{
            "severity": "错误", "file": "<b>x</b>.xlsx", "sheet": "s", "row": 3, "column": "c",
            "value": "<script>alert(1)</script>", "reason": "r", "action": "a", "code": "bad"}]})
        page = self.client.get(reverse("portal:version", args=[version.pk])).content.decode()
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<b>x</b>" not in page

    def test_reader_suffixes_agree(self):
        assert set(uploads.LEDGER_SUFFIXES) == set(SPREADSHEET_SUFFIXES)


class UploadBoundTests(PortalCase):
    def post(self, files):
        self.login("sa")
        return self.client.post(reverse("portal:upload", args=[self.a1.pk]), {"files": files}, follow=True)

    def refused(self, files, said: str):
        page = self.post(files).content.decode()
        assert said in page, page[-3000:]
        assert not Version.objects.exists()

    def test_a_zip_member_outside_the_folder_refuses_the_zip(self):
        self.refused([zipped({"../../etc/x.csv": b"a"})], "指向压缩包以外")
        self.refused([zipped({"/abs/x.csv": b"a"})], "指向压缩包以外")
        self.refused([zipped({"C:/x.csv": b"a"})], "指向压缩包以外")

    @override_settings(PORTAL_MAX_ZIP_MEMBERS=3)
    def test_a_zip_with_too_many_members_is_refused(self):
        self.refused([zipped({f"{n}.csv": b"a" for n in range(4)})], "超过 3 个的上限")

    @override_settings(PORTAL_MAX_UNZIPPED_BYTES=1000)
    def test_a_zip_that_unpacks_too_big_is_refused(self):
        self.refused([zipped({"a.csv": b"0" * 2000})], "解压后超过")

    @override_settings(PORTAL_MAX_FILES=2)
    def test_too_many_files_are_refused(self):
        self.refused([SimpleUploadedFile(f"{n}.csv", b"a") for n in range(3)], "一次最多上传 2 个文件")

    def test_a_nested_zip_or_no_ledger_is_refused(self):
        self.refused([zipped({"in.zip": b"PK"})], "请解压后再上传")
        self.refused([SimpleUploadedFile("x.exe", b"MZ")], "没有台账")

    def test_two_files_of_one_name_are_refused(self):
        self.refused([SimpleUploadedFile("a.csv", b"1"), zipped({"sub/a.csv": b"2"})], "都叫「a.csv」")

    @override_settings(PORTAL_MAX_UPLOAD_BYTES=1000)
    def test_an_oversized_body_is_refused_unread(self):
        self.login("sa")
        response = self.client.post(reverse("portal:upload", args=[self.a1.pk]),
                                    {"files": [SimpleUploadedFile("a.csv", b"0" * (2 * 1024 * 1024))]})
        assert response.status_code == 413
        assert not Version.objects.exists()

    def test_a_gbk_named_zip_member_keeps_its_chinese_name(self):
        buffer = io.BytesIO()  # as Windows' own 压缩 writes it: GBK bytes, no UTF-8 flag
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("XXXX.csv", b"a")
        data = buffer.getvalue().replace(b"XXXX.csv", "党费.csv".encode("gbk"))
        found: dict = {}
        uploads.unzip(io.BytesIO(data), "x.zip", found, [])
        assert list(found) == ["党费.csv"]


class WorkerLimitTests(PortalCase):
    def settings_data(self) -> str:
        from django.conf import settings

        return settings.DATA

    @pytest.mark.spawns
    def test_an_overrun_is_stopped_and_said(self):
        result = worker.run("check", (SAMPLE, Path(self.settings_data()) / "out"), 0, 2 ** 31)
        assert "已停止" in result["failure"]

    @pytest.mark.spawns
    def test_a_memory_limit_stops_the_worker(self):
        result = worker.run("check", (SAMPLE, Path(self.settings_data()) / "out"), 60, 40 * 1024 * 1024)
        assert "failure" in result and ("内存" in result["failure"] or "异常退出" in result["failure"]), result


class AuditTests(PortalCase):
    def test_downloads_submissions_and_send_backs_are_logged(self):
        version = self.fake_version(self.a1)
        version.summary = {}
        self.login("sa")
        self.client.get(reverse("portal:download", args=[version.pk, "validation-xlsx"]))
        self.client.post(reverse("portal:submit", args=[version.pk]))
        self.login("ra")
        sub = version.submissions.get()
        self.client.post(reverse("portal:send-back", args=[sub.pk]), {"comment": "请补充党课记录"})
        events = list(AuditEvent.objects.order_by("at", "id").values_list("user__username", "action", "version"))
        assert events == [("sa", "下载", version.pk), ("sa", "提交", version.pk), ("ra", "退回", version.pk)]
