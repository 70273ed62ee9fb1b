"""Contains all the data models used in inputs/outputs"""

from .embedding_model import EmbeddingModel
from .error_data import ErrorData
from .error_envelope import ErrorEnvelope
from .image_embedding import ImageEmbedding
from .image_embedding_asset_request import ImageEmbeddingAssetRequest
from .image_embedding_file_request import ImageEmbeddingFileRequest
from .image_embedding_response import ImageEmbeddingResponse
from .upload_request import UploadRequest
from .upload_response import UploadResponse
from .uploaded_asset import UploadedAsset

__all__ = (
    "EmbeddingModel",
    "ErrorData",
    "ErrorEnvelope",
    "ImageEmbedding",
    "ImageEmbeddingAssetRequest",
    "ImageEmbeddingFileRequest",
    "ImageEmbeddingResponse",
    "UploadedAsset",
    "UploadRequest",
    "UploadResponse",
)
