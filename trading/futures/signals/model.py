"""The trained model: a gradient-boosted classifier over indicator features, trained walk-forward.

Two classifiers (LONG and SHORT) each estimate the probability that a trade with the model's
geometry reaches TP before SL. Walk-forward: the model used at candle ``i`` was trained at the
latest retrain point ``r <= i`` (candles whose open time is a multiple of ``retrain_bars``
intervals — a wall-clock schedule, so a file cut short retrains at the same points), on samples
whose whole label horizon had CLOSED by then (``j + horizon <= r``): nothing after the decision
time is ever seen. Seeded (scikit-learn's ``HistGradientBoostingClassifier``, ``random_state``),
so the same candles give the same signals.

Every signal it gives is therefore out-of-sample; its graded record is its out-of-sample record.
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

from trading.futures.signals.candles import FloatArray
from trading.futures.signals.grading import Graded, Trade, grade
from trading.futures.signals.indicators import Frame
from trading.futures.signals.strategies import LONG, SHORT, Direction, Geometry

FEATURES = (
    "rsi", "macd_hist_rel", "bb_pos", "atr_rel", "adx", "ema_gap", "sma_gap",
    "ret_1", "ret_3", "ret_12", "dc_pos", "obv_flow", "vol_ratio",
)  # fmt: skip
GEOMETRY = Geometry(tp_atr=1.5, sl_atr=1.0, horizon=12)
_CACHE: OrderedDict[tuple, Any] = OrderedDict()  # trained classifiers, shared by live calls
_CACHE_SIZE = 64


def features(f: Frame) -> FloatArray:
    """The feature matrix (one row per candle, NaN during warm-up); scale-free and causal."""
    c, close = f.candles, f["close"]

    def ret(k: int) -> FloatArray:
        out = np.full_like(close, np.nan)
        out[k:] = np.log(close[k:] / close[:-k])
        return out

    width = f["bb_upper"] - f["bb_lower"]
    span = f["dc_upper"] - f["dc_lower"]
    vol = c.volume
    vol_mean = np.convolve(vol, np.ones(20) / 20)[: len(vol)]
    vol_mean[:19] = np.nan
    obv_change = np.full_like(close, np.nan)
    obv_change[12:] = f["obv"][12:] - f["obv"][:-12]
    with np.errstate(divide="ignore", invalid="ignore"):
        cols = [
            f["rsi"] / 100, f["macd_hist"] / close, (close - f["bb_middle"]) / width,
            f["atr"] / close, f["adx"] / 100, f["ema_fast"] / f["ema_slow"] - 1,
            close / f["sma"] - 1, ret(1), ret(3), ret(12), (close - f["dc_lower"]) / span,
            obv_change / (vol_mean * 12), vol / vol_mean,
        ]  # fmt: skip
    return np.column_stack(cols)


@dataclass
class WalkForwardModel:
    """The model as a strategy: ``decide(frame, i)`` like the rule-based ones."""

    name: str = "model_gbm"
    geometry: Geometry = GEOMETRY
    retrain_bars: int = 288
    min_train: int = 300
    train_window: int = 3000
    margin: float = 0.15  # enter when P(TP) exceeds the training hit rate by this much
    seed: int = 0
    _frame_id: int = field(default=-1, repr=False)
    _x: Any = field(default=None, repr=False)
    _labels: Any = field(default=None, repr=False)
    _probs: dict = field(default_factory=dict, repr=False)

    def decide(self, f: Frame, i: int) -> tuple[Direction, float, dict[str, float]] | None:
        self._prepare(f)
        r = self._retrain_point(f, i)
        if r is None or not np.all(np.isfinite(self._x[i - 1 : i + 1])):
            return None
        probs = self._probabilities(f, r)
        now, before = self._choice(probs, i), self._choice(probs, i - 1)
        if now is None or (before is not None and before[0] == now[0]):
            return None
        direction, p, base = now
        reason = {"p_tp": p, "train_hit_rate": base, "trained_until": float(f.candles.open_time[r])}
        reason.update({name: float(v) for name, v in zip(FEATURES, self._x[i], strict=True)})
        return direction, p, reason

    def _choice(self, probs: dict, i: int) -> tuple[Direction, float, float] | None:
        best = None
        for direction in (LONG, SHORT):
            p_all, base = probs[direction]
            p = float(p_all[i])
            if p - base >= self.margin and (best is None or p > best[1]):
                best = (direction, p, base)
        return best

    def _probabilities(self, f: Frame, r: int) -> dict:
        """P(TP) of every candle of the frame under the model trained at ``r`` (one batch)."""
        if r not in self._probs:
            models = self._models(f, r)
            # One thread: OpenMP across a busy 2-core box was 10x slower than a single thread.
            with threadpool_limits(1):
                self._probs[r] = {
                    d: (_predict(clf, self._x), base) for d, (clf, base) in models.items()
                }
        return self._probs[r]

    def _prepare(self, f: Frame) -> None:
        if self._frame_id != id(f):
            self._frame_id, self._x, self._labels = id(f), features(f), self._label(f)
            self._probs = {}

    def _label(self, f: Frame) -> dict[Direction, FloatArray]:
        """1/0 whether a trade at candle j reached TP (NaN while its horizon is not complete)."""
        c, atr, g = f.candles, f["atr"], self.geometry
        out = {d: np.full(len(c), np.nan) for d in (LONG, SHORT)}
        for j in range(len(c) - g.horizon):  # j + horizon <= last index: the label is complete
            if not (math.isfinite(atr[j]) and atr[j] > 0):
                continue
            ref = float(c.close[j])
            for d, sign in ((LONG, 1.0), (SHORT, -1.0)):
                trade = Trade(
                    decision_time=int(c.open_time[j]) + c.step_ms, direction=d,
                    tp=ref + sign * g.tp_atr * atr[j], sl=ref - sign * g.sl_atr * atr[j],
                    horizon=g.horizon, entry_ref=ref,
                )  # fmt: skip
                result = grade(c, trade, fee_rate=0.0)
                if isinstance(result, Graded):
                    out[d][j] = 1.0 if result.outcome == "tp" else 0.0
        return out

    def _retrain_point(self, f: Frame, i: int) -> int | None:
        """Index of the latest scheduled retrain at or before ``i``."""
        period = self.retrain_bars * f.candles.step_ms
        times = f.candles.open_time
        boundary = int(times[i]) // period * period
        r = int(np.searchsorted(times, boundary))
        return r if r <= i and self._train_rows(r).size >= self.min_train else None

    def _train_rows(self, r: int) -> np.ndarray:
        """Sample rows usable at retrain point ``r``: label horizon closed by ``r``, finite."""
        last = r - self.geometry.horizon  # j + horizon <= r
        if last < 0:
            return np.empty(0, dtype=np.int64)
        x = self._x[: last + 1]
        ok = np.all(np.isfinite(x), axis=1) & np.isfinite(self._labels[LONG][: last + 1])
        rows = np.nonzero(ok)[0]
        return rows[-self.train_window :]

    def _models(self, f: Frame, r: int) -> dict:
        times, close = f.candles.open_time, f.candles.close
        parts = (times, close, f.candles.high, f.candles.low)
        data = hashlib.sha256(b"".join(a[: r + 1].tobytes() for a in parts)).hexdigest()
        key = (data, f.candles.interval, self.seed, self.geometry, self.train_window)
        if key not in _CACHE:
            _CACHE[key] = self._fit(self._train_rows(r))
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
        _CACHE.move_to_end(key)
        return _CACHE[key]

    def _fit(self, rows: np.ndarray) -> dict:
        x = self._x[rows]
        models = {}
        for d in (LONG, SHORT):
            y = self._labels[d][rows].astype(int)
            base = float(y.mean())
            if y.min() == y.max():
                models[d] = (None, base)
                continue
            clf = HistGradientBoostingClassifier(
                max_iter=100, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=20,
                l2_regularization=1.0, early_stopping=False, random_state=self.seed,
            )  # fmt: skip
            with threadpool_limits(1):
                models[d] = (clf.fit(x, y), base)
        return models


def _predict(clf: Any, x: FloatArray) -> FloatArray:
    """P(class 1) per row (zeros when the training labels had one class only)."""
    if clf is None:
        return np.zeros(len(x))
    return np.asarray(clf.predict_proba(x)[:, 1], dtype=np.float64)
