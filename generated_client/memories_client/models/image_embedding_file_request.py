from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.embedding_model import EmbeddingModel, check_embedding_model
from ..types import File

T = TypeVar("T", bound="ImageEmbeddingFileRequest")


@_attrs_define
class ImageEmbeddingFileRequest:
    """An image sent with the request (method 1, `multipart/form-data`).

    Attributes:
        file (File): The image file (JPEG, PNG, GIF, WebP, BMP or TIFF).
        model (EmbeddingModel): The embedding model, which fixes the vector length:
            `multimodalembedding@001` (Google's multimodal embedding model, 1408 dimensions) or
            `mobileclip` (Apple's MobileCLIP, 512 dimensions).
    """

    file: File
    model: EmbeddingModel
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        model: str = self.model

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "file": file,
                "model": model,
            }
        )

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))

        files.append(("model", (None, str(self.model).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        model = check_embedding_model(d.pop("model"))

        image_embedding_file_request = cls(
            file=file,
            model=model,
        )

        image_embedding_file_request.additional_properties = d
        return image_embedding_file_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
