import pytest

from jinguo.testing.factories import TEST_PASSWORD, UserFactory, user_with_role
from jinguo.testing.tree import build_tree


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def community_chair(tree):
    """The chair of 芳草社区妇联."""
    return user_with_role(
        tree.community_a, "community_chair", username="chair_fangcao", real_name="李芳"
    )


@pytest.fixture
def sysadmin(tree):
    return user_with_role(tree.city, "sysadmin", username="sysadmin", real_name="王管")


@pytest.fixture
def auditor(tree):
    return user_with_role(tree.city, "auditor", username="auditor", real_name="赵审")


@pytest.fixture
def district_officer(tree):
    """A rights officer of 和平区妇联."""
    return user_with_role(
        tree.district_a, "rights_officer", username="officer_heping", real_name="陈维"
    )


@pytest.fixture
def other_district_officer(tree):
    """A rights officer of 新华区妇联 (the other branch)."""
    return user_with_role(
        tree.district_b, "rights_officer", username="officer_xinhua", real_name="孙权"
    )


@pytest.fixture
def nobody(tree):
    """A user of 芳草社区 without any role."""
    return UserFactory(home_unit=tree.community_a, username="nobody", real_name="无权限")


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


@pytest.fixture
def password():
    return TEST_PASSWORD
