"""Where letters' PDFs are kept: files under MEDIA_ROOT, or var/media when it is not set.

Files rather than database bytes: a 4M-account lender sends hundreds of thousands of letters a
month at 20–60 kB each, which would swell the database, its backups and its replicas with blobs
nobody queries; files go to cheap storage (a mounted volume, or an object store through another
Django storage backend) while the row keeps the name.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class LetterStorage(FileSystemStorage):
    @cached_property
    def base_location(self) -> str:
        return str(settings.MEDIA_ROOT or Path(settings.VAR_DIR) / "media")


def letters_storage() -> FileSystemStorage:
    return _STORAGE


_STORAGE = LetterStorage()
