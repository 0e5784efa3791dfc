"""The allocation page's form: the region's own targets it sets itself, and a number per child and level handed down."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from levels.selectors import Allocation
from levels.services import Own
from portal.enums import Level

MAX_COUNT = 100_000


@dataclass(frozen=True)
class OwnRow:
    """One of the region's own targets on the page: its fields when the region sets it, what is handed down of it."""

    level: Level
    target: object
    fields: tuple | None
    handed_down: bool
    allocated: int
    left: int | None


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=MAX_COUNT,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}))


class AllocationForm(forms.Form):
    """`own_<level>`, `deadline_<level>`, `note_<level>` for each level the region sets itself; `share_<child>_<level>`
    for each child and level handed down (empty: none); `note`, the note of the shares saved."""

    note = forms.CharField(label=_("下达说明"), required=False, max_length=200,
                           help_text=_("选填，例如下达文件的文号；记入本次调整的各下级目标。"))

    def __init__(self, *args, page: Allocation, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.own_rows, self.share_rows = [], []
        for level, editable in page.editable.items():
            self.own_rows.append(OwnRow(
                Level(level), page.mine.get(level), self._own_fields(level) if editable else None,
                level in page.handed_down, page.allocated(level), page.left(level),
            ))
        for child in page.children:
            cells = []
            for level in page.handed_down:
                name = f"share_{child.pk}_{level}"
                stored = page.theirs.get((child.pk, level))
                self.fields[name] = _count(gettext("%(child)s · %(level)s") % {"child": child.name, "level": Level(level).label})
                self.fields[name].initial = stored.count if stored else None
                cells.append((Level(level), self[name], stored, page.further.get(stored.pk, 0) if stored else 0))
            self.share_rows.append((child, cells))
        self.has_inputs = bool(self.share_rows) or any(row.fields for row in self.own_rows)

    def _own_fields(self, level: str) -> tuple:
        label, stored = Level(level).label, self.page.mine.get(level)
        names = (f"own_{level}", f"deadline_{level}", f"note_{level}")
        self.fields[names[0]] = _count(gettext("本级%(level)s目标（家）") % {"level": label})
        self.fields[names[1]] = forms.DateField(
            label=gettext("%(level)s完成期限") % {"level": label}, required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            help_text=gettext("留空为周期结束日（%(end)s）。") % {"end": self.page.period.end.isoformat()},
        )
        self.fields[names[2]] = forms.CharField(label=gettext("%(level)s目标说明") % {"level": label},
                                                required=False, max_length=200)
        if stored is not None:
            self.fields[names[0]].initial, self.fields[names[1]].initial = stored.count, stored.deadline
            self.fields[names[2]].initial = stored.note
        return tuple(self[name] for name in names)

    def clean(self):
        cleaned = super().clean()
        start = self.page.period.start
        for level, editable in self.page.editable.items():
            deadline = cleaned.get(f"deadline_{level}")
            if editable and deadline is not None and deadline < start:
                self.add_error(f"deadline_{level}", gettext("完成期限不能早于周期开始（%(start)s）。") % {"start": start.isoformat()})
        return cleaned

    def own(self) -> dict[str, Own]:
        data = self.cleaned_data
        return {
            level: Own(count=data.get(f"own_{level}"), deadline=data.get(f"deadline_{level}"), note=data.get(f"note_{level}", ""))
            for level, editable in self.page.editable.items() if editable
        }

    def shares(self) -> dict[int, dict[str, int | None]]:
        data = self.cleaned_data
        return {child.pk: {level: data.get(f"share_{child.pk}_{level}") for level in self.page.handed_down}
                for child in self.page.children}
