"""The departments page (issue 16 point 1): a jurisdiction's admin lists, adds and changes the departments of its own
region; another region's department is a 404; the seal must be an image."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from portal.enums import AuditEvent, DepartmentKind, RegionLevel
from portal.models import AuditRecord, Department
from tests.factories import DepartmentFactory, RegionFactory, ReviewerFactory, SystemAdminFactory, UserFactory
from tests.portal.helpers import messages_of, visible_text

pytestmark = pytest.mark.django_db
LIST, NEW = reverse("department_list"), reverse("department_new")


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (8, 8), (200, 0, 0, 128)).save(buffer, "PNG")
    return buffer.getvalue()


def form(**fields) -> dict:
    return {"name": "高青县财政局", "short_name": "县财政局", "kind": DepartmentKind.FINANCE, "doc_prefix": "高财字"} | fields


def test_admin_lists_only_its_own_regions_departments(login):
    county = RegionFactory()
    DepartmentFactory(region=county, name="高青县人社局")
    DepartmentFactory(region=RegionFactory(code="370302", name="张店区"), name="张店区人社局")

    page = login(UserFactory(region=county)).get(LIST)

    assert [d.name for d in page.context["page"].object_list] == ["高青县人社局"]
    assert "张店区人社局" not in visible_text(page)


def test_admin_adds_a_finance_department_with_its_seal_in_its_region_and_it_is_audited(login):
    county = RegionFactory()
    admin = UserFactory(region=county)
    seal = SimpleUploadedFile("seal.png", _png(), content_type="image/png")

    response = login(admin).post(NEW, form(seal_image=seal, region=RegionFactory(code="370302", name="张店区").pk))

    department = Department.objects.get()
    assert response.status_code == 302 and messages_of(response) == ["部门“高青县财政局”已保存。"]
    assert (department.region, department.kind, department.doc_prefix) == (county, DepartmentKind.FINANCE, "高财字")
    assert department.seal_image.name.startswith("seals/") and department.seal_image.name.endswith(".png")
    record = AuditRecord.objects.get(event=AuditEvent.ADMIN_CHANGE)
    assert (record.user_id, record.object_id) == (admin.pk, str(department.pk))
    assert record.detail.startswith("department create «高青县财政局» region=370322")


@pytest.mark.parametrize("content", [b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40], ids=["text", "broken-png"])
def test_a_seal_that_is_not_an_image_is_refused(login, content):
    admin = UserFactory(region=RegionFactory())

    response = login(admin).post(NEW, form(seal_image=SimpleUploadedFile("seal.png", content, content_type="image/png")))

    assert response.status_code == 200 and not Department.objects.exists()
    assert "印章图片" in visible_text(response) and response.context["form"].errors["seal_image"]


def test_admin_changes_its_department_and_another_regions_is_404(login):
    county = RegionFactory()
    own = DepartmentFactory(region=county, name="高青县人社局")
    other = DepartmentFactory(region=RegionFactory(code="370302", name="张店区"), name="张店区人社局")
    client = login(UserFactory(region=county))

    changed = client.post(reverse("department_edit", args=[own.pk]), form(name="高青县人力资源和社会保障局", kind=DepartmentKind.HR))
    refused = client.post(reverse("department_edit", args=[other.pk]), form(name="改掉"))
    looked = client.get(reverse("department_edit", args=[other.pk]))

    own.refresh_from_db()
    assert changed.status_code == 302 and (own.name, own.region) == ("高青县人力资源和社会保障局", county)
    assert (refused.status_code, looked.status_code) == (404, 404)
    assert Department.objects.get(pk=other.pk).name == "张店区人社局"


def test_system_admin_adds_a_department_for_any_region(login):
    city = RegionFactory(code="370300", name="淄博市", level=RegionLevel.CITY)

    response = login(SystemAdminFactory()).post(NEW, form(name="淄博市财政局", region=city.pk))

    assert response.status_code == 302 and Department.objects.get().region == city


def test_without_a_jurisdiction_nothing_is_listed_nor_added_and_other_roles_are_refused(client, login):
    DepartmentFactory()
    admin = UserFactory()

    listed = login(admin).get(LIST)
    added = login(admin).post(NEW, form())
    reviewer = login(ReviewerFactory()).get(LIST)
    anonymous = client.logout() or client.get(LIST)

    assert "您的账号没有所属辖区" in visible_text(listed) and list(listed.context["page"].object_list) == []
    assert (added.status_code, reviewer.status_code) == (403, 403)
    assert anonymous.status_code == 302 and not Department.objects.filter(name="高青县财政局").exists()
