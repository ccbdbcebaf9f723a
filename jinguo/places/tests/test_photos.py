"""Photos of places: checked like attachments, encrypted at rest, and a confidential place's
photos shown only to those who may locate it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jinguo.places.models import PlacePhoto
from jinguo.places.tests.factories import make_place
from jinguo.testing import samples
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def officer(tree):
    return user_with_role(tree.district_a, "rights_officer", username="officer_photo")


def post(client, place, name, data):
    return client.post(
        reverse("places:photo_add", args=[place.pk]),
        {"upload": SimpleUploadedFile(name, data), "caption": "门牌"},
    )


def test_upload_and_view(tree, officer, client, media):
    place = make_place(tree.community_a)
    client.force_login(officer)
    r = post(client, place, "门牌.png", samples.png())
    assert r.status_code == 302
    photo = PlacePhoto.objects.get()
    stored = (media / "attachments" / photo.file.name).read_bytes()
    assert samples.png() not in stored  # encrypted at rest
    r = client.get(reverse("places:photo", args=[photo.pk]))
    assert r.status_code == 200 and r.content == samples.png()
    assert r["Content-Type"] == "image/png"


def test_a_renamed_file_is_refused(tree, officer, client):
    place = make_place(tree.community_a)
    client.force_login(officer)
    r = post(client, place, "photo.png", b"MZ" + b"\x00" * 100)
    assert r.status_code == 200 and "内容与扩展名不符" in r.content.decode()
    r = post(client, place, "photo.pdf", samples.pdf())
    assert "只支持 JPG 和 PNG" in r.content.decode()
    assert not PlacePhoto.objects.exists()


def test_a_shelters_photos_are_for_its_staff(tree, officer, client):
    staff = user_with_role(tree.district_a, "rights_officer", username="staff_photo")
    place = make_place(tree.district_a, kind_code="shelter", staff=[staff])
    client.force_login(staff)
    assert post(client, place, "door.png", samples.png()).status_code == 302
    photo = PlacePhoto.objects.get()
    assert client.get(reverse("places:photo", args=[photo.pk])).status_code == 200
    client.force_login(officer)
    assert client.get(reverse("places:photo", args=[photo.pk])).status_code == 404
    detail = client.get(reverse("places:place_detail", args=[place.pk])).content.decode()
    assert reverse("places:photo", args=[photo.pk]) not in detail
    other = user_with_role(tree.district_b, "rights_officer", username="other_photo")
    client.force_login(other)
    assert client.get(reverse("places:photo", args=[photo.pk])).status_code == 404
