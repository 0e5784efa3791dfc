"""Demo applications in every state, for `manage.py seed_demo`. Built through the services, so the history reads
as it would in real use. Idempotent: an institution that already applied in a round is left as it is."""

import functools
import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from weasyprint import HTML

from applications import services
from applications.enums import ApplicationStatus as S
from applications.enums import AttachmentPurpose, IssuerLevel, PriorityKind, SelfCheck
from applications.models import Application, ConditionAnswer, PriorityItem
from applications.selectors import conditions_for
from portal.enums import InstitutionKind

SEAL_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"

WORK_RECORD = (
    "{name}位于{address}，现有专职工作人员{staff}名，设综合服务、政策咨询、职业指导、技能培训报名等功能区，"
    "实行“一站式受理、一窗式办结”。近三年累计服务求职者{served}人次，帮助{placed}人实现就业，"
    "举办各类招聘会{fairs}场，开展职业指导和创业培训{trainings}期。"
    "机构推行“15分钟就业服务圈”，在社区（村）设立就业服务驿站，把岗位信息、政策咨询和技能培训送到群众家门口；"
    "建立重点群体帮扶台账，对高校毕业生、退役军人、就业困难人员实行“一人一档”“一人一策”精准服务。"
    "服务满意度测评连续三年保持在98%以上，形成了“暖心就业”服务品牌。"
)


def seal_png(text: str) -> bytes:
    """A red round seal with the institution's name: a stand-in for the scanned seal page."""
    size = 360
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 20, 20, 255)
    draw.ellipse((10, 10, size - 10, size - 10), outline=red, width=12)
    try:
        font = ImageFont.truetype(SEAL_FONT, 34)
        star = ImageFont.truetype(SEAL_FONT, 80)
    except OSError:
        font = star = ImageFont.load_default()
    draw.text((size / 2, size / 2), "★", fill=red, font=star, anchor="mm")
    draw.text((size / 2, size / 2 + 95), text[:10], fill=red, font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@functools.lru_cache(maxsize=4)
def evidence_pdf(title: str) -> bytes:
    html = f"<h1 style='font-family: Noto Sans CJK SC'>{title}</h1><p style='font-family: Noto Serif CJK SC'>演示佐证材料。</p>"
    return HTML(string=html).write_pdf()


def _fill(application: Application, actor, *, served: int) -> None:
    institution = application.institution
    application.principal_title = "主任"
    application.principal_phone = "+8653369610" + str(10 + application.pk % 80)
    application.work_record = WORK_RECORD.format(
        name=institution.name,
        address=institution.address,
        staff=12,
        served=served,
        placed=served // 4,
        fairs=36,
        trainings=18,
    )
    application.commitment_accepted = True
    application.commitment_date = timezone.localdate() - timedelta(days=3)
    application.save()
    for condition in conditions_for(application):
        answer = SelfCheck.MET if condition.applies_to(institution.kind) else SelfCheck.NOT_APPLICABLE
        ConditionAnswer.objects.update_or_create(
            application=application,
            condition=condition,
            defaults={"answer": answer, "statement": "符合。详见佐证材料。" if answer == SelfCheck.MET else ""},
        )
    proof = services.attachment_add(
        application=application,
        uploaded=SimpleUploadedFile("服务台账（2023-2025）.pdf", evidence_pdf("服务台账（2023—2025年）"), "application/pdf"),
        purpose=AttachmentPurpose.EVIDENCE,
        actor=actor,
    )
    services.attachment_add(
        application=application,
        uploaded=SimpleUploadedFile("承诺页盖章.png", seal_png(institution.name), "image/png"),
        purpose=AttachmentPurpose.SEAL,
        actor=actor,
    )
    PriorityItem.objects.get_or_create(
        application=application,
        title="县级人力资源社会保障系统优质服务窗口",
        defaults={
            "kind": PriorityKind.HONOUR,
            "issuer": "高青县人力资源和社会保障局",
            "issuer_level": IssuerLevel.COUNTY,
            "issued_on": timezone.localdate() - timedelta(days=400),
            "proof": proof,
        },
    )


# (round index, institution uscc, the moves after the draft, served count)
PLAN = [
    ("2022", "12370322MB0000001", [S.SUBMITTED, S.ACCEPTED], 15800),
    ("2022", "52370322MJ0000006", [S.SUBMITTED, S.REJECTED], 4200),
    ("2025", "91370322MA0000007", [S.SUBMITTED, S.ACCEPTED], 9100),
    ("2025", "12370322MB0000005", [S.SUBMITTED, S.ACCEPTED], 6000),
    ("2025", "11370322MB0000002", [S.SUBMITTED, S.ACCEPTED], 7000),
    ("2025", "52370322MJ0000006", [S.SUBMITTED, S.RETURNED, S.RESUBMITTED, S.ACCEPTED], 4800),
    ("2026", "12370322MB0000001", [], 21000),
    ("2026", "91370322MA0000007", [S.SUBMITTED], 9800),
    ("2026", "12370322MB0000005", [S.SUBMITTED, S.RETURNED], 6400),
    ("2026", "52370322MJ0000006", [S.SUBMITTED, S.RETURNED, S.RESUBMITTED], 5100),
    ("2026", "11370322MB0000002", [S.SUBMITTED, S.ACCEPTED], 7300),
    ("2026", "N2370322MF0000003", [S.WITHDRAWN], 900),
    ("2026a", "11370322MB0000008", [S.SUBMITTED, S.ACCEPTED], 5200),
    ("2026a", "91370322MA0000009", [S.SUBMITTED, S.ACCEPTED], 8600),
    ("2026a", "N2370322MF0000003", [S.SUBMITTED, S.ACCEPTED], 1300),
    ("city2023", "91370322MA0000007", [S.SUBMITTED, S.ACCEPTED], 8800),
    ("city2026", "12370322MB0000001", [S.SUBMITTED, S.ACCEPTED], 21000),
    ("city2026", "12370322MB0000005", [S.SUBMITTED, S.ACCEPTED], 6600),
]


def seed_applications(*, rounds: dict, institutions: dict, admin, applicants: dict) -> int:
    """Create the demo applications that do not exist yet. Returns how many were created."""
    created = 0
    for round_key, uscc_body, moves, served in PLAN:
        round = rounds[round_key]
        institution = institutions[uscc_body]
        if Application.objects.filter(round=round, institution=institution).exists():
            continue
        actor = applicants.get(uscc_body) or admin
        application = Application.objects.create(
            round=round,
            institution=institution,
            created_by=actor,
            institution_name=institution.name,
            institution_address=institution.address,
            principal_name=institution.principal_name,
            contact_name=institution.contact_name,
            contact_phone=institution.contact_phone,
        )
        if moves:
            _fill(application, actor, served=served)
        _move(application, moves, actor=actor, admin=admin)
        created += 1
    return created


def _return_reason(application) -> str:
    """What the admin asks for: the staffing files only of the county public agency (county condition 1 binds it
    alone, 「其他机构不作要求」); of any other institution, its ledgers and licence."""
    if application.institution.kind == InstitutionKind.PUBLIC_AGENCY:
        return "请补充机构人员编制文件（鲁编办发〔2019〕5号要求）和近三年服务台账的盖章扫描件。"
    return "请补充近三年服务台账和营业执照（或登记证书）的盖章扫描件。"


def _move(application, moves, *, actor, admin) -> None:
    for status in moves:
        if status in (S.SUBMITTED, S.RESUBMITTED):
            services.application_transition(application=application, to=status, actor=actor, submitted_at=timezone.now())
        elif status == S.RETURNED:
            services.application_return(
                application=application, actor=admin, reason=_return_reason(application),
                deadline=timezone.localdate() + timedelta(days=7),
            )
        elif status == S.ACCEPTED:
            services.application_accept(application=application, actor=admin, note="材料齐全，予以受理。")
        elif status == S.REJECTED:
            services.application_reject(application=application, actor=admin, reason="申报材料不符合基本条件第2条：无固定服务场所。")
        elif status == S.WITHDRAWN:
            services.application_withdraw(application=application, actor=actor)
