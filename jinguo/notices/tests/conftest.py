import pytest

from jinguo.testing.factories import user_with_role


@pytest.fixture
def street_officer(tree):
    """The chair of 春晖街道妇联, who sends work down to her communities."""
    return user_with_role(tree.street_a, "rights_officer", username="jiedao", real_name="黄丽")


@pytest.fixture
def chair2(tree):
    """The chair of 杏林社区妇联 (street_a's second community)."""
    return user_with_role(
        tree.community_a2, "community_chair", username="chair_xinglin", real_name="周兰"
    )


@pytest.fixture
def other_chair(tree):
    """The chair of 桃李社区妇联, in the other district."""
    return user_with_role(
        tree.community_b, "community_chair", username="chair_taoli", real_name="吴桂兰"
    )


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
