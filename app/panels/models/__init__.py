from .activity import Activity
from .entities import ENTITY_MODELS, STR, AbstractEntity, GenePanelEntrySnapshot, Region
from .genes import Gene
from .panels import GenePanel, GenePanelSnapshot, HistoricalSnapshot, Level4Title, PanelAnswer, PanelType
from .reviews import Comment, Evaluation, Evidence, Tag, TrackRecord
from .uploads import UPLOAD_MODELS, Upload, UploadedGeneList, UploadedPanelList, UploadedReviewsList

__all__ = [
    "Activity",
    "ENTITY_MODELS",
    "STR",
    "AbstractEntity",
    "Comment",
    "Evaluation",
    "Evidence",
    "Gene",
    "GenePanel",
    "GenePanelEntrySnapshot",
    "GenePanelSnapshot",
    "HistoricalSnapshot",
    "Level4Title",
    "PanelAnswer",
    "PanelType",
    "Region",
    "Tag",
    "TrackRecord",
    "UPLOAD_MODELS",
    "Upload",
    "UploadedGeneList",
    "UploadedPanelList",
    "UploadedReviewsList",
]
