"""Reading curators' uploads: the latest ones, one with its outcome."""

from __future__ import annotations

from ..models import UPLOAD_MODELS, GenePanelSnapshot, Upload


def recent_uploads(per_kind: int = 10, total: int = 15) -> list[Upload]:
    """The latest uploads of every kind, newest first."""
    recent: list[Upload] = []
    for model in UPLOAD_MODELS.values():
        recent += list(model.objects.select_related("user")[:per_kind])
    recent.sort(key=lambda u: u.created, reverse=True)
    return recent[:total]


def upload_of(kind: str, pk: int) -> Upload | None:
    """One upload of this kind (panel, reviews, genes) with its curator."""
    model = UPLOAD_MODELS[kind]
    return model.objects.select_related("user").filter(pk=pk).first()


def imported_panels(upload: Upload) -> list[tuple[int, str, str]]:
    """``(panel id, panel name, version)`` of each panel an import changed."""
    changed = upload.summary.get("panels")
    if not changed:
        return []
    names = dict(
        GenePanelSnapshot.objects.filter(panel_id__in=[int(p) for p in changed]).values_list(
            "panel_id", "level4title__name"
        )
    )
    return [(int(pid), names.get(int(pid), pid), version) for pid, version in changed.items()]
