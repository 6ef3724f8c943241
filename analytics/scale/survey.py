"""Survey responses at scale (streamed quarter by quarter in sort order) and the benchmarks beside them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.special import expit, logit

from analytics.contract import vocabulary
from analytics.demo.spec import interpolate, largest_remainder, quarter_anchors
from analytics.demo.survey import _AGE_EFFECT, _AGE_POP, _AGE_SAMPLE, _ETH_P, _NEGATIVE_SPLIT, _SEX_P, _TOP_BOX
from analytics.periods import add_quarters, quarter_start, quarters_between
from analytics.scale import parquet as pqx
from analytics.scale.world import World, days_since_epoch

# Within one interview the rows are in question_id order, as the file's sort order asks.
QUESTIONS = sorted(vocabulary.STANDARD_QUESTIONS, key=lambda q: q["question_id"])


def survey_quarters(world: World) -> list:
    """Quarter starts the survey covers."""
    return quarters_between(quarter_start(world.first_month), quarter_start(world.as_at))


def _trend(world: World, quarters: list) -> np.ndarray:
    """National logit of the share positive, quarters x questions."""
    raw = world.spec["survey_trend"]
    return np.column_stack(
        [logit(interpolate(quarter_anchors(raw[q["question_id"]]), quarters) / 100) for q in QUESTIONS]
    )


def _answer_tables() -> tuple[pa.Array, np.ndarray, list[dict]]:
    """Every question's answer labels in one list, each question's offset into it, and how to draw answers."""
    labels, offsets, draws = [], [], []
    for q in QUESTIONS:
        answers = q["answers"]
        offsets.append(len(labels))
        labels += answers
        negative = [answers.index(a) for a in answers if a not in q["positive_answers"] and a != "Don't know"]
        split = np.array(_NEGATIVE_SPLIT[q["question_id"]], dtype=float)
        draws.append(
            {
                "top": answers.index(q["positive_answers"][0]),
                "second": answers.index(q["positive_answers"][-1]),
                "top_share": _TOP_BOX.get(q["question_id"], 1.0),
                "dont_know": answers.index("Don't know"),
                "negative": np.array(negative),
                "negative_cum": np.cumsum(split / split.sum()),
            }
        )
    return pa.array(labels), np.array(offsets), draws


def write_responses(out_dir: Path, world: World, n_rows: int, seed: int) -> int:
    """Write survey_responses with exactly ``n_rows`` rows (one per interview per question); the row count."""
    n_q = len(QUESTIONS)
    if n_rows % n_q:
        raise ValueError(f"survey rows must be a multiple of {n_q} (one row per question of each interview)")
    quarters = survey_quarters(world)
    per_quarter = largest_remainder(n_rows // n_q, np.ones(len(quarters)))
    trend = _trend(world, quarters)
    pop = world.districts["population"].to_numpy(dtype=float)
    n_d = pop.size
    # Small districts are over-sampled (sample ~ sqrt(population)); the design weight undoes it.
    sample_p = np.sqrt(pop) / np.sqrt(pop).sum()
    design = (pop / pop.sum()) / sample_p
    rng = np.random.default_rng([seed, 2])
    offset = rng.normal(0, 0.25, (n_d, 1)) + rng.normal(0, 0.1, (n_d, n_q))
    n_f = int(world.force_of.max()) + 1
    walk = np.zeros((len(quarters), n_f, n_q))  # slow, mean-reverting drift of each force
    for t in range(1, len(quarters)):
        walk[t] = 0.85 * walk[t - 1] + rng.normal(0, 0.07, (n_f, n_q))
    dont_know = np.array([world.spec["dont_know_share"][q["question_id"]] for q in QUESTIONS])
    labels, label_offset, draws = _answer_tables()
    # Older respondents rate the police a little higher; less so on the other questions.
    strong = ("police_job", "understand_issues")
    age_effect = np.array([_AGE_EFFECT * (1.0 if q["question_id"] in strong else 0.3) for q in QUESTIONS])
    districts = pa.array(world.districts["district_id"].tolist())
    qids = pa.array([q["question_id"] for q in QUESTIONS])
    with pqx.TableWriter(out_dir, "survey_responses", plain=("weight",)) as writer:
        for qi, quarter in enumerate(quarters):
            rng = np.random.default_rng([seed, 2, qi + 1])
            n = int(per_quarter[qi])
            first_day = days_since_epoch(quarter)
            n_days = days_since_epoch(add_quarters(quarter, 1)) - first_day
            d = rng.choice(n_d, n, p=sample_p)
            day = rng.integers(0, n_days, n)
            order = np.argsort(day * n_d + d, kind="stable")
            d, day = d[order], first_day + day[order]
            age = rng.choice(_AGE_SAMPLE.size, n, p=_AGE_SAMPLE)
            sex = rng.choice(_SEX_P.size, n, p=_SEX_P)
            eth = rng.choice(_ETH_P.size, n, p=_ETH_P / _ETH_P.sum())
            weight = design[d] * (_AGE_POP / _AGE_SAMPLE)[age] * rng.lognormal(0, 0.2, n)
            answer = np.empty((n, n_q), dtype=np.int32)
            for j, draw in enumerate(draws):
                lg = trend[qi, j] + offset[d, j] + walk[qi, world.force_of[d], j] + age_effect[j, age]
                p = expit(lg + rng.normal(0, 0.3, n))
                answer[:, j] = label_offset[j] + _answers(draw, p, dont_know[j], rng)
            rows = np.repeat(np.arange(n), n_q)
            ids = pqx.fixed_ids("S", writer.rows // n_q + 1, n)
            writer.append(
                pqx.contract_table(
                    "survey_responses",
                    {
                        "response_id": pqx.strings(ids, rows),
                        "interview_date": pqx.days(day[rows]),
                        "district_id": pqx.strings(districts, d[rows]),
                        "lad_code": pa.nulls(n * n_q, pa.string()),
                        "weight": pqx.numbers(weight[rows], pa.float64()),
                        "age_band": pqx.strings(list(vocabulary.AGE_BANDS), age[rows]),
                        "sex": pqx.strings(list(vocabulary.SEXES), sex[rows]),
                        "ethnic_group": pqx.strings(list(vocabulary.ETHNIC_GROUPS), eth[rows]),
                        "question_id": pqx.strings(qids, np.tile(np.arange(n_q), n)),
                        "answer": pqx.strings(labels, answer.ravel()),
                    },
                )
            )
    return writer.rows


def _answers(draw: dict, p: np.ndarray, dont_know: float, rng: np.random.Generator) -> np.ndarray:
    """Index of each respondent's answer among the question's answers."""
    n = p.size
    positive = rng.random(n) < p
    top = np.where(rng.random(n) < draw["top_share"], draw["top"], draw["second"])
    dk = rng.random(n) < dont_know / np.clip(1 - p, 0.05, 1)
    cum = draw["negative_cum"]
    negative = draw["negative"][np.minimum((rng.random(n)[:, None] > cum).sum(axis=1), cum.size - 1)]
    return np.where(positive, top, np.where(dk, draw["dont_know"], negative))


def benchmarks_frame(world: World, seed: int) -> pd.DataFrame:
    """The benchmarks table: national figures around the trend, Most Similar Group a little apart."""
    quarters = survey_quarters(world)
    trend = _trend(world, quarters)
    rng = np.random.default_rng([seed, 3])
    rows = []
    for j, q in enumerate(QUESTIONS):
        national = 100 * expit(trend[:, j] + rng.normal(0, 0.03, len(quarters)))
        msg = 100 * expit(trend[:, j] - 0.1 + rng.normal(0, 0.06, len(quarters)))
        for group, values in (("msg", msg), ("national", national)):
            for quarter, v in zip(quarters, values, strict=True):
                rows.append(
                    {
                        "quarter_start": quarter,
                        "question_id": q["question_id"],
                        "group_id": group,
                        "value_pct": round(float(v), 1),
                        "base": None,
                        "source": "Synthetic scale value",
                    }
                )
    return pd.DataFrame(rows)
