"""URL patterns; every one that names an object is scoped in pipeline.web.scope (tests/web)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pipeline.web import review, staticfiles, views

admin.site.site_header = admin.site.site_title = "党建述职门户 · 管理"
admin.site.index_title = "上级党委、党支部与账号"

patterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="portal/login.html", redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("branch/<int:pk>/", views.branch, name="branch"),
    path("branch/<int:pk>/upload/", views.upload, name="upload"),
    path("branch/<int:pk>/blank/", views.blank, name="blank"),
    path("branch/<int:pk>/diff/", views.diff, name="diff"),
    path("branch/<int:pk>/diff/<int:old>/<int:new>/差异报告.xlsx", views.diff_file, name="diff-file"),
    path("version/<int:pk>/", views.version, name="version"),
    path("version/<int:pk>/status/", views.status, name="status"),
    path("version/<int:pk>/download/<str:kind>/", views.download, name="download"),
    path("version/<int:pk>/generate/", views.generate, name="generate"),
    path("version/<int:pk>/submit/", views.submit, name="submit"),
    path("submission/<int:pk>/send-back/", review.send_back, name="send-back"),
    path("committee/<int:pk>/", review.committee, name="committee"),
    path("committee/<int:pk>/summary/<str:kind>/", review.summary, name="summary"),
    path("static/<path:name>", staticfiles.serve, name="static"),
]
urlpatterns = [path("", include((patterns, "portal"), namespace="portal")), path("admin/", admin.site.urls)]
