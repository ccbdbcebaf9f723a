import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jinguo.accounts.models import User
from jinguo.core.models import AuditEvent

from .two_factor_helpers import code_at


def test_create_admin_makes_a_sysadmin_who_must_change_the_password(tree, client):
    out = StringIO()
    call_command("create_admin", "root", "--name", "王管理", "--unit", tree.city.code, stdout=out)
    user = User.objects.get(username="root")
    assert user.must_change_password
    assert [r.code for r in user.roles.all()] == ["sysadmin"]
    password = re.search(r"临时密码（只显示这一次）：(\S+)", out.getvalue()).group(1)
    assert user.check_password(password)
    assert AuditEvent.objects.filter(action="admin_bootstrap", object_id=str(user.pk)).exists()
    assert password not in str(list(AuditEvent.objects.values_list("detail", "after")))

    # A system administrator enrols an authenticator first, then changes the password.
    response = client.post("/accounts/login/", {"username": "root", "password": password})
    assert response.url == "/accounts/two-factor/enrol/"
    client.get(response.url)
    client.post(response.url, {"code": code_at(user)})
    assert client.get("/").url.startswith("/accounts/password/")


def test_create_admin_refuses_an_unknown_unit_and_a_taken_username(tree, sysadmin):
    with pytest.raises(CommandError, match="找不到代码为"):
        call_command("create_admin", "root", "--name", "王", "--unit", "0000")
    with pytest.raises(CommandError, match="已存在"):
        call_command("create_admin", sysadmin.username, "--name", "王", "--unit", tree.city.code)
