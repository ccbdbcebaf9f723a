"""The auditor sees that a person's record changed, not who she is."""

from django.urls import reverse

from jinguo.core.models import AuditEvent
from jinguo.people.services.persons import person_create
from jinguo.testing.factories import user_with_role


def test_audit_detail_masks_names_and_free_text_of_people(client, tree, auditor):
    officer = user_with_role(tree.district_a, "rights_officer")
    person = person_create(
        user=officer,
        org=tree.community_a,
        name="张丽华",
        gender="F",
        id_type="none",
        phone="13800138000",
        notes="丈夫酗酒后动手打人",
    )
    event = AuditEvent.objects.get(action="create", object_id=str(person.pk))
    client.force_login(auditor)
    html = client.get(reverse("core:audit_detail", args=[event.pk])).content.decode()
    assert "张**" in html
    for secret in ("张丽华", "丽华", "zhanglihua", "酗酒", "13800138000"):
        assert secret not in html
