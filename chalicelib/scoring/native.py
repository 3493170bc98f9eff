"""XGBoost's C library (libxgboost.so) through ctypes: load a model, predict, explain.

Serving uses this instead of the `xgboost` Python package because that package imports
`scipy.sparse` at import (xgboost 3.2, core.py), and numpy + scipy + xgboost do not fit a Lambda
package next to the app. The C library needs only numpy here (and its own libgomp).

Where the library is looked up, first found wins (`locate`):
1. `WH_XGBOOST_LIB`: a path to libxgboost.so (set but missing: unavailable, no fallback);
2. the copy shipped in the Lambda package: <package root>/xgboost_native/lib/libxgboost.so, with
   its libgomp in <package root>/xgboost_cpu.libs/ where the library's RPATH
   ($ORIGIN/../../xgboost_cpu.libs) finds it (`infra/package.py` puts both there);
3. the installed xgboost package's lib/ directory, found with `importlib.util.find_spec` without
   importing the package (dev, tests, CI install xgboost-cpu from requirements-ml.txt).

Threads: XGBoost documents prediction (values and SHAP contributions) as thread safe for tree
boosters (gbtree, dart) since 1.4; output buffers are per thread and per booster. Changing
parameters while another thread predicts is not safe: `Booster` sets nthread before it serves
and runs one prediction then, so the lazy configuration happens before any concurrency. Other
booster kinds (gblinear) predict under a lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import json
import os
import threading
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

LIB_ENV = "WH_XGBOOST_LIB"
LIB_NAME = "libxgboost.so"
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # /var/task on Lambda
VENDORED = PACKAGE_ROOT / "xgboost_native" / "lib" / LIB_NAME
THREAD_SAFE_BOOSTERS = ("gbtree", "dart")

# XGBoosterPredictFromDMatrix / FromDense "type"
VALUE, MARGIN, CONTRIBUTIONS, APPROX_CONTRIBUTIONS = 0, 1, 2, 3

_bst_ulong = ctypes.c_uint64
_handle = ctypes.c_void_p
_shape_p = ctypes.POINTER(_bst_ulong)
_result_p = ctypes.POINTER(ctypes.c_float)


class LibraryUnavailable(Exception):
    """No libxgboost.so could be found or loaded."""


class XGBoostError(Exception):
    """A C API call returned an error; the message is XGBGetLastError's text."""


def installed_package_lib() -> Path | None:
    """lib/libxgboost.so of the installed xgboost package, found without importing it."""
    try:
        spec = importlib.util.find_spec("xgboost")
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "lib" / LIB_NAME
        if candidate.is_file():
            return candidate
    return None


def locate(env: Mapping[str, str] | None = None, vendored: Path = VENDORED) -> Path:
    """The library to load, in the order of the module docstring; LibraryUnavailable if none."""
    env = os.environ if env is None else env
    if env.get(LIB_ENV):
        path = Path(env[LIB_ENV])
        if not path.is_file():
            raise LibraryUnavailable(f"{LIB_ENV}={path} is not a file")
        return path
    if vendored.is_file():
        return vendored
    installed = installed_package_lib()
    if installed is None:
        raise LibraryUnavailable(
            f"no {LIB_NAME}: set {LIB_ENV}, ship {vendored.relative_to(PACKAGE_ROOT)} "
            "in the package, or install xgboost-cpu"
        )
    return installed


class Library:
    """The C functions serving needs, with their signatures declared (c_api.h, XGBoost 3.2)."""

    def __init__(self, path: Path) -> None:
        try:
            self.cdll = ctypes.CDLL(str(path))
        except OSError as exc:
            raise LibraryUnavailable(f"cannot load {path}: {exc}") from exc
        self.path = path
        lib = self.cdll
        lib.XGBGetLastError.restype = ctypes.c_char_p
        lib.XGBGetLastError.argtypes = []
        lib.XGBoostVersion.restype = None
        lib.XGBoostVersion.argtypes = [ctypes.POINTER(ctypes.c_int)] * 3
        signatures: dict[str, list[Any]] = {
            "XGBoosterCreate": [ctypes.POINTER(_handle), _bst_ulong, ctypes.POINTER(_handle)],
            "XGBoosterFree": [_handle],
            "XGBoosterLoadModelFromBuffer": [_handle, ctypes.c_void_p, _bst_ulong],
            "XGBoosterSetParam": [_handle, ctypes.c_char_p, ctypes.c_char_p],
            "XGBoosterGetNumFeature": [_handle, ctypes.POINTER(_bst_ulong)],
            "XGBoosterGetStrFeatureInfo": [
                _handle,
                ctypes.c_char_p,
                ctypes.POINTER(_bst_ulong),
                ctypes.POINTER(ctypes.POINTER(ctypes.c_char_p)),
            ],
            "XGBoosterSaveJsonConfig": [_handle, ctypes.POINTER(_bst_ulong), ctypes.POINTER(ctypes.c_char_p)],
            "XGBoosterPredictFromDense": [
                _handle,
                ctypes.c_char_p,
                ctypes.c_char_p,
                _handle,
                ctypes.POINTER(_shape_p),
                ctypes.POINTER(_bst_ulong),
                ctypes.POINTER(_result_p),
            ],
            "XGBoosterPredictFromDMatrix": [
                _handle,
                _handle,
                ctypes.c_char_p,
                ctypes.POINTER(_shape_p),
                ctypes.POINTER(_bst_ulong),
                ctypes.POINTER(_result_p),
            ],
            "XGDMatrixCreateFromDense": [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(_handle)],
            "XGDMatrixFree": [_handle],
        }
        try:
            for name, argtypes in signatures.items():
                fn = getattr(lib, name)
                fn.argtypes, fn.restype = argtypes, ctypes.c_int
        except AttributeError as exc:
            raise LibraryUnavailable(f"{path} lacks a function serving needs: {exc}") from exc

    def check(self, code: int) -> None:
        """Raise XGBoostError with the library's own message when a call did not return 0."""
        if code != 0:
            message = (self.cdll.XGBGetLastError() or b"unknown error").decode("utf-8", "replace")
            raise XGBoostError(message.split("\nStack trace:")[0].strip())

    def version(self) -> tuple[int, int, int]:
        parts = [ctypes.c_int() for _ in range(3)]
        self.cdll.XGBoostVersion(*(ctypes.byref(p) for p in parts))
        return parts[0].value, parts[1].value, parts[2].value


_libraries: dict[Path, Library] = {}
_libraries_lock = threading.Lock()


def library(path: str | Path | None = None) -> Library:
    """The process's Library for `path` (default: `locate()`), loaded once; LibraryUnavailable if none."""
    resolved = Path(path) if path is not None else locate()
    if not resolved.is_file():
        raise LibraryUnavailable(f"{resolved} is not a file")
    with _libraries_lock:
        if resolved not in _libraries:
            _libraries[resolved] = Library(resolved)
        return _libraries[resolved]


def _dense(x: Any) -> np.ndarray:
    array = np.ascontiguousarray(x, dtype=np.float32)
    if array.ndim != 2:
        raise ValueError(f"expected a 2-d matrix (rows, features), got shape {array.shape}")
    return array


def _array_interface(array: np.ndarray) -> bytes:
    """numpy's __array_interface__ (v3) of a C-contiguous float32 matrix, as the JSON the C API reads."""
    return json.dumps(
        {"data": [array.ctypes.data, True], "shape": list(array.shape), "strides": None, "typestr": "<f4", "version": 3}
    ).encode()


def _copied(shape: Any, dims: ctypes.c_uint64, result: Any) -> np.ndarray:
    """Copy XGBoost's output out of its thread-local buffer (reused by the next call on this thread)."""
    out_shape = tuple(int(shape[i]) for i in range(dims.value))
    size = int(np.prod(out_shape)) if out_shape else 0
    if size == 0:
        return np.empty(out_shape, dtype=np.float32)
    return np.ctypeslib.as_array(result, shape=(size,)).copy().reshape(out_shape)


def _free(lib: Library, handle: ctypes.c_void_p) -> None:
    lib.cdll.XGBoosterFree(handle)


class Booster:
    """A model loaded from its saved bytes (UBJ or JSON) into the C library; predictions as numpy."""

    def __init__(self, lib: Library, raw: bytes, *, nthread: int = 1) -> None:
        """Raises XGBoostError for bytes XGBoost rejects. Its reader is not safe on every damaged input
        (an empty buffer aborts the process, some truncated UBJ files crash or hang it): give it only
        bytes whose checksum was verified, as model._load does."""
        if not raw:
            raise XGBoostError("empty model buffer")  # XGBoost 3.2 calls std::terminate on it
        self.lib = lib
        self._handle = _handle()
        lib.check(lib.cdll.XGBoosterCreate(None, 0, ctypes.byref(self._handle)))
        self._finalizer = weakref.finalize(self, _free, lib, self._handle)
        raw = bytes(raw)
        lib.check(lib.cdll.XGBoosterLoadModelFromBuffer(self._handle, raw, len(raw)))
        self.set_param("nthread", str(nthread))
        self.kind = self._config()["learner"]["gradient_booster"]["name"]
        self._guard: contextlib.AbstractContextManager[Any] = (
            contextlib.nullcontext() if self.kind in THREAD_SAFE_BOOSTERS else threading.Lock()
        )
        self.num_features = self._num_features()
        # configure now rather than under concurrent load; also learns the outputs per row
        self._row_shape = self.predict(np.full((1, self.num_features), np.nan, dtype=np.float32)).shape[1:]

    def set_param(self, name: str, value: str) -> None:
        """Not while another thread predicts with this booster (XGBoost does not guard it)."""
        self.lib.check(self.lib.cdll.XGBoosterSetParam(self._handle, name.encode(), value.encode()))

    def _config(self) -> dict[str, Any]:
        length, text = _bst_ulong(), ctypes.c_char_p()
        self.lib.check(self.lib.cdll.XGBoosterSaveJsonConfig(self._handle, ctypes.byref(length), ctypes.byref(text)))
        return json.loads(ctypes.string_at(text, length.value))

    def _num_features(self) -> int:
        out = _bst_ulong()
        self.lib.check(self.lib.cdll.XGBoosterGetNumFeature(self._handle, ctypes.byref(out)))
        return int(out.value)

    @property
    def feature_names(self) -> tuple[str, ...] | None:
        """The names saved with the model, None when it has none."""
        length, names = _bst_ulong(), ctypes.POINTER(ctypes.c_char_p)()
        self.lib.check(
            self.lib.cdll.XGBoosterGetStrFeatureInfo(
                self._handle, b"feature_name", ctypes.byref(length), ctypes.byref(names)
            )
        )
        found = tuple(names[i].decode() for i in range(length.value))
        return found or None

    def _checked(self, x: Any) -> np.ndarray:
        array = _dense(x)
        if array.shape[1] != self.num_features:
            raise ValueError(f"the model takes {self.num_features} features, got {array.shape[1]}")
        return array

    def predict(self, x: Any, *, margin: bool = False) -> np.ndarray:
        """What `inplace_predict` returns: (rows,) for one output, (rows, outputs) for several;
        NaN is missing."""
        array = self._checked(x)
        if not len(array) and hasattr(self, "_row_shape"):  # the C API would say (0, 0)
            return np.empty((0, *self._row_shape), dtype=np.float32)
        config = json.dumps(
            {
                "type": MARGIN if margin else VALUE,
                "training": False,
                "iteration_begin": 0,
                "iteration_end": 0,
                "strict_shape": False,
                "cache_id": 0,
                "missing": float("nan"),
            }
        ).encode()
        shape, dims, result = _shape_p(), _bst_ulong(), _result_p()
        with self._guard:
            self.lib.check(
                self.lib.cdll.XGBoosterPredictFromDense(
                    self._handle,
                    _array_interface(array),
                    config,
                    None,
                    ctypes.byref(shape),
                    ctypes.byref(dims),
                    ctypes.byref(result),
                )
            )
            return _copied(shape, dims, result)

    def contributions(self, x: Any, *, exact: bool = True) -> np.ndarray:
        """SHAP contributions as `predict(DMatrix, pred_contribs=True, approx_contribs=not exact)`:
        (rows, features + 1) or (rows, outputs, features + 1), the bias last, margin units."""
        array = self._checked(x)
        matrix = _handle()
        self.lib.check(
            self.lib.cdll.XGDMatrixCreateFromDense(
                _array_interface(array),
                json.dumps({"missing": float("nan"), "nthread": 1}).encode(),
                ctypes.byref(matrix),
            )
        )
        try:
            config = json.dumps(
                {
                    "type": CONTRIBUTIONS if exact else APPROX_CONTRIBUTIONS,
                    "training": False,
                    "iteration_begin": 0,
                    "iteration_end": 0,
                    "strict_shape": False,
                }
            ).encode()
            shape, dims, result = _shape_p(), _bst_ulong(), _result_p()
            with self._guard:
                self.lib.check(
                    self.lib.cdll.XGBoosterPredictFromDMatrix(
                        self._handle, matrix, config, ctypes.byref(shape), ctypes.byref(dims), ctypes.byref(result)
                    )
                )
                return _copied(shape, dims, result)
        finally:
            self.lib.cdll.XGDMatrixFree(matrix)
