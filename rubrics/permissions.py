"""Who may change a rubric: the system administrator any; a programme admin those of the programmes it manages. Every
staff administrator may read them all (they are published standards)."""

from portal.permissions import manages_programme, sees_everything


def may_edit(user, rubric) -> bool:
    if sees_everything(user):
        return True
    return rubric.programme_id is not None and manages_programme(user, rubric.programme)
