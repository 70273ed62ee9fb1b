from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_data import ErrorData


T = TypeVar("T", bound="ErrorEnvelope")


@_attrs_define
class ErrorEnvelope:
    """The envelope of every error. `code` agrees with the HTTP status; `msg` is a human-readable reason, for
    display only; `data` is usually null. Some provider pages omit `success` and `failed`.

        Attributes:
            code (int | str): The result code. Agrees with the HTTP status (`200`, `400`, `401`…). The provider's pages call
                it a
                string yet send the integer `200`; v1-style pages show the string `"0000"` for success. Both occur.
            msg (str): A human-readable reason; do not parse it.
            data (ErrorData | None | Unset): Usually null on errors.
            success (bool | Unset): `false` on errors, when present.
            failed (bool | Unset): `true` on errors, when present.
    """

    code: int | str
    msg: str
    data: ErrorData | None | Unset = UNSET
    success: bool | Unset = UNSET
    failed: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.error_data import ErrorData  # noqa: PLC0415

        code: int | str
        code = self.code

        msg = self.msg

        data: dict[str, Any] | None | Unset
        if isinstance(self.data, Unset):
            data = UNSET
        elif isinstance(self.data, ErrorData):
            data = self.data.to_dict()
        else:
            data = self.data

        success = self.success

        failed = self.failed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "msg": msg,
            }
        )
        if data is not UNSET:
            field_dict["data"] = data
        if success is not UNSET:
            field_dict["success"] = success
        if failed is not UNSET:
            field_dict["failed"] = failed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_data import ErrorData  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_code(data: object) -> int | str:
            return cast(int | str, data)

        code = _parse_code(d.pop("code"))

        msg = d.pop("msg")

        def _parse_data(data: object) -> ErrorData | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0 = ErrorData.from_dict(data)

                return data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErrorData | None | Unset, data)

        data = _parse_data(d.pop("data", UNSET))

        success = d.pop("success", UNSET)

        failed = d.pop("failed", UNSET)

        error_envelope = cls(
            code=code,
            msg=msg,
            data=data,
            success=success,
            failed=failed,
        )

        error_envelope.additional_properties = d
        return error_envelope

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
