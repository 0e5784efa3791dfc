"""Official documents (公文) laid out as GB/T 9704-2012 prescribes: the departments' announcement and the upward
report render through `official_pdf` on templates that extend `documents/official.html`.

The context a template gets (and the base reads):
- `doc`: an `OfficialDocument` (issuers, document number, title, addressee, paragraphs, signers, written date, seals,
  copy-to, printing office and date, public note);
- whatever the extending template adds for its own blocks (`annex`).
"""

from dataclasses import dataclass, field

from portal.pdf import render_pdf


@dataclass
class OfficialDocument:
    issuers: list[str]  # 发文机关 (the lead first): the 版头's 发文机关标志 and the signatures
    document_number: str  # 发文字号: 高人社字〔2022〕12号
    title: str  # 标题
    written: str  # 成文日期, as printed: 2022年12月20日
    paragraphs: list[str] = field(default_factory=list)  # 正文, one string per paragraph
    addressee: str = ""  # 主送机关
    seals: list[str] = field(default_factory=list)  # file:// URIs of the departments' seal images
    copy_to: str = ""  # 版记: 抄送
    printed_by: str = ""  # 版记: 印发机关
    printed_on: str = ""  # 版记: 印发日期
    public_note: str = ""  # 附注: （此件主动公开）
    draft: bool = False  # a draft says so and bears no seal


def official_pdf(template_name: str, context: dict) -> bytes:
    """The PDF of a template extending documents/official.html, `context["doc"]` an OfficialDocument."""
    return render_pdf(template_name, context)
