"""Synthetic survey: districts, questions, weighted respondents and benchmarks.

Calibration: for every quarter and question the force-level weighted share of
positive answers is steered to the anchor curve in the spec. Answers are drawn
by systematic sampling on each respondent's probability, so the realised share
sits within a fraction of a point of the target instead of wandering with
binomial noise.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from analytics.contract import vocabulary
from analytics.demo import planted
from analytics.demo.spec import demo_quarters, interpolate, quarter_anchors
from analytics.periods import add_quarters

# Share of the 16+ population in each age band, and of achieved interviews:
# surveys over-sample older people, which the weights correct.
_AGE_POP = np.array([0.14, 0.16, 0.16, 0.17, 0.15, 0.12, 0.10])
_AGE_SAMPLE = np.array([0.07, 0.11, 0.14, 0.17, 0.18, 0.18, 0.15])
# Older respondents rate the police a little higher (logit scale).
_AGE_EFFECT = np.array([-0.25, -0.15, -0.05, 0.0, 0.05, 0.15, 0.2])
_SEX_P = np.array([0.51, 0.47, 0.01, 0.01])
_ETH_P = np.array([0.86, 0.025, 0.05, 0.035, 0.01, 0.02])
# How non-positive, non-"Don't know" answers split, and the top box among positives.
_NEGATIVE_SPLIT = {
    "police_job": [0.65, 0.25, 0.10],
    "understand_issues": [0.55, 0.30, 0.15],
    "feel_informed": [0.65, 0.35],
    "have_your_say": [1.0],
    "seen_officer": [1.0],
}
_TOP_BOX = {"police_job": 0.3, "understand_issues": 0.3, "feel_informed": 0.2}


def districts_frame(spec: dict) -> pd.DataFrame:
    """The districts table."""
    rows = []
    for d in spec["districts"]:
        rows.append(
            {
                "district_id": d["district_id"],
                "name": d["name"],
                "lpa": d["lpa"],
                "population": sum(lad["population"] for lad in d["lads"]),
                "lat": d["lat"],
                "lon": d["lon"],
                "tile_row": d["tile"][0],
                "tile_col": d["tile"][1],
                "lad_codes": [lad["code"] for lad in d["lads"]],
            }
        )
    return pd.DataFrame(rows)


def questions_frame() -> pd.DataFrame:
    """The survey_questions table (the contract's standard questions)."""
    rows = [{**q, "exclude_dont_know": False, "sort_order": i + 1} for i, q in enumerate(vocabulary.STANDARD_QUESTIONS)]
    return pd.DataFrame(rows)


def _respondents(spec: dict, rng: np.random.Generator) -> pd.DataFrame:
    """One row per interview: quarter, district, LAD, date, demographics and weight."""
    quarters = demo_quarters(spec)
    districts = spec["districts"]
    n_d = len(districts)
    pop = np.array([sum(lad["population"] for lad in d["lads"]) for d in districts], dtype=float)
    per_quarter = spec["respondents_per_year"] / 4
    frames = []
    for qi, q in enumerate(quarters):
        # Roughly equal samples per district (boosted where a district is small),
        # with a few percent of random variation from quarter to quarter.
        alloc = rng.normal(1.0, 0.06, n_d).clip(0.8, 1.2)
        counts = np.round(per_quarter * alloc / alloc.sum()).astype(int)
        days = (add_quarters(q, 1) - q).days
        for di, d in enumerate(districts):
            n = counts[di]
            lad_pop = np.array([lad["population"] for lad in d["lads"]], dtype=float)
            lad_idx = rng.choice(len(lad_pop), n, p=lad_pop / lad_pop.sum())
            frames.append(
                pd.DataFrame(
                    {
                        "q_idx": qi,
                        "d_idx": di,
                        "lad_idx": lad_idx,
                        "day": rng.integers(0, days, n),
                        "age_idx": rng.choice(7, n, p=_AGE_SAMPLE),
                        "sex_idx": rng.choice(4, n, p=_SEX_P),
                        "eth_idx": rng.choice(6, n, p=_ETH_P),
                    }
                )
            )
    r = pd.concat(frames, ignore_index=True)
    r["interview_date"] = [quarters[q] + timedelta(days=int(d)) for q, d in zip(r.q_idx, r.day, strict=True)]
    r["district_id"] = [districts[i]["district_id"] for i in r.d_idx]
    r["lad_code"] = [districts[d]["lads"][lad]["code"] for d, lad in zip(r.d_idx, r.lad_idx, strict=True)]
    # Weight = age correction x other calibration noise, grossed so each district's
    # weights sum to its population share of the quarter's sample.
    w = (_AGE_POP / _AGE_SAMPLE)[r.age_idx] * rng.lognormal(0, 0.2, len(r))
    r["w_raw"] = w
    cell = r.groupby(["q_idx", "d_idx"])["w_raw"].transform("sum")
    q_n = r.groupby("q_idx")["w_raw"].transform("size")
    r["weight"] = w / cell * q_n * (pop / pop.sum())[r.d_idx]
    r = r.sort_values(["interview_date", "district_id"], kind="stable").reset_index(drop=True)
    r["response_id"] = [f"S{i:07d}" for i in range(1, len(r) + 1)]
    return r


def _district_walk(rng: np.random.Generator, n_q: int, n_d: int) -> np.ndarray:
    """Slow, mean-reverting district drift (logit scale), shape (n_q, n_d)."""
    walk = np.zeros((n_q, n_d))
    for t in range(1, n_q):
        walk[t] = 0.85 * walk[t - 1] + rng.normal(0, 0.07, n_d)
    return walk


def _solve_shift(logits: np.ndarray, w: np.ndarray, group: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per-group logit shift s so that the weighted mean of expit(logit + s) hits ``target``."""
    lo = np.full(target.size, -5.0)
    hi = np.full(target.size, 5.0)
    wsum = np.bincount(group, w, minlength=target.size)
    for _ in range(50):
        mid = (lo + hi) / 2
        mean = np.bincount(group, w * expit(logits + mid[group]), minlength=target.size) / wsum
        too_high = mean > target
        hi = np.where(too_high, mid, hi)
        lo = np.where(too_high, lo, mid)
    return (lo + hi) / 2


def _systematic(p: np.ndarray, group: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw booleans with probabilities ``p`` by systematic sampling within each group."""
    order = np.lexsort((rng.random(p.size), group))
    ps, gs = p[order], group[order]
    cum = np.cumsum(ps)
    starts = np.r_[0, np.flatnonzero(np.diff(gs)) + 1]
    offset = np.repeat(cum[starts] - ps[starts], np.diff(np.r_[starts, p.size]))
    u = rng.random(gs.max() + 1)[gs]
    c = cum - offset + u
    hit = np.floor(c) - np.floor(c - ps) > 0
    out = np.empty(p.size, dtype=bool)
    out[order] = hit
    return out


def _match_weighted_share(positive, w, group, target, rng) -> np.ndarray:
    """Flip a few random answers per group until the weighted share is within a tenth of a point."""
    out = positive.copy()
    for g in range(target.size):
        idx = np.flatnonzero(group == g)
        gap = target[g] * w[idx].sum() - w[idx][out[idx]].sum()
        # Too few positives: turn random negatives positive, and vice versa.
        pool = idx[out[idx] == (gap < 0)]
        pool = pool[rng.permutation(pool.size)]
        cum = np.cumsum(w[pool])
        k = int(np.searchsorted(cum, abs(gap)))
        if k and abs(cum[k - 1] - abs(gap)) > abs((cum[k] if k < cum.size else np.inf) - abs(gap)):
            k += 1
        out[pool[:k]] = gap > 0
    return out


def responses_frame(spec: dict, rng: np.random.Generator, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """The survey_responses table, long format (one row per respondent per question). With ``events``, the
    spec's planted effects of engagement are added (``analytics.demo.planted``)."""
    r = _respondents(spec, rng)
    quarters = demo_quarters(spec)
    districts = spec["districts"]
    d_off = np.array([d["offset"] for d in districts])
    lad_off = np.array([districts[d]["lads"][lad]["offset"] for d, lad in zip(r.d_idx, r.lad_idx, strict=True)])
    walk = _district_walk(rng, len(quarters), len(districts))
    effects = planted.planted_points(spec, events, quarters)
    w, q_idx = r.weight.to_numpy(), r.q_idx.to_numpy()
    parts = []
    for question in vocabulary.STANDARD_QUESTIONS:
        qid = question["question_id"]
        target = interpolate(quarter_anchors(spec["survey_anchors"][qid]), quarters) / 100
        age = _AGE_EFFECT if qid in ("police_job", "understand_issues") else _AGE_EFFECT * 0.3
        lg = (
            logit(target[r.q_idx])
            + d_off[r.d_idx]
            + lad_off
            + age[r.age_idx]
            + walk[r.q_idx, r.d_idx]
            + rng.normal(0, 0.3, len(r))
        )
        if qid in effects:
            p0 = expit(lg + _solve_shift(lg, w, q_idx, target)[q_idx])
            lg = lg + planted.logit_term(effects[qid], p0, w, q_idx, r.d_idx.to_numpy())
        shift = _solve_shift(lg, r.weight.to_numpy(), r.q_idx.to_numpy(), target)
        p = expit(lg + shift[r.q_idx])
        positive = _systematic(p, r.q_idx.to_numpy(), rng)
        positive = _match_weighted_share(positive, r.weight.to_numpy(), r.q_idx.to_numpy(), target, rng)
        parts.append(_answers(question, positive, spec["dont_know_share"][qid], target[r.q_idx], rng, r))
    out = pd.concat(parts, ignore_index=True)
    out["age_band"] = np.array(vocabulary.AGE_BANDS)[out.pop("age_idx")]
    out["sex"] = np.array(vocabulary.SEXES)[out.pop("sex_idx")]
    out["ethnic_group"] = np.array(vocabulary.ETHNIC_GROUPS)[out.pop("eth_idx")]
    return out


def _answers(question: dict, positive, dont_know: float, target, rng, r: pd.DataFrame) -> pd.DataFrame:
    """Answer labels for one question from the positive draws."""
    qid = question["question_id"]
    answers = question["answers"]
    pos_labels = question["positive_answers"]
    neg_labels = [a for a in answers if a not in pos_labels and a != "Don't know"]
    n = len(positive)
    label = np.empty(n, dtype=object)
    top = _TOP_BOX.get(qid, 1.0)
    pos_pick = np.where(rng.random(n) < top, pos_labels[0], pos_labels[-1])
    dk = rng.random(n) < dont_know / np.clip(1 - target, 0.05, 1)
    split = np.array(_NEGATIVE_SPLIT[qid])
    neg_pick = np.array(neg_labels, dtype=object)[rng.choice(len(neg_labels), n, p=split / split.sum())]
    label[:] = np.where(positive, pos_pick, np.where(dk, "Don't know", neg_pick))
    cols = ["response_id", "interview_date", "district_id", "lad_code", "weight", "age_idx", "sex_idx", "eth_idx"]
    frame = r[cols].copy()
    frame["question_id"] = qid
    frame["answer"] = label
    return frame


def benchmarks_frame(spec: dict) -> pd.DataFrame:
    """The benchmarks table: MSG and national comparators, published anchors marked as such."""
    quarters = demo_quarters(spec)
    published = {
        (b["group_id"], b["question_id"], b["quarter"]): b["value_pct"] for b in spec["benchmark_anchors"]["published"]
    }
    from analytics.periods import quarter_key

    rows = []
    for group, by_q in spec["benchmark_anchors"].items():
        if group == "published":
            continue
        for qid, anchors in by_q.items():
            values = interpolate(quarter_anchors(anchors), quarters)
            for q, v in zip(quarters, values, strict=True):
                key = (group, qid, quarter_key(q))
                rows.append(
                    {
                        "quarter_start": q,
                        "question_id": qid,
                        "group_id": group,
                        "value_pct": float(published.get(key, round(float(v), 1))),
                        "base": None,
                        "source": "Published figure (force performance report)"
                        if key in published
                        else "Synthetic demo value",
                    }
                )
    return pd.DataFrame(rows)


def as_at(spec: dict) -> date:
    """The demo's "as at" date."""
    return date.fromisoformat(spec["as_at"])
