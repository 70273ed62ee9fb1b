from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.embedding_model import EmbeddingModel, check_embedding_model

T = TypeVar("T", bound="ImageEmbeddingAssetRequest")


@_attrs_define
class ImageEmbeddingAssetRequest:
    """An image uploaded earlier, named by its asset id (method 2, `application/json`).

    Attributes:
        asset_id (str): The id of an uploaded asset, `re_` followed by digits.
        model (EmbeddingModel): The embedding model, which fixes the vector length:
            `multimodalembedding@001` (Google's multimodal embedding model, 1408 dimensions) or
            `mobileclip` (Apple's MobileCLIP, 512 dimensions).
    """

    asset_id: str
    model: EmbeddingModel
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        asset_id = self.asset_id

        model: str = self.model

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "asset_id": asset_id,
                "model": model,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        asset_id = d.pop("asset_id")

        model = check_embedding_model(d.pop("model"))

        image_embedding_asset_request = cls(
            asset_id=asset_id,
            model=model,
        )

        image_embedding_asset_request.additional_properties = d
        return image_embedding_asset_request

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
