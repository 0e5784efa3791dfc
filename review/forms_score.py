"""The reviewer's score sheet: one line per item of the plan's rubric, read for the applying institution
(review.rubrics.Line)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


def _points_field(line) -> forms.DecimalField:
    maximum = format(line.item.max_points.normalize(), "f")
    return forms.DecimalField(
        label=_("%(code)s %(title)s（满分%(max)s）") % {"code": line.item.code, "title": line.item.title, "max": maximum},
        min_value=Decimal(0),
        max_value=line.item.max_points,
        max_digits=7,
        decimal_places=2,
        required=False,
        help_text=line.guidance if line.required else " ".join(filter(None, (line.item.content, line.guidance))),
        widget=forms.NumberInput(
            attrs={
                "step": "0.5",
                "inputmode": "decimal",
                "data-score-kind": "bonus" if line.is_bonus else "scored",
                "data-code": line.item.code,
                "data-max": maximum,
            }
        ),
    )


def _met_field(line) -> forms.TypedChoiceField:
    label = f"{line.item.code} {line.item.title}"
    return forms.TypedChoiceField(
        label=_("%(label)s：是否符合（必备条件）") % {"label": label} if line.judged else label,
        choices=[("1", _("符合")), ("0", _("不符合"))],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"data-score-kind": "gate", "data-code": line.item.code}),
        help_text=line.item.content or line.guidance,
    )


class ScoreSheetForm(forms.Form):
    """Per item that applies: 符合/不符合 for a required one, points for a judged one (an item may be both: county
    conditions 2–4), and a comment. An item that does not apply to the institution (不适用) has no field.

    The widgets carry what static/js/score.js needs for the live total (data-score-kind, data-max, data-code) and mark
    the comments to grow as the reviewer types. Without a priority item claimed (`bonus_allowed` False) the bonus
    (优先评定) fields are disabled at 0: the browser sends nothing for them and the form ignores anything sent, so the
    sheet never carries points the service would refuse (review.services.sheets._check_priority).
    """

    BONUS_LOCKED_HINT = _("该申报未填报优先评定事项，不能加分。")

    justification = forms.CharField(
        label=_("偏离说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "data-autogrow": ""}),
        help_text=_("您的总分与其他评审专家平均分相差较大时必填。"),
    )

    def __init__(self, *args, lines, scores, justification="", bonus_allowed=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        self.initial["justification"] = justification
        for line in self.lines:
            if line.applicable:
                self._add_line(line, scores.get(line.item.pk), bonus_allowed)

    def _add_line(self, line, score, bonus_allowed: bool) -> None:
        key = f"i{line.item.pk}"
        if line.required:
            self.fields[f"{key}_met"] = _met_field(line)
            if score and score.passed is not None:
                self.initial[f"{key}_met"] = "1" if score.passed else "0"
        if line.judged:
            self.fields[key] = _points_field(line)
            if line.is_bonus and not bonus_allowed:
                self._lock(key)
            elif score and score.points is not None:
                self.initial[key] = score.points
        self.fields[f"{key}_comment"] = forms.CharField(
            label=_("评语"), required=False, max_length=1000,
            widget=forms.Textarea(attrs={"rows": 1, "data-autogrow": ""}),
        )
        if score:
            self.initial[f"{key}_comment"] = score.comment

    def _lock(self, key: str) -> None:
        """A bonus field shown at 0 and disabled, described by the hint the template prints under it."""
        field = self.fields[key]
        field.disabled = True
        self.initial[key] = Decimal(0)
        auto_id = self[key].auto_id
        if auto_id:
            described = [f"{auto_id}_locked"] + ([f"{auto_id}_helptext"] if field.help_text else [])
            field.widget.attrs["aria-describedby"] = " ".join(described)

    def _bound(self, name: str):
        return self[name] if name in self.fields else None

    def rows(self) -> list[dict]:
        """Per line, for the template: the line, its 符合/不符合 field, its points field, its comment (None where the
        line has none: an item that does not apply has none at all)."""
        return [
            {
                "line": line,
                "met": self._bound(f"i{line.item.pk}_met"),
                "points": self._bound(f"i{line.item.pk}"),
                "comment": self._bound(f"i{line.item.pk}_comment"),
            }
            for line in self.lines
        ]

    def values(self) -> dict:
        result = {}
        for line in self.lines:
            if not line.applicable:
                continue
            key = f"i{line.item.pk}"
            result[line.item.pk] = {
                "passed": self.cleaned_data.get(f"{key}_met"),
                "points": self.cleaned_data.get(key),
                "comment": self.cleaned_data.get(f"{key}_comment", ""),
            }
        return result
