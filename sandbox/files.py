"""Files sent through the sandbox, by the bot or by simulated users, and their download paths."""

import mimetypes
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

JsonDict = dict[str, Any]

# getFile refuses files above this size, as Telegram's cloud Bot API does.
DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    """One file's bytes with the identifiers Telegram would give it."""

    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_name: str | None
    mime_type: str | None
    file_path: str
    width: int = 0
    height: int = 0

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)

    def document_json(self) -> JsonDict:
        """The Document object for a message."""
        document: JsonDict = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.file_name:
            document["file_name"] = self.file_name
        if self.mime_type:
            document["mime_type"] = self.mime_type
        return document

    def photo_json(self) -> list[JsonDict]:
        """The photo sizes for a message; the sandbox keeps only the original size."""
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": self.width,
                "height": self.height,
                "file_size": self.size,
            }
        ]

    def file_json(self) -> JsonDict:
        """The File object getFile returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, JPEG or GIF image; None when the bytes are not one."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    # Walk the segments to the first start-of-frame marker, which holds the dimensions.
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        length = int.from_bytes(data[index + 2 : index + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(data[index + 5 : index + 7], "big")
            width = int.from_bytes(data[index + 7 : index + 9], "big")
            return width, height
        index += 2 + length
    return None


class FileStore:
    """Every file the sandbox knows, by file_id and by download path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._count = 0

    def add_document(
        self, data: bytes, file_name: str | None, mime_type: str | None = None
    ) -> StoredFile:
        """Store a general file."""
        self._count += 1
        suffix = PurePosixPath(file_name).suffix if file_name else ""
        guessed = mimetypes.guess_type(file_name)[0] if file_name else None
        stored = StoredFile(
            file_id=f"BQACAgsbx-document-{self._count}",
            file_unique_id=f"AgADsbx{self._count}",
            kind="document",
            data=data,
            file_name=file_name,
            mime_type=mime_type
            if mime_type and mime_type != "application/octet-stream"
            else guessed,
            file_path=f"documents/file_{self._count}{suffix}",
        )
        return self._keep(stored)

    def add_photo(self, data: bytes, width: int, height: int) -> StoredFile:
        """Store an image that was sent as a photo."""
        self._count += 1
        stored = StoredFile(
            file_id=f"AgACAgsbx-photo-{self._count}",
            file_unique_id=f"AQADsbx{self._count}",
            kind="photo",
            data=data,
            file_name=None,
            mime_type=None,
            file_path=f"photos/file_{self._count}.jpg",
            width=width,
            height=height,
        )
        return self._keep(stored)

    def _keep(self, stored: StoredFile) -> StoredFile:
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        """The file with this file_id."""
        return self._by_id.get(file_id)

    def at_path(self, file_path: str) -> StoredFile | None:
        """The file getFile exposed under this path."""
        return self._by_path.get(file_path)

    def __len__(self) -> int:
        return len(self._by_id)
