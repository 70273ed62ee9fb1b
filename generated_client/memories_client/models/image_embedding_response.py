from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.image_embedding import ImageEmbedding


T = TypeVar("T", bound="ImageEmbeddingResponse")


@_attrs_define
class ImageEmbeddingResponse:
    """The success envelope of an embedding.

    Attributes:
        code (int | str): The result code. Agrees with the HTTP status (`200`, `400`, `401`…). The provider's pages call
            it a
            string yet send the integer `200`; v1-style pages show the string `"0000"` for success. Both occur.
        msg (str): `"success"` on success.
        data (ImageEmbedding): The payload of a successful embedding.
        success (bool | Unset): `true` on success; present on most responses.
        failed (bool | Unset): `false` on success; present on most responses.
    """

    code: int | str
    msg: str
    data: ImageEmbedding
    success: bool | Unset = UNSET
    failed: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code: int | str
        code = self.code

        msg = self.msg

        data = self.data.to_dict()

        success = self.success

        failed = self.failed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "msg": msg,
                "data": data,
            }
        )
        if success is not UNSET:
            field_dict["success"] = success
        if failed is not UNSET:
            field_dict["failed"] = failed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.image_embedding import ImageEmbedding  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_code(data: object) -> int | str:
            return cast(int | str, data)

        code = _parse_code(d.pop("code"))

        msg = d.pop("msg")

        data = ImageEmbedding.from_dict(d.pop("data"))

        success = d.pop("success", UNSET)

        failed = d.pop("failed", UNSET)

        image_embedding_response = cls(
            code=code,
            msg=msg,
            data=data,
            success=success,
            failed=failed,
        )

        image_embedding_response.additional_properties = d
        return image_embedding_response

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
