"""The learned ranking stage: a LightGBM lambdarank model over :data:`features.FEATURES`.

The model file (``assistant/data/ranker_v1.txt``) is versioned in the repository, shipped in
the wheel and reproduced by ``python -m scripts.train_ranker`` (fixed seed; it prints train and test
metrics). It is read on first use, never at import.
"""

from __future__ import annotations

import sys
import threading

import numpy as np

from assistant.core.retrieval.features import FEATURES
from assistant.prompts import model_file

MODEL_FILE = "ranker_v1.txt"


class RankerError(RuntimeError):
    """The ranking model cannot be used (message for users, in Chinese)."""


# lightgbm imports these when installed only to offer its scikit-learn / pandas / dask
# wrappers and plotting (~3 s of a cold `assistant search`); the Booster needs none of them.
_OPTIONAL_FOR_LIGHTGBM = ("sklearn", "pandas", "pyarrow", "dask", "matplotlib", "graphviz", "datatable")


def _import_lightgbm():
    """``lightgbm`` without its optional integrations (unless something imported them already)."""
    if "lightgbm" in sys.modules:
        return sys.modules["lightgbm"]
    hidden = [name for name in _OPTIONAL_FOR_LIGHTGBM if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # import fails: lightgbm skips it
    try:
        import lightgbm
    except ImportError as exc:  # pragma: no cover - lightgbm is a core dependency
        raise RankerError("缺少 lightgbm：请重新安装本程序（pip install -e .）") from exc
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]  # importable again for whoever needs them
    return lightgbm


class LearnedRanker:
    """Scores candidate feature rows; higher is better."""

    def __init__(self, model_text: str) -> None:
        lightgbm = _import_lightgbm()
        self._booster = lightgbm.Booster(model_str=model_text)
        names = tuple(self._booster.feature_name())
        if names != FEATURES:
            raise RankerError(
                "排序模型与特征定义不一致，请运行 python -m scripts.train_ranker 重新训练："
                f"模型 {len(names)} 个特征，代码 {len(FEATURES)} 个"
            )
        self._lock = threading.Lock()

    @classmethod
    def packaged(cls, name: str = MODEL_FILE) -> LearnedRanker:
        """The model shipped with the package."""
        resource = model_file(name)
        if not resource.is_file():
            raise RankerError(f"缺少排序模型文件 assistant/data/{name}")
        return cls(resource.read_text(encoding="utf-8"))

    def score(self, rows: np.ndarray) -> np.ndarray:
        """One score per row of the feature matrix."""
        if not len(rows):
            return np.zeros(0, dtype=np.float64)
        with self._lock:  # Booster.predict is not documented as thread-safe
            return np.asarray(self._booster.predict(rows, num_threads=1), dtype=np.float64)
