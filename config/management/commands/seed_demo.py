"""Load the demo: a county programme modelled on seed 000, its departments, institutions and one login per role.

Idempotent: running it again updates the same rows (natural keys) and keeps the demo passwords, which live in
var/demo-credentials.json (generated on the first run, never in git).
"""

import json
import secrets
import string
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from stdnum.cn.uscc import calc_check_digit

from applications.conditions import conditions_install_default
from applications.demo import seal_png, seed_applications
from appraisal.demo import seed_appraisal
from awards.demo import seed_results
from communities.demo import seed_communities
from complaints.demo import seed_complaints
from levels.demo import seed_levels
from platforms.demo import seed_platforms
from portal import services
from portal.demo import seed_regions
from portal.enums import DepartmentKind, GroupPosition, InstitutionKind, InstitutionStatus, Level, Role
from portal.models import (
    Department,
    EvaluationGroupMember,
    Institution,
    Programme,
    ProgrammeDepartment,
    Region,
    Round,
    User,
)
from publicity.demo import seed_publicity
from reporting.demo import seed_reporting
from review.demo import seed_review
from rubrics.demo import seed_assessment
from rubrics.services import seed_rubrics
from satisfaction.demo import seed_satisfaction
from showcase.demo import seed_showcase

SHANGHAI = ZoneInfo("Asia/Shanghai")
CREDENTIALS_FILE = settings.VAR_DIR / "demo-credentials.json"
# The demo staff accounts' second-factor tokens (fixed per account, printed with the passwords).
TOKENS_FILE = settings.VAR_DIR / "demo-second-factor.json"


def uscc(body: str) -> str:
    """A valid unified social credit code from its first 17 characters."""
    return body + calc_check_digit(body)


# (username, full name, role, institution uscc body or None, department name or None)
DEMO_USERS = [
    ("sysadmin", "系统管理员（演示）", Role.SYSTEM_ADMIN, None, None),
    ("secadmin", "安全管理员（演示）", Role.SECURITY_ADMIN, None, None),
    ("auditor", "审计管理员（演示）", Role.AUDIT_ADMIN, None, None),
    ("admin", "赵敏（演示）", Role.PROGRAMME_ADMIN, None, "高青县人力资源和社会保障局"),
    ("admin_city", "刘洋（演示）", Role.PROGRAMME_ADMIN, None, "淄博市人力资源和社会保障局"),
    ("admin_province", "高文博（演示）", Role.PROGRAMME_ADMIN, None, None),
    ("lead_hr", "钱立新（演示）", Role.DEPARTMENT_LEAD, None, "高青县人力资源和社会保障局"),
    ("lead_drc", "孙海燕（演示）", Role.DEPARTMENT_LEAD, None, "高青县发展和改革局"),
    ("lead_civil", "李国平（演示）", Role.DEPARTMENT_LEAD, None, "高青县民政局"),
    ("reviewer_hr", "周文华（演示）", Role.REVIEWER, None, "高青县人力资源和社会保障局"),
    ("reviewer_hr2", "蔡明轩（演示）", Role.REVIEWER, None, "高青县人力资源和社会保障局"),
    ("reviewer_drc", "吴建军（演示）", Role.REVIEWER, None, "高青县发展和改革局"),
    ("reviewer_civil", "郑晓红（演示）", Role.REVIEWER, None, "高青县民政局"),
    ("applicant", "王晨（演示）", Role.APPLICANT, "12370322MB0000001", None),
    ("applicant_hr", "冯佳（演示）", Role.APPLICANT, "91370322MA0000007", None),
    ("platform_staff", "韩雪（演示）", Role.APPLICANT, "11370322MB0000002", None),  # a grassroots platform's own user
    ("viewer", "陈思远（演示）", Role.VIEWER, None, None),
    ("admin_district", "黄嘉豪（演示）", Role.PROGRAMME_ADMIN, None, None),
    ("admin_gz", "林晓彤（演示）", Role.PROGRAMME_ADMIN, None, None),
    ("community_staff", "梁嘉欣（演示）", Role.COMMUNITY_STAFF, None, None),
    ("town_staff", "何志强（演示）", Role.TOWN_STAFF, None, None),
]
# The region of the accounts that need one (User.region): the viewer's city, a community's and a town's staff.
DEMO_USER_REGIONS = {"viewer": "370300", "admin_province": "370000", "admin_district": "440117", "admin_gz": "440100", "community_staff": "黄竹塱社区", "town_staff": "良口镇"}

# (name, uscc body, kind, address, principal, supervisor department or None)
DEMO_INSTITUTIONS = [
    ("高青县公共就业和人才服务中心", "12370322MB0000001", InstitutionKind.PUBLIC_AGENCY, "高青县田镇街道青城路100号", "韩志刚", "高青县人力资源和社会保障局"),
    ("高青县田镇街道便民服务中心", "11370322MB0000002", InstitutionKind.GRASSROOTS_PLATFORM, "高青县田镇街道高苑路8号", "刘红梅", None),
    ("高青县花沟镇某村股份经济合作社", "N2370322MF0000003", InstitutionKind.GRASSROOTS_PLATFORM, "高青县花沟镇某村村委会", "徐长军", None),
    ("淄博鑫诚人力资源服务有限公司", "91370322MA0000007", InstitutionKind.COMMERCIAL_HR, "高青县芦湖街道民生路66号", "蒋丽", None),
    ("高青县零工市场", "12370322MB0000005", InstitutionKind.GIG_MARKET, "高青县芦湖街道黄河路9号", "马骏", "高青县人力资源和社会保障局"),
    ("高青县华育职业培训学校", "52370322MJ0000006", InstitutionKind.TRAINING, "高青县芦湖街道文化路18号", "杨帆", None),
    ("高青县芦湖街道社区就业服务站", "11370322MB0000008", InstitutionKind.GRASSROOTS_PLATFORM, "高青县芦湖街道青苑路21号", "孔祥瑞", None),
    ("淄博众联人力资源服务有限公司", "91370322MA0000009", InstitutionKind.COMMERCIAL_HR, "高青县芦湖街道商贸街5号", "韦晓琳", None),
]

# (position, name, title, department) — placeholder names, not the officials of the seed.
DEMO_GROUP = [
    (GroupPosition.LEADER, "周立新", "县人力资源社会保障局局长", "高青县人力资源和社会保障局"),
    (GroupPosition.DEPUTY, "林志远", "县公共就业和人才服务中心主任", "高青县人力资源和社会保障局"),
    (GroupPosition.DEPUTY, "何建平", "县发展和改革局副局长", "高青县发展和改革局"),
    (GroupPosition.DEPUTY, "许文静", "县民政局副局长", "高青县民政局"),
    (GroupPosition.MEMBER, "唐明", "县公共就业和人才服务中心副主任", "高青县人力资源和社会保障局"),
    (GroupPosition.MEMBER, "邓佳琪", "县发展和改革局办公室科员", "高青县发展和改革局"),
    (GroupPosition.MEMBER, "曹阳", "县民政局基层政权建设和社区治理科科长", "高青县民政局"),
    (GroupPosition.MEMBER, "彭丽", "县公共就业和人才服务中心就业创业指导科科长", "高青县人力资源和社会保障局"),
]


def _password() -> str:
    """A random password that satisfies the portal's own password rules (3+ character classes)."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"Demo-{core}9a"


def _at(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


class Command(BaseCommand):
    help = "加载演示数据（可重复运行）。"

    @transaction.atomic
    def handle(self, *args, **options):
        regions = self._regions()
        departments = self._departments(regions["370322"])
        programmes = self._programmes(regions, departments)
        for programme in programmes:
            conditions_install_default(programme)
        institutions = self._institutions(regions["370322"], departments)
        services.role_groups_ensure()
        credentials = self._users(institutions, regions)
        tokens = self._second_factor_tokens()
        self._applications(programmes, institutions)
        province, city, viewer = (User.objects.get(username=name) for name in ("admin_province", "admin_city", "viewer"))
        if targets := seed_levels(admin_province=province, admin_city=city, viewer_city=viewer):
            self.stdout.write(f"  「十百千」目标与各级称号：{'、'.join(targets)}")
        self.stdout.write(self.style.SUCCESS("演示数据已加载。演示账号（密码保存在 var/demo-credentials.json）："))
        self.stdout.write(f"  {'角色':<12} {'用户名':<14} {'密码':<18} 二次验证口令")
        for username, _name, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {role.label:<12} {username:<16} {credentials[username]:<20} {tokens.get(username, '—')}")

    def _second_factor_tokens(self) -> dict[str, str]:
        """One fixed six-digit token per demo staff account, so a newcomer gets past the second factor in seconds.
        They work only under `manage.py demo` (settings.DEMO_MODE); a system check refuses them anywhere else."""
        from portal.models import DemoTokenDevice
        from portal.second_factor import ALWAYS

        tokens = json.loads(TOKENS_FILE.read_text()) if TOKENS_FILE.exists() else {}
        for username, _name, role, *_ in DEMO_USERS:
            if role not in ALWAYS and role != Role.REVIEWER:
                continue
            token = tokens.setdefault(username, f"{secrets.randbelow(10**6):06d}")
            user = User.objects.get(username=username)
            DemoTokenDevice.objects.update_or_create(
                user=user, name="演示口令", defaults={"token": token, "confirmed": True}
            )
        TOKENS_FILE.write_text(json.dumps(tokens, ensure_ascii=False, indent=2))
        TOKENS_FILE.chmod(0o600)
        return tokens

    def _regions(self) -> dict[str, Region]:
        """高青县 with its towns, 从化区 › 良口镇 with the 23 communities and villages of seed 002 (portal/demo.py)."""
        return seed_regions()

    def _departments(self, county: Region) -> dict[str, Department]:
        rows = [
            ("高青县人力资源和社会保障局", "县人社局", "高人社字", DepartmentKind.HR),
            ("高青县发展和改革局", "县发改局", "高发改字", DepartmentKind.DRC),
            ("高青县民政局", "县民政局", "高民字", DepartmentKind.CIVIL_AFFAIRS),
        ]
        result = {}
        for name, short, prefix, kind in rows:
            department, _ = Department.objects.update_or_create(
                name=name, defaults={"short_name": short, "doc_prefix": prefix, "kind": kind, "region": county}
            )
            if not department.seal_image:  # a drawn stand-in: a real bureau uploads its seal in the admin site
                department.seal_image.save("seal.png", ContentFile(seal_png(name.removeprefix("高青县"))), save=True)
            result[name] = department
        return result

    def _programmes(self, regions, departments) -> list[Programme]:
        hr = departments["高青县人力资源和社会保障局"]
        specs = [
            ("高青县就业服务质量县级标杆机构评定（“十四五”时期）", "“十四五”时期", date(2021, 1, 1), date(2025, 12, 31)),
            ("高青县就业服务质量县级标杆机构评定（“十五五”时期）", "“十五五”时期", date(2026, 1, 1), date(2030, 12, 31)),
        ]
        programmes = []
        for name, period, start, end in specs:
            programme, _ = Programme.objects.update_or_create(
                name=name,
                defaults={
                    "level": Level.COUNTY,
                    "region": regions["370322"],
                    "period_name": period,
                    "period_start": start,
                    "period_end": end,
                    "period_quota": 5,
                    "lead_department": hr,
                    "publicity_days": 5,
                },
            )
            for order, department in enumerate(departments.values()):
                ProgrammeDepartment.objects.update_or_create(
                    programme=programme, department=department, defaults={"order": order}
                )
            for order, (position, person, title, department_name) in enumerate(DEMO_GROUP):
                EvaluationGroupMember.objects.update_or_create(
                    programme=programme,
                    name=person,
                    defaults={
                        "position": position,
                        "title": title,
                        "department": departments[department_name],
                        "order": order,
                    },
                )
            programmes.append(programme)
        self._county_rounds(*programmes)
        self._city_programmes(regions)
        return programmes

    def _county_rounds(self, first: Programme, current: Programme) -> None:
        """Two rounds of the past period, and this period's first round (decided) and the one open now."""
        call = (
            "根据《高青县就业服务质量标杆机构评定实施方案》，现组织开展县级就业服务质量标杆机构申报工作。"
            "各级公共就业服务机构、经营性人力资源服务机构、零工市场、职业培训机构等从事就业服务的机构均可申报。"
        )
        contact = {"contact_name": "县公共就业和人才服务中心就业指导科", "contact_phone": "0533-6960000", "contact_email": "jiuye@example.gov.cn"}
        Round.objects.update_or_create(
            programme=first,
            name="2022年度",
            defaults={"opens_at": _at(2022, 11, 1, 9), "closes_at": _at(2022, 11, 30, 17, 30), "quota": 1, "call_text": call, **contact},
        )
        Round.objects.update_or_create(
            programme=first,
            name="2025年度",
            defaults={"opens_at": _at(2025, 10, 9, 9), "closes_at": _at(2025, 11, 14, 17, 30), "quota": 2, "call_text": call, **contact},
        )
        Round.objects.update_or_create(
            programme=current,
            name="2026年度第一批",
            defaults={"opens_at": _at(2026, 5, 11, 9), "closes_at": _at(2026, 6, 12, 17, 30), "quota": 2, "call_text": call, **contact},
        )
        Round.objects.update_or_create(
            programme=current,
            name="2026年度",
            defaults={"opens_at": _at(2026, 11, 2, 9), "closes_at": _at(2026, 12, 18, 17, 30), "quota": 2, "call_text": call, **contact},
        )

    def _city_programmes(self, regions) -> None:
        """Zibo's programmes of both periods, each with one round, for the county's results to be reported to."""
        city_departments = self._city_departments(regions["370300"])
        city_call = "根据《淄博市就业服务质量标杆机构评定实施方案》，现组织开展市级就业服务质量标杆机构申报工作。"
        city_contact = {"contact_name": "淄博市公共就业和人才服务中心", "contact_phone": "0533-3170000",
                        "contact_email": "jiuye@zibo.example.gov.cn"}
        city_specs = [
            ("“十四五”时期", date(2021, 1, 1), date(2025, 12, 31), "2023年度", _at(2023, 4, 10, 9), _at(2023, 5, 12, 17, 30)),
            ("“十五五”时期", date(2026, 1, 1), date(2030, 12, 31), "2026年度", _at(2026, 8, 3, 9), _at(2026, 9, 11, 17, 30)),
        ]
        for period, start, end, round_name, opens_at, closes_at in city_specs:
            city_programme, _ = Programme.objects.update_or_create(
                name=f"淄博市就业服务质量市级标杆机构评定（{period}）",
                defaults={
                    "level": Level.CITY,
                    "region": regions["370300"],
                    "period_name": period,
                    "period_start": start,
                    "period_end": end,
                    "period_quota": 12,
                    "lead_department": city_departments[0],
                },
            )
            for order, department in enumerate(city_departments):
                ProgrammeDepartment.objects.update_or_create(
                    programme=city_programme, department=department, defaults={"order": order}
                )
            Round.objects.update_or_create(
                programme=city_programme,
                name=round_name,
                defaults={"opens_at": opens_at, "closes_at": closes_at, "quota": 3, "call_text": city_call, **city_contact},
            )

    def _city_departments(self, city: Region) -> list[Department]:
        rows = [
            ("淄博市人力资源和社会保障局", "市人社局", "淄人社字", DepartmentKind.HR),
            ("淄博市发展和改革委员会", "市发改委", "淄发改字", DepartmentKind.DRC),
            ("淄博市民政局", "市民政局", "淄民字", DepartmentKind.CIVIL_AFFAIRS),
        ]
        result = []
        for name, short, prefix, kind in rows:
            department, _ = Department.objects.update_or_create(
                name=name, defaults={"short_name": short, "doc_prefix": prefix, "kind": kind, "region": city}
            )
            if not department.seal_image:
                department.seal_image.save("seal.png", ContentFile(seal_png(name.removeprefix("淄博市"))), save=True)
            result.append(department)
        return result

    def _institutions(self, county: Region, departments) -> dict[str, Institution]:
        result = {}
        for name, body, kind, address, principal, supervisor in DEMO_INSTITUTIONS:
            result[body], _ = Institution.objects.update_or_create(
                uscc=uscc(body),
                defaults={
                    "name": name,
                    "kind": kind,
                    "region": county,
                    "address": address,
                    "principal_name": principal,
                    "contact_name": principal,
                    "contact_phone": "0533-6961000",
                    "supervisor": departments.get(supervisor),
                    "status": InstitutionStatus.VERIFIED,
                },
            )
        return result

    def _applications(self, programmes, institutions) -> None:
        first, current = programmes
        rounds = {
            "2022": first.rounds.get(name="2022年度"),
            "2025": first.rounds.get(name="2025年度"),
            "2026": current.rounds.get(name="2026年度"),
            "2026a": current.rounds.get(name="2026年度第一批"),
            "city2023": Round.objects.get(programme__level=Level.CITY, name="2023年度"),
            "city2026": Round.objects.get(programme__level=Level.CITY, name="2026年度"),
        }
        applicants = {
            body: User.objects.filter(institution=institution, role=Role.APPLICANT).first()
            for body, institution in institutions.items()
        }
        admin = User.objects.get(username="admin")
        applicants = {k: v for k, v in applicants.items() if v}
        if created := seed_applications(rounds=rounds, institutions=institutions, admin=admin, applicants=applicants):
            self.stdout.write(f"  创建演示申报 {created} 份")
        if reviewed := seed_review(rounds=rounds, admin=admin):
            self.stdout.write(f"  创建演示评审：{'、'.join(reviewed)}")
        if published := seed_publicity(rounds=rounds, admin=admin):
            self.stdout.write(f"  创建演示公示：{'、'.join(published)}")
        if announced := seed_results(rounds=rounds, admin=admin):
            self.stdout.write(f"  创建演示公布、授牌与撤销：{'、'.join(announced)}")
        if reported := seed_reporting(city_admin=User.objects.get(username="admin_city"), county_admin=admin):
            self.stdout.write(f"  创建演示结果报送：{'、'.join(reported)}")
        seed_platforms(year=2026)
        if (complaints := seed_complaints()) + (ratings := seed_satisfaction()) + len(seed_appraisal()):
            self.stdout.write(f"  创建演示基层平台：投诉 {complaints} 件，满意度评价 {ratings} 条，年度考核")
        if shown := seed_showcase():
            self.stdout.write(f"  创建演示标杆展示：{'、'.join(shown)}")
        sysadmin = User.objects.get(username="sysadmin")
        if standards := seed_rubrics(actor=sysadmin):
            self.stdout.write(f"  添加评分标准：{'、'.join(standards)}")
        if assessment := seed_assessment(actor=sysadmin):
            self.stdout.write(f"  创建演示评估记录：{assessment.subject}（台账已导入）")
        campaigns = seed_communities(admin=User.objects.get(username="admin_district"),
                                     city_admin=User.objects.get(username="admin_gz"))
        if campaigns:
            self.stdout.write(f"  创建演示年度创建：{'、'.join(campaigns)}")

    def _users(self, institutions, regions) -> dict[str, str]:
        credentials = json.loads(CREDENTIALS_FILE.read_text()) if CREDENTIALS_FILE.exists() else {}
        to_hash = []
        for username, full_name, role, institution_body, department_name in DEMO_USERS:
            password = credentials.setdefault(username, _password())
            user, created = User.objects.update_or_create(
                username=username,
                defaults={
                    "full_name": full_name,
                    "role": role,
                    "email": f"{username}@example.com",
                    "institution": institutions.get(institution_body),
                    "department": Department.objects.get(name=department_name) if department_name else None,
                    "region": regions[DEMO_USER_REGIONS[username]] if username in DEMO_USER_REGIONS else None,
                    # Daily work never needs a superuser (docs/security.md 7): the three administrators are groups.
                    "is_superuser": False,
                    # Demo accounts skip the first-login password change so a newcomer lands on the home page.
                    "must_change_password": False,
                    "password_changed_at": timezone.now(),
                },
            )
            if created or not user.has_usable_password():  # hashing is slow on purpose: only when needed
                to_hash.append((user, password))
            services.user_role_group_sync(user=user)
            if role == Role.PROGRAMME_ADMIN:  # each admin runs the programmes its department leads
                for programme in Programme.objects.filter(lead_department=user.department):
                    services.programme_admin_grant(programme=programme, user=user)
        # PBKDF2 runs outside the GIL: the machine's cores hash the accounts side by side (≈0.4 s each).
        with ThreadPoolExecutor() as pool:
            hashes = list(pool.map(make_password, [password for _user, password in to_hash]))
        for (user, _plain), hashed in zip(to_hash, hashes, strict=True):
            user.password = hashed
            user.save(update_fields=["password"])
        CREDENTIALS_FILE.write_text(json.dumps(credentials, ensure_ascii=False, indent=2))
        CREDENTIALS_FILE.chmod(0o600)
        return {username: credentials[username] for username, *_ in DEMO_USERS}
