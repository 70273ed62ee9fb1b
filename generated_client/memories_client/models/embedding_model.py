from typing import Literal

EmbeddingModel = Literal["mobileclip", "multimodalembedding@001"]

EMBEDDING_MODEL_VALUES: set[EmbeddingModel] = {
    "mobileclip",
    "multimodalembedding@001",
}


def check_embedding_model(value: str) -> EmbeddingModel:
    if value in EMBEDDING_MODEL_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {EMBEDDING_MODEL_VALUES!r}")
