from .assessment import Assessment, Indicator
from .notices import Notice, NoticeFile, Receipt

__all__ = ["Assessment", "Indicator", "Notice", "NoticeFile", "Receipt"]
