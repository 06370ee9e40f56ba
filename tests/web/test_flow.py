"""The secretary's and the reviewer's flow through the real pipeline (worker processes), with
the Django test client: planted error named, fixed, report generated equal to the CLI's,
submitted, sent back, comment seen."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from pipeline import api
from pipeline.web.models import AuditEvent, Submission, Version

from .helpers import SAMPLE, PortalCase, planted_error, sample_files, sample_zip

pytestmark = pytest.mark.spawns  # worker processes (and, for the browser, Chromium)


class FlowTests(PortalCase):
    def upload(self, files) -> Version:
        response = self.client.post(reverse("portal:upload", args=[self.a1.pk]), {"files": files})
        assert response.status_code == 302, response.content.decode()[-2000:]
        return Version.objects.get(pk=int(re.search(r"/version/(\d+)/", response["Location"]).group(1)))

    def test_secretary_and_reviewer_flow(self):
        self.login("sa")
        with tempfile.TemporaryDirectory() as tmp:
            bad = self.upload(sample_files(planted_error(Path(tmp) / "bad")))
        assert (bad.state, bad.errors) == (Version.DONE, 1)
        page = self.client.get(reverse("portal:version", args=[bad.pk])).content.decode()
        assert "党费收缴台账.xlsx" in page and "四百八" in page and "缴纳标准（元/月）" in page and "请填写数字" in page
        assert "读取 = 计入" in page  # the row accounting
        # the inputs are kept as uploaded
        assert sorted(p.name for p in bad.inputs.iterdir()) == sorted(p.name for p in SAMPLE.iterdir())
        # a draft can be made but not submitted
        self.client.post(reverse("portal:generate", args=[bad.pk]))
        bad.refresh_from_db()
        assert bad.has_report and bad.report_draft
        self.client.post(reverse("portal:submit", args=[bad.pk]))
        assert not Submission.objects.exists()

        good = self.upload([sample_zip()])
        assert (good.number, good.state, good.errors) == (2, Version.DONE, 0)
        xlsx = self.client.get(reverse("portal:download", args=[good.pk, "validation-xlsx"]))
        assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
        self.client.post(reverse("portal:generate", args=[good.pk]))
        good.refresh_from_db()
        assert good.has_report and not good.report_draft
        docx = self.client.get(reverse("portal:download", args=[good.pk, "report"]))
        assert docx.status_code == 200 and b"".join(docx.streaming_content)[:2] == b"PK"
        with tempfile.TemporaryDirectory() as tmp:  # the same figures as the command line's
            api.run_report(SAMPLE, Path(tmp), None)
            assert json.loads((good.outputs / "metrics.json").read_text("utf-8")) == \
                json.loads((Path(tmp) / "metrics.json").read_text("utf-8"))
        self.client.post(reverse("portal:submit", args=[good.pk]))
        sub = Submission.objects.get()

        self.login("ra")
        overview = self.client.get(reverse("portal:committee", args=[self.ca.pk])).content.decode()
        assert "甲一支部" in overview and "已提交" in overview and "乙一支部" not in overview
        summary = self.client.get(reverse("portal:summary", args=[self.ca.pk, "xlsx"]))
        assert summary.status_code == 200 and b"".join(summary.streaming_content)[:2] == b"PK"
        self.client.post(reverse("portal:send-back", args=[sub.pk]), {"comment": "请补充<党课>记录"})

        self.login("sa")
        page = self.client.get(reverse("portal:branch", args=[self.a1.pk])).content.decode()
        assert "报告被退回" in page and "请补充&lt;党课&gt;记录" in page
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"上传", "生成报告", "下载", "提交", "退回", "下载汇总"} <= actions

        diff = self.client.get(reverse("portal:diff", args=[self.a1.pk]) + f"?old={bad.pk}&new={good.pk}")
        assert diff.status_code == 200 and "第1版 → 第2版" in diff.content.decode()

    def test_blank_ledgers_for_a_year(self):
        import io
        import zipfile

        self.login("sa")
        response = self.client.get(reverse("portal:blank", args=[self.a1.pk]) + "?year=2024")
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        assert response.status_code == 200 and names and all(n.startswith("2024年台账/") for n in names)
