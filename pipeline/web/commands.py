"""The portal's commands: serve (migrate, then waitress), adduser, import of a folder of branch
folders, and Django's own management commands for the rest."""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import sys
from pathlib import Path

from pipeline.web import SETTINGS

USAGE = """用法：python -m pipeline web 命令 [选项]（或 python -m pipeline.web 命令 …）

  serve     启动门户（先自动建库/升级），默认 http://127.0.0.1:8000/
  adduser   创建或修改账号：书记用 --branch/--committee，审阅人用 --reviewer，管理员加 --admin
  import    把一个“支部文件夹的文件夹”导入为各支部的一版（组织部手工收集的台账）
  其他      Django 管理命令，如 migrate、changepassword、createsuperuser

公共选项：--data 文件夹（数据库与上传文件所在，默认 data，也可用环境变量 PORTAL_DATA）
详见 docs/portal.md。"""


def setup(data: str | None) -> None:
    if data:
        os.environ["PORTAL_DATA"] = data
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()


def main(argv: list[str]) -> int:
    data = None
    if len(argv) >= 2 and argv[0] == "--data":
        data, argv = argv[1], argv[2:]
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    if command in COMMANDS:
        return COMMANDS[command](rest, data)
    setup(data)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["python -m pipeline.web", command, *rest])
    return 0


def serve(argv: list[str], data: str | None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline web serve", description="启动党建述职门户")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，只有本机能访问；0.0.0.0 对内网开放）")
    parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    parser.add_argument("--data", default=data, help="数据文件夹（默认 data）")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    setup(args.data)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from pipeline.web import jobs

    if jobs.interrupted():
        print("上次停止时有未完成的分析，已标为失败（请重新上传或重新生成）。")
    import waitress

    from pipeline.web.wsgi import application

    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"党建述职门户：http://{shown}:{args.port}/  （数据文件夹：{settings.DATA}；按 Ctrl-C 停止）", flush=True)
    if not get_user_model().objects.exists():
        print("还没有账号：请先运行 python -m pipeline web adduser 用户名 --admin 创建管理员（见 docs/portal.md）。", flush=True)
    waitress.serve(application, host=args.host, port=args.port, threads=args.threads, ident="portal",
                   max_request_body_size=settings.PORTAL_MAX_UPLOAD_BYTES + 2 * 1024 * 1024)
    return 0


def adduser(argv: list[str], data: str | None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline web adduser", description="创建或修改门户账号")
    parser.add_argument("username", help="登录用的用户名")
    parser.add_argument("--name", default="", help="姓名（页面上显示）")
    parser.add_argument("--committee", help="上级党委名称（不存在则创建）")
    parser.add_argument("--branch", help="党支部名称（书记账号；与 --committee 一起用，不存在则创建）")
    parser.add_argument("--reviewer", help="审阅人账号：所审阅的上级党委名称（不存在则创建）")
    parser.add_argument("--admin", action="store_true", help="管理员：可进入“管理”页面维护党委、支部和账号")
    parser.add_argument("--password-stdin", action="store_true", help="从标准输入读密码（脚本用），否则提示输入两次")
    parser.add_argument("--data", default=data, help="数据文件夹（默认 data）")
    args = parser.parse_args(argv)
    if args.branch and not args.committee:
        parser.error("--branch 需要同时用 --committee 指明上级党委")
    setup(args.data)
    from django.contrib.auth import get_user_model, password_validation
    from django.core.exceptions import ValidationError
    from django.core.management import call_command
    from django.db import transaction

    from pipeline.web.models import Branch, Committee

    call_command("migrate", interactive=False, verbosity=0)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("密码：")
        if getpass.getpass("再输入一次：") != password:
            print("两次输入的密码不一致，账号没有创建。", file=sys.stderr)
            return 2
    User = get_user_model()
    user = User.objects.filter(username=args.username).first() or User(username=args.username)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        print("密码不符合要求：" + "；".join(exc.messages), file=sys.stderr)
        return 2
    with transaction.atomic():
        user.set_password(password)
        if args.name:
            user.first_name = args.name
        if args.admin:
            user.is_staff = user.is_superuser = True
        user.save()
        said = []
        if args.committee:
            committee, _ = Committee.objects.get_or_create(name=args.committee)
            if args.branch:
                branch, _ = Branch.objects.get_or_create(committee=committee, name=args.branch)
                branch.secretaries.add(user)
                said.append(f"{committee.name} › {branch.name} 的书记")
        if args.reviewer:
            committee, _ = Committee.objects.get_or_create(name=args.reviewer)
            committee.reviewers.add(user)
            said.append(f"{committee.name} 的审阅人")
        if args.admin:
            said.append("管理员")
    print(f"账号 {user.username} 已保存" + (f"：{'、'.join(said)}" if said else "（还没有分配支部或党委）") + "。")
    return 0


def import_folder(argv: list[str], data: str | None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline web import",
                                     description="导入一个文件夹：其中每个子文件夹是一个支部的台账")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--committee", required=True, help="这些支部所属的上级党委（不存在则创建）")
    parser.add_argument("--data", default=data, help="数据文件夹（默认 data）")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"找不到文件夹：{args.folder}", file=sys.stderr)
        return 2
    setup(args.data)
    from django.core.management import call_command
    from django.db.models import Max

    from pipeline.web import jobs, uploads
    from pipeline.web.models import Branch, Committee, Version, audit

    call_command("migrate", interactive=False, verbosity=0)
    committee, _ = Committee.objects.get_or_create(name=args.committee)
    folders = sorted(p for p in args.folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not folders:
        print(f"{args.folder} 中没有子文件夹（每个支部一个子文件夹）。", file=sys.stderr)
        return 2
    for folder in folders:
        files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in uploads.LEDGER_SUFFIXES
                       and not p.name.startswith(("~$", ".")))
        branch, _ = Branch.objects.get_or_create(committee=committee, name=folder.name[:200])
        if not files:
            print(f"  {folder.name}：没有台账文件，跳过")
            continue
        number = (branch.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = Version.objects.create(branch=branch, number=number,
                                         files=[{"name": p.name, "size": p.stat().st_size} for p in files])
        version.inputs.mkdir(parents=True)
        for path in files:
            shutil.copy2(path, version.inputs / path.name)
        audit(None, "导入", version=version, detail=str(folder)[:500])
        jobs.check_now(version)
        version.refresh_from_db()
        told = version.failure if version.state == Version.FAILED else f"错误 {version.errors}，警告 {version.warnings}"
        print(f"  {branch.name}：第{version.number}版，{len(files)} 个文件，{told}")
    print(f"已导入 {len(folders)} 个支部到 {committee.name}。")
    return 0


COMMANDS = {"serve": serve, "adduser": adduser, "import": import_folder}
