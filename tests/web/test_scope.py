"""Nobody sees what is not theirs: every URL pattern that names an object, opened by the other
committee's secretary and reviewer (and someone with no branch), is a 404."""

from __future__ import annotations

from django.urls import reverse

from pipeline.web import urls

from .helpers import PortalCase

# Every named pattern with arguments: the method it answers and its arguments from B's objects.
NAMED = {
    "branch": ("get", lambda t: [t.b1.pk]),
    "upload": ("post", lambda t: [t.b1.pk]),
    "blank": ("get", lambda t: [t.b1.pk]),
    "diff": ("get", lambda t: [t.b1.pk]),
    "diff-file": ("get", lambda t: [t.b1.pk, t.vb.pk, t.vb2.pk]),
    "version": ("get", lambda t: [t.vb.pk]),
    "status": ("get", lambda t: [t.vb.pk]),
    "download": ("get", lambda t: [t.vb.pk, "validation-xlsx"]),
    "generate": ("post", lambda t: [t.vb.pk]),
    "submit": ("post", lambda t: [t.vb.pk]),
    "send-back": ("post", lambda t: [t.vb.submissions.get().pk]),
    "committee": ("get", lambda t: [t.cb.pk]),
    "summary": ("get", lambda t: [t.cb.pk, "xlsx"]),
}
WITHOUT_OBJECT = {"home", "login", "logout", "static"}


class ScopeTests(PortalCase):
    def setUp(self):
        super().setUp()
        self.vb = self.fake_version(self.b1, submitted=True)
        self.vb2 = self.fake_version(self.b1)
        self.va = self.fake_version(self.a1, submitted=True)

    def urls(self):
        for name, (method, args) in NAMED.items():
            url = reverse(f"portal:{name}", args=args(self))
            if name == "blank":
                url += "?year=2023"
            if name == "diff":
                url += f"?old={self.vb.pk}&new={self.vb2.pk}"
            yield name, method, url

    def test_every_pattern_is_listed_here(self):
        assert {p.name for p in urls.patterns} == set(NAMED) | WITHOUT_OBJECT

    def test_another_committee_s_objects_are_404_for_every_role(self):
        for user in ("sa", "ra", "nobody"):
            self.login(user)
            for name, method, url in self.urls():
                response = getattr(self.client, method)(url, {"comment": "改"} if name == "send-back" else {})
                assert response.status_code == 404, (user, name, url, response.status_code)

    def test_signed_out_every_page_asks_for_login(self):
        for name, method, url in self.urls():
            response = getattr(self.client, method)(url)
            assert response.status_code == 302 and "/login/" in response["Location"], (name, response.status_code)

    def test_the_owners_can_open_them(self):
        self.login("sb")
        for name in ("branch", "version", "download", "blank"):
            url = dict((n, u) for n, _, u in self.urls())[name]
            assert self.client.get(url).status_code == 200, name
        self.login("rb")
        for name in ("branch", "version", "download", "committee"):
            url = dict((n, u) for n, _, u in self.urls())[name]
            assert self.client.get(url).status_code == 200, name

    def test_a_reviewer_cannot_act_as_secretary_nor_a_secretary_as_reviewer(self):
        self.login("rb")
        for name in ("upload", "generate", "submit"):
            url = dict((n, u) for n, _, u in self.urls())[name]
            assert self.client.post(url).status_code == 404, name
        self.login("sb")
        sub = self.vb.submissions.get()
        assert self.client.post(reverse("portal:send-back", args=[sub.pk]), {"comment": "x"}).status_code == 404
        assert self.client.get(reverse("portal:committee", args=[self.cb.pk])).status_code == 404

    def test_a_version_of_another_branch_cannot_be_compared_through_mine(self):
        self.login("sa")
        url = reverse("portal:diff", args=[self.a1.pk]) + f"?old={self.vb.pk}&new={self.va.pk}"
        assert self.client.get(url).status_code == 404
        url = reverse("portal:diff-file", args=[self.a1.pk, self.vb.pk, self.va.pk])
        assert self.client.get(url).status_code == 404

    def test_home_lists_only_mine(self):
        self.login("sa")
        response = self.client.get(reverse("portal:home"))
        assert response.status_code == 302 and response["Location"] == reverse("portal:branch", args=[self.a1.pk])
        page = self.client.get(reverse("portal:branch", args=[self.a1.pk])).content.decode()
        assert "甲一支部" in page and "乙一支部" not in page
