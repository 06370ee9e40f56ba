"""Two committees, each with a branch, a secretary and a reviewer; versions made without
running the pipeline (fast) or through the real upload (slow)."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings

from pipeline.web.models import Branch, Committee, Submission, Version

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "inputs"
PASSWORD = "Zhibu-Ceshi-2023!"


def sample_files(folder: Path = SAMPLE, change: dict | None = None) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(p.name, (change or {}).get(p.name) or p.read_bytes()) for p in sorted(folder.iterdir())]


def sample_zip(extra: dict[str, bytes] | None = None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for p in sorted(SAMPLE.iterdir()):
            archive.write(p, f"台账/{p.name}")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return SimpleUploadedFile("台账.zip", buffer.getvalue(), content_type="application/zip")


def planted_error(folder: Path) -> Path:
    """The sample ledgers with one error: 缴纳标准 of row 3 typed in words."""
    import openpyxl

    shutil.copytree(SAMPLE, folder)
    workbook = openpyxl.load_workbook(folder / "党费收缴台账.xlsx")
    workbook.active.cell(3, 3).value = "四百八"
    workbook.save(folder / "党费收缴台账.xlsx")
    return folder


class PortalCase(TestCase):
    """Committee A (branch A1: secretary sa, reviewer ra) and committee B (branch B1: sb, rb)."""

    @classmethod
    def setUpTestData(cls):
        User = get_user_model()
        cls.users = {name: User.objects.create_user(name, password=PASSWORD) for name in ("sa", "ra", "sb", "rb", "nobody")}
        cls.ca, cls.cb = Committee.objects.create(name="甲党委"), Committee.objects.create(name="乙党委")
        cls.a1 = Branch.objects.create(committee=cls.ca, name="甲一支部")
        cls.b1 = Branch.objects.create(committee=cls.cb, name="乙一支部")
        cls.a1.secretaries.add(cls.users["sa"])
        cls.b1.secretaries.add(cls.users["sb"])
        cls.ca.reviewers.add(cls.users["ra"])
        cls.cb.reviewers.add(cls.users["rb"])

    def setUp(self):
        data = tempfile.mkdtemp(prefix="portal-data-")
        self.addCleanup(shutil.rmtree, data, True)
        patch = override_settings(DATA=data)
        patch.enable()
        self.addCleanup(patch.disable)

    def login(self, name: str) -> None:
        self.client.force_login(self.users[name])

    def fake_version(self, branch: Branch, *, submitted: bool = False, summary: dict | None = None) -> Version:
        """A finished version with a report and placeholder files, made without the pipeline."""
        number = branch.versions.count() + 1
        version = Version.objects.create(branch=branch, number=number, state=Version.DONE, year=2022,
                                         files=[{"name": "台账.xlsx", "size": 1}], summary=summary or {},
                                         report_state=Version.DONE, report_name="报告.docx")
        version.outputs.mkdir(parents=True)
        for name in ("校验报告.xlsx", "校验报告.md", "报告.docx", "metrics.json"):
            (version.outputs / name).write_bytes(b"x")
        if submitted:
            Submission.objects.create(version=version, submitted_by=branch.secretaries.first())
        return version
