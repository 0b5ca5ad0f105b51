"""``fit``: a calibrated failure-probability model for per-record inspection data.

One row per inspection (or sampled batch) with an outcome 0/1. Rows are ordered by ``time``; the
most recent ``holdout`` share (split at a time boundary, never shuffled across time) is held out:
the model is trained on the earlier rows and its probabilities are calibrated on the held-out,
later rows (``CalibratedClassifierCV`` on the frozen model, sigmoid by default so the ranking has no
ties; ``"isotonic"`` as an option). The metrics in ``RiskModel.validation_`` are cross-fitted: the
holdout is cut into up to 5 stratified folds (seeded) and each fold is scored by a calibration
fitted on the other folds, so no row is scored by a calibration that saw it (the model itself never
sees the holdout). Calibrated probabilities are clipped to [:data:`P_MIN`, 1 - :data:`P_MIN`]: an
isotonic step at 0 would say a record cannot fail.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from .. import layout
from ..exceptions import DataValidationError, MstargetWarning, ParameterError, Problem
from .samples import (_cell_text, date_of, fold_items, outcome_array, parse_dates, read_dates, read_records,
                      sheet_rows, written_columns)

MODELS = ("logistic", "gbm")
#: calibrated probabilities are kept within [P_MIN, 1 - P_MIN]
P_MIN = 1e-4
CALIBRATIONS = ("sigmoid", "isotonic", "none")


#: cells meaning "not recorded" in a numeric column (read as missing, imputed with an indicator)
_BLANKS = frozenset({"", "-", "--", "—", "–", "/", "na", "n/a", "nan", "null", "none", "无", "空"})
#: share of a column's filled cells that are numbers above which its few text cells are refused
NUMERIC_SHARE = 0.9


def _split_features(df: pd.DataFrame, features: Sequence[str],
                    src: str = "<DataFrame>") -> tuple[list[str], list[str]]:
    """Feature columns as ``(categorical, numeric)`` names. A text column all of whose filled cells
    are numbers (blank markers such as ``-`` aside) is numeric; one that is at least
    :data:`NUMERIC_SHARE` numbers with a few text cells (``abc`` typed into pastCritical) is refused
    (:class:`DataValidationError` naming the rows and the column): read as categories, every number
    would become its own category and the column's meaning would be lost."""
    cats, nums, problems = [], [], []
    written = df.attrs.get("headers") or {}
    for c in features:
        s = df[c]
        if pd.api.types.is_bool_dtype(s):
            nums.append(c)
        elif pd.api.types.is_numeric_dtype(s):
            nums.append(c)
        else:  # as objects: an Arrow string column converts to NaN that is not null (pandas 3, pyarrow)
            conv = pd.to_numeric(s.astype(object), errors="coerce").astype(float)
            filled = (s.notna() & ~s.astype(str).str.strip().str.lower().isin(_BLANKS)).to_numpy()
            number = filled & np.isfinite(conv.to_numpy())
            if filled.any() and number.sum() == filled.sum():
                nums.append(c)
            elif filled.any() and number.sum() >= NUMERIC_SHARE * filled.sum():
                rows = sheet_rows(df)
                bad = np.flatnonzero(filled & ~number)
                said = f"{int(number.sum()):,} of the column's {int(filled.sum()):,} filled cells are numbers"
                problems += [Problem(src, int(rows[i]), str(written.get(c, c)), _cell_text(s.iloc[i]),
                                     f"a number: {said}, so the column is read as numbers (fix this cell, or "
                                     "leave it blank when not recorded); if the column is a category, give it "
                                     "as text in every row")
                             for i in bad[:50]]
            else:
                cats.append(c)
    if problems:
        raise DataValidationError(problems, source=src)
    return cats, nums


#: headers of a row number (序号): never a default feature
_ROW_NUMBER_KEYS = frozenset({"序号", "行号", "no", "no.", "row", "index", "#"})
#: an excluded column and a default feature taking as many distinct pairs as this share more than either
#: alone (and over 20 values): the feature names the same thing (标称生产企业地址 for 标称生产企业名称)
_ALIAS_SLACK = 0.02


#: words of a header naming a date (日期, 时间, date): its bare numbers may be dates (20240305, a day number)
_DATE_WORDS = ("日期", "时间", "年月日", "date", "time", "day")
_BARE_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _identifier(s: pd.Series) -> bool:
    """A column of record ids (Inspection_ID, 报告编号): over 20 filled cells, 95 % of them distinct, and text or
    whole numbers (a measured value such as 检测值 also differs row to row, but is no whole number)."""
    filled = s.dropna()
    if len(filled) <= 20 or filled.nunique() < 0.95 * len(filled):
        return False
    if pd.api.types.is_bool_dtype(s):
        return False
    if pd.api.types.is_numeric_dtype(s):
        v = filled.to_numpy(float)
        return bool(np.all(v == np.round(v)))
    return True


def _not_default_features(df: pd.DataFrame, columns: Sequence[str], exclude: Sequence[str]) -> dict[str, str]:
    """Columns left out of the default features, each with why: a row number (序号, or 1..n), a date
    (生产日期, 公告日期: nine in ten filled cells dates -- a notice's publication date is known only after
    the result), or a column naming the same thing as an excluded one (one value of it per value of
    the other: an address standing in for the excluded producer)."""

    out = {}
    written = df.attrs.get("headers") or {}
    for c in columns:
        s = df[c]
        key = layout.header_key(str(written.get(c, c)))
        if key in _ROW_NUMBER_KEYS:
            out[c] = "a row number"
            continue
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) and len(s) > 2:
            v = s.to_numpy(float)
            if np.isfinite(v).all() and np.array_equal(np.sort(v), np.arange(1, len(v) + 1)):
                out[c] = "a row number (1 to the number of rows)"
                continue
        if _identifier(s):
            out[c] = "an identifier: a different value in nearly every row, which says nothing of another record"
            continue
        if pd.api.types.is_datetime64_any_dtype(s):
            out[c] = "a date"
            continue
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            filled = [v for v in s.dropna().tolist()[:2000] if _cell_text(v).strip()]
            # a bare number (60609, 20240305, 45356) is a date only in a column whose header says so: a ZIP code,
            # a licence number or a 规格 of digits is no date
            dated = any(w in key for w in _DATE_WORDS)
            if filled and sum(date_of(v) is not None and (dated or not _BARE_NUMBER.fullmatch(_cell_text(v).strip()))
                              for v in filled) >= 0.9 * len(filled):
                out[c] = ("a notice's publication date, known only after the result" if any(
                    w in key for w in ("公告", "发布", "通报", "publish", "notice")) else "a date: it says when, not what")
                continue
            text = s.astype("string")
            for e in exclude:
                if e not in df.columns or e == c:
                    continue
                n_c, n_e = text.nunique(), df[e].nunique()
                pairs = len(pd.DataFrame({"c": text, "e": df[e]}).drop_duplicates())
                if min(n_c, n_e) > 20 and pairs <= (1 + _ALIAS_SLACK) * min(n_c, n_e):
                    out[c] = f"names the same as the excluded '{written.get(e, e)}' (one value per value of it)"
                    break
    return out


def _prepare(df: pd.DataFrame, cats: list[str], nums: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(index=df.index)
    for c in cats:
        text = df[c].astype("string")
        empty = text.isna() | (text.str.strip() == "")
        out[c] = text.where(~empty, "<missing>").astype(object)
    for c in nums:
        out[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    return out


#: single-feature AUC on the training rows at or above which a feature is taken to restate the outcome
LEAK_AUC = 0.9
#: near-pure: values holding at least this share of one outcome's rows ...
LEAK_HOLD = 0.5
#: ... and at most this share of the other outcome's rows
LEAK_OTHER = 0.01
_LEAK_FOLDS = 5
#: pseudo-rows pulling a value's out-of-fold failure rate toward the other folds' rate
_LEAK_PRIOR = 20.0
#: a numeric column with at most this many distinct values is also read as a lookup table of values
_LEAK_LEVELS = 50
#: failures and passes each needed before the AUC and near-pure tests are made (fewer: chance alone)
LEAK_MIN_ROWS = 20


def _pure_values(x: pd.DataFrame, y: np.ndarray, cats: list[str]) -> list[str]:
    """Columns every value of which (a category, or a number seen more than once) has one outcome
    only, over at least 95 % of the rows whose value is seen more than once (in-sample). A value seen
    once has one outcome whatever the column, so a column most of whose rows hold such values -- an
    identifier, a name, an address (NYC's restaurants: 9,611 rows, nearly as many names) -- is no lookup
    table and is not judged so; nor is a continuous number."""
    out = []
    for c in x.columns:
        key = x[c].astype(str)
        counts = key.value_counts()
        if len(counts) < 2 or (c not in cats and len(counts) > 0.5 * len(key)):
            continue  # one value, or a continuous number: no lookup table to give the outcome away
        repeated = (key.map(counts) >= 2).to_numpy()
        if repeated.mean() < 0.5:
            continue  # mostly values seen once: an identifier, pure by construction
        rate = pd.Series(y[repeated], index=x.index[repeated]).groupby(key[repeated]).mean()
        if key[repeated].map(rate).isin([0.0, 1.0]).mean() >= 0.95 and y.min() != y.max():
            out.append(c)
    return out


def _out_of_fold_rates(key: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    """Each row's value scored by that value's failure rate on the other folds (5, seeded), shrunk
    toward those folds' rate by :data:`_LEAK_PRIOR` rows; shape (R,). A value seen in one fold only
    (an identifier) gets the overall rate, so memorising identifiers scores nothing."""
    codes = pd.factorize(key, use_na_sentinel=False)[0]
    n_levels = int(codes.max()) + 1 if len(codes) else 0
    fold = np.random.default_rng(seed).integers(0, _LEAK_FOLDS, len(y))
    out = np.empty(len(y))
    for f in range(_LEAK_FOLDS):
        scored = fold == f
        if not scored.any():
            continue
        seen = ~scored
        prior = float(y[seen].mean()) if seen.any() else float(y.mean())
        n = np.bincount(codes[seen], minlength=n_levels)
        k = np.bincount(codes[seen], weights=y[seen], minlength=n_levels)
        out[scored] = ((k + _LEAK_PRIOR * prior) / (n + _LEAK_PRIOR))[codes[scored]]
    return out


def _separation(y: np.ndarray, s: np.ndarray) -> tuple[float, bool]:
    """``(auc, near_pure)`` of score ``s`` (shape (R,)) for outcomes ``y`` (0/1, both present): the
    ROC AUC (ties count 1/2) taken in the better direction (0.5-1), and whether some cut of ``s``
    (``s >= t`` or ``s <= t``) holds at least :data:`LEAK_HOLD` of one outcome's rows and at most
    :data:`LEAK_OTHER` of the other's."""
    _, inv = np.unique(s, return_inverse=True)
    fails = np.bincount(inv, weights=y)
    passes = np.bincount(inv, weights=1.0 - y)
    F, P = fails.sum(), passes.sum()
    auc = float(np.sum(fails * (np.cumsum(passes) - 0.5 * passes)) / (F * P))
    pure = False
    for f, p in ((fails, passes), (fails[::-1], passes[::-1])):  # the cuts s <= t, then s >= t
        f, p = np.cumsum(f) / F, np.cumsum(p) / P
        pure |= bool(np.any((f >= LEAK_HOLD) & (p <= LEAK_OTHER)) or np.any((p >= LEAK_HOLD) & (f <= LEAK_OTHER)))
    return max(auc, 1.0 - auc), pure


def leak_screen(x: pd.DataFrame, y: np.ndarray, cats: Sequence[str], seed: int = 0) -> dict[str, float]:
    """Features that on their own tell the outcome apart (almost) perfectly on the rows given (the
    training rows): a column recorded with or after the inspection's result (Results, pass_flag,
    criticalCount). Strong real predictors (past failures, the place) reach AUC 0.6-0.7.

    Parameters
    ----------
    x : DataFrame, shape (R, F)
        Prepared features (:func:`_prepare`: categories as text, numbers as float with NaN).
    y : ndarray of 0/1, shape (R,)
    cats : list of str
        The categorical columns of ``x``; the others are numeric.

    Returns
    -------
    dict of str -> float
        Each suspected column and its single-feature AUC (0.5-1): numeric columns scored by their
        value (missing below every number; a column of at most 50 distinct values also by the
        out-of-fold rate of each value), categorical ones by the out-of-fold, shrunken failure rate of
        their category (:func:`_out_of_fold_rates`). A column is suspected when that AUC is at least
        :data:`LEAK_AUC`, when some cut of its score holds at least half of one outcome's rows and at
        most 1 % of the other's (these two only with at least :data:`LEAK_MIN_ROWS` failures and as
        many passes), or when every value has one outcome only (95 % of the rows).
    """
    return _screen(x, y, cats, seed)[0]


def _screen(x: pd.DataFrame, y: np.ndarray, cats: Sequence[str], seed: int) -> tuple[dict[str, float], list[str]]:
    """:func:`leak_screen` and, of its columns, those every value of which has one outcome only."""
    y = np.asarray(y, float)
    if len(y) == 0 or y.min() == y.max():
        return {}, []
    out: dict[str, float] = {}
    exact = _pure_values(x, y, list(cats))
    measured = min(y.sum(), len(y) - y.sum()) >= LEAK_MIN_ROWS
    for c in x.columns:
        scores = []
        if c in cats:
            scores.append(_out_of_fold_rates(x[c].astype(str).to_numpy(), y, seed))
        else:
            v = x[c].to_numpy(float)
            finite = np.isfinite(v)
            if not finite.any():
                continue
            v = np.where(finite, v, np.min(v[finite]) - 1.0)
            scores.append(v)
            if len(np.unique(v)) <= _LEAK_LEVELS:
                scores.append(_out_of_fold_rates(v, y, seed))
        judged = [_separation(y, s) for s in scores]
        auc = max(a for a, _ in judged)
        if c in exact or (measured and (auc >= LEAK_AUC or any(p for _, p in judged))):
            out[c] = auc
    return out, [c for c in exact if c in out]


def _warn_leaks(x: pd.DataFrame, y: np.ndarray, cats: list[str], src: str, seed: int = 0) -> dict[str, float]:
    """:func:`leak_screen` of the training rows, each suspected column named with its AUC in a
    :class:`~mstarget.exceptions.MstargetWarning`; returns the screen. Left in, such a column makes the
    held-out AUC read 0.9-1.0 and say nothing of how well the next inspections can be told apart."""
    leaks, exact = _screen(x, y, cats, seed)
    near = [c for c in leaks if c not in exact]
    if exact:
        warnings.warn(MstargetWarning(
            f"{src}: {', '.join(repr(c) for c in exact)} give{'s' if len(exact) == 1 else ''} the outcome away "
            f"(each value comes with one outcome only; alone: {', '.join(f'{c} AUC {leaks[c]:.3f}' for c in exact)}): "
            "a column recorded with or after the inspection's result "
            "leaks it, and the held-out scores then mean nothing. Leave it out (features= / exclude=; "
            "command line: --exclude)（该列与检验结果一一对应，疑为结果派生列，请排除）"), stacklevel=4)
    if near:
        said = ", ".join(f"{c!r} (AUC {leaks[c]:.3f} on its own)" for c in near)
        warnings.warn(MstargetWarning(
            f"{src}: {said} tell{'s' if len(near) == 1 else ''} the outcome apart almost perfectly on the "
            f"training rows (AUC >= {LEAK_AUC}, or values holding half of one outcome and at most "
            f"{LEAK_OTHER:.0%} of the other): probably recorded with or after the inspection's result, so "
            f"the held-out AUC is not to be trusted while {'it is' if len(near) == 1 else 'they are'} in. Leave "
            f"{'it' if len(near) == 1 else 'them'} out (features= / exclude=; command "
            "line: --exclude)（疑似结果泄漏的特征，请用 --exclude 排除后再评估）"), stacklevel=4)
    return leaks


def _build_pipeline(model: str, cats: list[str], nums: list[str], *, C: float, seed: int,
                    gbm_params: dict | None):
    from sklearn.compose import ColumnTransformer  # lazy: heavy (scikit-learn)
    from sklearn.ensemble import HistGradientBoostingClassifier  # lazy: heavy (scikit-learn)
    from sklearn.impute import SimpleImputer  # lazy: heavy (scikit-learn)
    from sklearn.linear_model import LogisticRegression  # lazy: heavy (scikit-learn)
    from sklearn.pipeline import Pipeline, make_pipeline  # lazy: heavy (scikit-learn)
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler  # lazy: heavy (scikit-learn)

    if model == "logistic":
        pre = ColumnTransformer([
            ("cat", OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=20,
                                  sparse_output=False), cats),
            ("num", make_pipeline(SimpleImputer(strategy="median", add_indicator=True),
                                  StandardScaler()), nums),
        ], verbose_feature_names_out=True)
        clf = LogisticRegression(C=C, max_iter=5000)
        return Pipeline([("pre", pre), ("clf", clf)])
    pre = ColumnTransformer([
        ("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                               encoded_missing_value=np.nan, min_frequency=20, max_categories=250), cats),
        ("num", "passthrough", nums),
    ], verbose_feature_names_out=True)
    params = dict(learning_rate=0.05, max_iter=300, max_leaf_nodes=15, min_samples_leaf=40,
                  l2_regularization=1.0, early_stopping=False, random_state=seed)
    params.update(gbm_params or {})
    clf = HistGradientBoostingClassifier(categorical_features=[True] * len(cats) + [False] * len(nums),
                                         **params)
    return Pipeline([("pre", pre), ("clf", clf)])


def _metrics(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score  # lazy: heavy (scikit-learn)

    out = {"n": float(len(y)), "base_rate": float(np.mean(y)) if len(y) else float("nan")}
    if len(np.unique(y)) == 2:
        out["auc"] = float(roc_auc_score(y, p))
        out["brier"] = float(brier_score_loss(y, p))
        out["log_loss"] = float(log_loss(y, np.clip(p, 1e-12, 1 - 1e-12), labels=[0, 1]))
    return out


@dataclass
class RiskModel:
    """A fitted per-record failure model (returned by :func:`fit`).

    Attributes
    ----------
    model : str
        ``"logistic"`` or ``"gbm"``.
    outcome, time : str
        Column names used.
    features_ : list of str
        Input columns used as features.
    categorical_, numeric_ : list of str
        How each feature was treated (one-hot / ordinal vs standardised numeric).
    validation_ : dict
        Metrics on the time-ordered holdout (``auc``, ``brier``, ``log_loss`` of the calibrated
        probabilities, each row scored by a calibration fitted on the other folds of the holdout;
        ``auc_uncalibrated``, ``n``, ``base_rate``, ``calibration_folds``: the folds, 0 when the
        holdout has a single failure or pass, and then ``brier`` / ``log_loss`` are those of the
        uncalibrated model; ``holdout_from``: the first held-out date as ``"2014-01-01"``, or the
        time value when ``time`` is a number).
    leaks_ : dict of str -> float
        Features suspected of restating the outcome (:func:`leak_screen` on the training rows, each
        also named in a warning) and their single-feature AUC; empty when none. Give it to
        :func:`~mstarget.risk.evaluate` as ``leaks=`` and its report says the AUC is not to be trusted.
    """

    model: str
    outcome: str
    time: str | None
    features_: list[str]
    categorical_: list[str]
    numeric_: list[str]
    validation_: dict
    estimator_: object = field(repr=False)
    calibrated_: object = field(repr=False)
    seed: int = 0
    _holdout: tuple = field(repr=False, default=())
    leaks_: dict = field(default_factory=dict)

    def _x(self, records) -> pd.DataFrame:
        df, src = read_records(records, self.features_)
        missing = [c for c in self.features_ if c not in df.columns]
        if missing:
            have = ", ".join(written_columns(df))
            raise DataValidationError([Problem(src, None, c, None,
                                               "feature column missing; predict needs the same "
                                               f"columns as fit; the table has: {have}")
                                       for c in missing], source=src)
        return _prepare(df, self.categorical_, self.numeric_)

    def predict(self, records) -> np.ndarray:
        """Calibrated failure probability of each record.

        Parameters
        ----------
        records : DataFrame or path
            Rows with (at least) the feature columns, their headers read as :func:`fit` reads
            them (a feature named 食品大类 at fit is found under 食品大类 or ``category``).

        Returns
        -------
        ndarray of float, shape (n_rows,)
            Probability (0-1) that each row's inspection finds a failure, aligned with the rows (rows
            repeating a 抽样单号 are not folded here: each gets its probability).
        """
        x = self._x(records)
        if self.calibrated_ is None:
            return self.estimator_.predict_proba(x)[:, 1]
        return np.clip(self.calibrated_.predict_proba(x)[:, 1], P_MIN, 1 - P_MIN)

    def explain(self, n_repeats: int = 5) -> pd.DataFrame:
        """What drives the predictions.

        Returns
        -------
        DataFrame
            For ``logistic``: ``feature`` (after one-hot / standardisation), ``coefficient`` (log-odds
            per standard deviation or per category), ``odds_ratio``; sorted by ``|coefficient|``.
            For ``gbm``: ``feature`` (input column), ``importance`` (mean drop in ROC AUC on the
            holdout when the column is permuted, ``n_repeats`` times, seeded), ``std``.
        """
        if self.model == "logistic":
            names = self.estimator_.named_steps["pre"].get_feature_names_out()
            coef = self.estimator_.named_steps["clf"].coef_[0]
            out = pd.DataFrame({"feature": names, "coefficient": coef, "odds_ratio": np.exp(coef)})
            return out.reindex(out["coefficient"].abs().sort_values(ascending=False).index) \
                      .reset_index(drop=True)
        from sklearn.inspection import permutation_importance  # lazy: heavy (scikit-learn)

        x, y = self._holdout
        if len(np.unique(y)) < 2:
            raise ParameterError("explain() needs failures and passes in the holdout; "
                                 "fit on more data or a larger holdout.")
        r = permutation_importance(self.estimator_, x, y, scoring="roc_auc", n_repeats=n_repeats,
                                   random_state=self.seed)
        out = pd.DataFrame({"feature": list(x.columns), "importance": r.importances_mean,
                            "std": r.importances_std})
        return out.sort_values("importance", ascending=False).reset_index(drop=True)


def _time_values(df: pd.DataFrame, time: str, src: str, header: str) -> np.ndarray:
    """The time column as float, shape (R,): the number, or nanoseconds since 1970 for dates (those
    pandas cannot read, ``2023年3月1日``, read by :func:`~mstarget.risk.samples.parse_dates`, which
    refuses the cells that are no date, naming their spreadsheet rows and the column ``header``)."""
    s = df[time]
    rows = sheet_rows(df)
    if pd.api.types.is_numeric_dtype(s):
        v = s.to_numpy(float)
        bad = np.flatnonzero(~np.isfinite(v))
    else:
        t = read_dates(s)
        v = t.to_numpy("datetime64[ns]").astype("int64").astype(float)  # a writable copy
        bad = np.flatnonzero(t.isna().to_numpy())
        if len(bad):  # 2023年3月1日: read as score reads it, or refused there with every row
            v[bad] = parse_dates(s.iloc[bad], src, header, rows[bad]).astype("datetime64[ns]") \
                .astype("int64").astype(float)
            bad = bad[:0]
    if len(bad):
        raise DataValidationError([Problem(src, int(rows[i]), header, _cell_text(s.iloc[i]),
                                           "a date such as 2014-09-02 (or a number)")
                                   for i in bad], source=src)
    return v


def _calibrator(pipe, method: str):
    """An unfitted ``CalibratedClassifierCV`` (``method``: sigmoid / isotonic) over the frozen ``pipe``."""
    from sklearn.calibration import CalibratedClassifierCV  # lazy: heavy (scikit-learn)
    from sklearn.frozen import FrozenEstimator  # lazy: heavy (scikit-learn)

    return CalibratedClassifierCV(FrozenEstimator(pipe), method=method)


def _cross_fitted(pipe, method: str, x: pd.DataFrame, y: np.ndarray, seed: int) -> tuple[np.ndarray | None, int]:
    """Calibrated probabilities of the holdout rows (shape (H,), clipped), each from a calibration
    fitted on the other folds (stratified, up to 5, shuffled with ``seed``), and the number of folds;
    ``(None, 0)`` when the rarer outcome occurs once."""
    from sklearn.model_selection import StratifiedKFold  # lazy: heavy (scikit-learn)

    k = int(min(5, y.sum(), len(y) - y.sum()))
    if k < 2:
        return None, 0
    p = np.empty(len(y))
    for fit_rows, score_rows in StratifiedKFold(k, shuffle=True, random_state=seed).split(x, y):
        c = _calibrator(pipe, method).fit(x.iloc[fit_rows], y[fit_rows])
        p[score_rows] = c.predict_proba(x.iloc[score_rows])[:, 1]
    return np.clip(p, P_MIN, 1 - P_MIN), k


def fit(records, outcome: str, features: Sequence[str] | None = None, time: str | None = None,
        exclude: Sequence[str] = (), *, model: str = "logistic", calibration: str = "sigmoid",
        holdout: float = 0.2, C: float = 1.0, seed: int = 0,
        gbm_params: dict | None = None) -> RiskModel:
    """Fit a calibrated failure-probability model on per-record data.

    Parameters
    ----------
    records : DataFrame or path
        One row per inspection / batch. Its headers are read as :func:`mstarget.risk.score`
        reads them (a DataFrame's like a file's): ``outcome``, ``time``, ``features`` and
        ``exclude`` may name a column by its header as written (检验结论, 食品大类) or by the
        canonical name it is read as (``outcome``, ``category``); the model keeps the names given.
        A batch written once per failed item (its 抽样单号 repeated on rows agreeing on date, product,
        sampled unit and producer) is one record, failed, as ``score`` counts it (with a warning).
    outcome : str
        Column with 0/1 (1 = failure / unqualified / critical violation found; also 合格 / 不合格).
    features : list of str, optional
        Feature columns. Default: every column except ``outcome``, ``time``, ``exclude`` and the
        quarter a file's reader derives from the time column (``period`` from 抽样日期).
        Text columns are one-hot encoded (``logistic``) or treated as categorical (``gbm``);
        numeric columns are median-imputed with a missing indicator and standardised.
    time : str, optional
        Date or number ordering the rows; the most recent ``holdout`` share is held out for
        calibration and validation. ``None``: the table's row order is taken as time order.
    exclude : list of str
        Columns never used as features (e.g. who inspected, identifiers).
    model : {"logistic", "gbm"}, default "logistic"
        L2-regularised logistic regression (``C``) or histogram gradient boosting.
    calibration : {"sigmoid", "isotonic", "none"}, default "sigmoid"
        Calibration fitted on the time-ordered holdout (validated by cross-fitting, see
        ``validation_``); probabilities clipped to [1e-4, 1 - 1e-4].
    holdout : float, default 0.2
        Share (0-0.5] of the most recent rows held out.
    C : float, default 1.0
        Inverse regularisation strength of the logistic regression.
    seed : int, default 0
        Seed of every random step.
    gbm_params : dict, optional
        Overrides of the ``HistGradientBoostingClassifier`` defaults.

    Returns
    -------
    RiskModel
        ``.predict(records)`` -> probabilities, ``.explain()`` -> DataFrame, ``.validation_``.
    """
    if model not in MODELS:
        raise ParameterError.invalid("model", "mstarget.risk.fit", f"one of {MODELS}", model)
    if calibration not in CALIBRATIONS:
        raise ParameterError.invalid("calibration", "mstarget.risk.fit", f"one of {CALIBRATIONS}",
                                     calibration)
    if not (isinstance(holdout, (int, float)) and 0 < holdout <= 0.5):
        raise ParameterError.invalid("holdout", "mstarget.risk.fit", "a share in (0, 0.5]", holdout)
    exclude = [str(c) for c in (exclude or [])]
    given = None if features is None else [str(c) for c in features]
    df, src = read_records(records, [outcome, time, *(given or []), *exclude])
    df = fold_items(df, src, outcome=outcome, stacklevel=4)  # a batch written once per failed item: one row
    written = df.attrs.get("headers") or {}
    if given is None:
        # the period a file's per-batch records get from their 抽样日期 is that time again
        derived = {c for c, w in written.items() if time and c != time and w == written.get(time, time)}
        features = [c for c in df.columns if c not in {outcome, time, *exclude, *derived}]
        left = _not_default_features(df, features, exclude)
        if left:
            features = [c for c in features if c not in left]
            warnings.warn(MstargetWarning(
                f"{src}: left out of the default features: "
                + "; ".join(f"'{written.get(c, c)}' ({why})" for c, why in left.items())
                + ". Name a column in features= (command line: --features) to use it anyway"
                "（序号、日期列及被排除列的同义列未作为特征）."), stacklevel=2)
    else:
        features = [c for c in given if c not in exclude]
    need = [outcome] + ([time] if time else []) + list(features)
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise DataValidationError([Problem(src, None, c, None, "column missing; the table has: "
                                           + ", ".join(written_columns(df)))
                                   for c in missing], source=src)
    if not features:
        raise ParameterError.invalid("features", "mstarget.risk.fit", "at least one column", features)
    y = outcome_array(df[outcome], src, str(written.get(outcome, outcome)),
                      rows=sheet_rows(df)).astype(np.int64)
    t = _time_values(df, time, src, str(written.get(time, time))) if time \
        else np.arange(len(df), dtype=float)
    order = np.argsort(t, kind="stable")
    cut_value = t[order[int(np.floor(len(df) * (1 - holdout)))]] if len(df) else 0
    train = t < cut_value
    if train.sum() == 0:  # all rows at one time: fall back to row order
        train = np.zeros(len(df), bool)
        train[order[: int(np.floor(len(df) * (1 - holdout)))]] = True
    test = ~train
    if len(np.unique(y[train])) < 2 or len(np.unique(y[test])) < 2:
        raise DataValidationError([Problem(src, None, outcome, None,
                                           "both outcomes (0 and 1) in the earlier and in the later "
                                           f"{holdout:.0%} of the rows; add data or change holdout")],
                                  source=src)
    cats, nums = _split_features(df, features, src)
    x = _prepare(df, cats, nums)
    leaks = _warn_leaks(x[train], y[train], cats, src, seed)
    pipe = _build_pipeline(model, cats, nums, C=C, seed=seed, gbm_params=gbm_params)
    pipe.fit(x[train], y[train])
    p_raw = pipe.predict_proba(x[test])[:, 1]
    calibrated, p_cal, folds = None, p_raw, 0
    if calibration != "none":
        calibrated = _calibrator(pipe, calibration).fit(x[test], y[test])
        p_cal, folds = _cross_fitted(pipe, calibration, x[test], y[test], seed)
        if p_cal is None:
            p_cal = p_raw
            warnings.warn(MstargetWarning(
                f"{src}: the held-out {holdout:.0%} of the rows holds a single failure or pass, too few to check "
                "the calibration apart from its fit: validation_ gives the uncalibrated model's brier and "
                "log_loss（留出样本中不合格或合格仅1例，无法另行检验校准）; add data or raise holdout"), stacklevel=2)
    metrics = _metrics(y[test], p_cal)
    metrics["auc_uncalibrated"] = _metrics(y[test], p_raw).get("auc", float("nan"))
    metrics["calibration_folds"] = float(folds)
    dated = bool(time) and not pd.api.types.is_numeric_dtype(df[time])
    metrics["holdout_from"] = pd.Timestamp(int(cut_value)).strftime("%Y-%m-%d") if dated else float(cut_value)
    return RiskModel(model=model, outcome=outcome, time=time, features_=list(features),
                     categorical_=cats, numeric_=nums, validation_=metrics, estimator_=pipe,
                     calibrated_=calibrated, seed=seed, _holdout=(x[test], y[test]), leaks_=leaks)
