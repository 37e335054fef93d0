"""featherkit-pydantic: ``pydantic.BaseModel`` task inputs and outputs, as flytekit has them.

    from pydantic import BaseModel
    from featherkit import task

    class Config(BaseModel):
        lr: float
        layers: list[int]

    @task
    def train(config: Config) -> Config: ...

Installing the package is all it takes: its entry point registers the transformer.
"""

from featherkit_pydantic.transformer import PydanticTransformer

__all__ = ["PydanticTransformer"]
