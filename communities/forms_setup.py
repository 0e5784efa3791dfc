"""The forms of setting a campaign up: the district's year, its towns' tasks, a town's additions to the creation list."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.setup import default_dates, rubric_choices

DATE = {"required": False, "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
FIRST_YEAR = [("1", _("实施方案首年：11月10日前完成检查评估")), ("0", _("以后年度：12月至次年3月检查评估"))]
DEADLINES = ("self_due", "town_due", "district_due")


class CampaignSetupForm(forms.Form):
    """设立年度创建: the year, the plan's year (first or later), the rubric, the data window and the three deadlines;
    a date left empty takes the plan's default for the year (communities.setup.default_dates)."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    first_year = forms.TypedChoiceField(label=_("检查评估时间"), choices=FIRST_YEAR, coerce=lambda value: value == "1",
                                        widget=forms.RadioSelect)
    rubric = forms.ChoiceField(label=_("评分标准"), help_text=_("设立后该评分标准即启用，不能再修改。"))
    data_from = forms.DateField(label=_("评估取数起"), help_text=_("默认为上一年10月1日。"), **DATE)
    data_to = forms.DateField(label=_("评估取数止"), help_text=_("默认为本年9月30日。"), **DATE)
    self_due = forms.DateField(label=_("自评提交截止"), help_text=_("默认：首年10月15日，以后年度12月20日。"), **DATE)
    town_due = forms.DateField(label=_("镇评估推荐截止"), help_text=_("默认：首年10月31日，以后年度次年1月31日。"), **DATE)
    district_due = forms.DateField(label=_("区核定截止"), help_text=_("默认：首年11月10日，以后年度次年3月31日。"), **DATE)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].choices = [("", _("请选择评分标准"))] + rubric_choices(programme)

    def clean(self):
        cleaned = super().clean()
        year, first_year = cleaned.get("year"), cleaned.get("first_year")
        if year is None or first_year is None:
            return cleaned
        for name, value in default_dates(year, first_year=first_year).items():
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = value
        self._check_dates(cleaned, year)
        return cleaned

    def _check_dates(self, cleaned: dict, year: int) -> None:
        """The window before the deadlines, the deadlines in the chain's order and within the year or the next."""
        dates = [cleaned.get(name) for name in ("data_from", "data_to", *DEADLINES)]
        if None in dates:
            return
        data_from, data_to, self_due, town_due, district_due = dates
        if data_to <= data_from:
            self.add_error("data_to", _("评估取数止应晚于评估取数起。"))
        if self_due <= data_to:
            self.add_error("self_due", _("自评提交截止应晚于评估取数止。"))
        if town_due < self_due:
            self.add_error("town_due", _("镇评估推荐截止不能早于自评提交截止。"))
        if district_due < town_due:
            self.add_error("district_due", _("区核定截止不能早于镇评估推荐截止。"))
        for name, value in zip(DEADLINES, (self_due, town_due, district_due), strict=True):
            if value.year not in (year, year + 1) and name not in self.errors:
                self.add_error(name, _("应在%(year)d年或次年之内；改了年度的，请点“按年度填入默认日期”。") % {"year": year})


def _rate(label):
    return forms.DecimalField(label=label, required=False, min_value=0, max_value=100, max_digits=5, decimal_places=2,
                              widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))


def _plain(value):
    """A stored rate as typed: 75 for 75.00, 72.5 for 72.50."""
    if isinstance(value, Decimal):
        return format(value, "f").rstrip("0").rstrip(".") if "." in format(value, "f") else format(value, "f")
    return value


TARGET_FIELDS = {
    "count": (_("建设数量（个）"), lambda label: forms.IntegerField(label=label, required=False, min_value=0, max_value=999)),
    "community_rate": (_("社区建设率（%）"), _rate),
    "village_rate": (_("村建设率（%）"), _rate),
}


class TargetsForm(forms.Form):
    """The towns' tasks (建设任务), a row per town: the columns of the programme's kind (setup.TARGET_COLUMNS), each
    empty for none. `rows`: (town, [(column's header, field), …])."""

    def __init__(self, *args, towns, columns, stored: dict[int, dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        self.headers = [TARGET_FIELDS[column][0] for column in columns]
        self.rows = []
        for town in towns:
            cells = []
            for column in columns:
                label, make = TARGET_FIELDS[column]
                name = f"{column}_{town.pk}"
                self.fields[name] = make(f"{town.name} · {label}")
                self.fields[name].initial = _plain(stored.get(town.pk, {}).get(column))
                cells.append((label, self[name]))
            self.rows.append((town, cells))

    def values(self) -> dict:
        """{town: {column: value or None}} of every row."""
        return {town: {column: self.cleaned_data.get(f"{column}_{town.pk}") for column in self.columns}
                for town, _cells in self.rows}


class EntriesAddForm(forms.Form):
    """A town's communities and villages not yet listed, each to tick, with 是否就业驿站建设点 and 备注."""

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for place in places:
            self.fields[f"pick_{place.pk}"] = forms.BooleanField(label=gettext("列入“%(name)s”") % {"name": place.name}, required=False)
            self.fields[f"station_{place.pk}"] = forms.BooleanField(
                label=gettext("“%(name)s”是就业驿站建设点") % {"name": place.name}, required=False)
            self.fields[f"note_{place.pk}"] = forms.CharField(
                label=gettext("“%(name)s”的备注") % {"name": place.name}, required=False, max_length=200)
            self.rows.append((place, self[f"pick_{place.pk}"], self[f"station_{place.pk}"], self[f"note_{place.pk}"]))

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.picked():
            raise forms.ValidationError(_("请勾选要列入创建名单的社区（村）。"))
        return cleaned

    def picked(self) -> list[tuple]:
        """(place, 是否就业驿站建设点, 备注) of each ticked row, in the list's order."""
        data = self.cleaned_data
        return [(place, data.get(f"station_{place.pk}", False), data.get(f"note_{place.pk}", ""))
                for place, *_fields in self.rows if data.get(f"pick_{place.pk}")]
