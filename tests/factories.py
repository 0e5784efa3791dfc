"""The plainest valid objects. `InstitutionFactory()` gives a verified county institution with a valid USCC."""

import itertools
from datetime import date, timedelta

import factory
from django.utils import timezone
from stdnum.cn.uscc import calc_check_digit

from portal.enums import DepartmentKind, InstitutionKind, InstitutionStatus, Level, RegionLevel, Role
from portal.models import Department, Institution, Programme, ProgrammeDepartment, Region, Round, User

_uscc_serial = itertools.count(1)


def next_uscc() -> str:
    body = f"91370322MA{next(_uscc_serial):07d}"
    return body + calc_check_digit(body)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "370322"
    name = "高青县"
    level = RegionLevel.COUNTY


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试县人力资源和社会保障局{n}")
    short_name = "县人社局"
    kind = DepartmentKind.HR
    region = factory.SubFactory(RegionFactory)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试县级标杆机构评定{n}")
    level = Level.COUNTY
    region = factory.SubFactory(RegionFactory)
    period_name = "“十五五”时期"
    period_start = date(2026, 1, 1)
    period_end = date(2030, 12, 31)
    period_quota = 5
    lead_department = factory.SubFactory(DepartmentFactory)

    @factory.post_generation
    def with_lead(obj, create, extracted, **kwargs):
        if create:
            ProgrammeDepartment.objects.get_or_create(programme=obj, department=obj.lead_department)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    programme = factory.SubFactory(ProgrammeFactory)
    name = "2026年度"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    quota = 2


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"测试人力资源服务有限公司{n}")
    uscc = factory.LazyFunction(next_uscc)
    kind = InstitutionKind.COMMERCIAL_HR
    region = factory.SubFactory(RegionFactory)
    address = "测试县测试路1号"
    principal_name = "张主任"
    contact_name = "李联系"
    contact_phone = "0533-6961000"
    status = InstitutionStatus.VERIFIED


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    role = Role.PROGRAMME_ADMIN
    must_change_password = False
    password = factory.django.Password("Test-pass-2026")


class ApplicantFactory(UserFactory):
    role = Role.APPLICANT
    institution = factory.SubFactory(InstitutionFactory)


class ReviewerFactory(UserFactory):
    role = Role.REVIEWER
    department = factory.SubFactory(DepartmentFactory)


class DepartmentLeadFactory(ReviewerFactory):
    role = Role.DEPARTMENT_LEAD


class ViewerFactory(UserFactory):
    role = Role.VIEWER
    region = factory.SubFactory(RegionFactory)


class _AdminGroupFactory(UserFactory):
    """An administrator of one of the three groups (docs/security.md 7): its role's group, no superuser rights."""

    @factory.post_generation
    def group(self, create, extracted, **kwargs):
        if create:
            from portal.services import user_role_group_sync

            user_role_group_sync(user=self)


class SystemAdminFactory(_AdminGroupFactory):
    role = Role.SYSTEM_ADMIN


class SecurityAdminFactory(_AdminGroupFactory):
    role = Role.SECURITY_ADMIN


class AuditAdminFactory(_AdminGroupFactory):
    role = Role.AUDIT_ADMIN
