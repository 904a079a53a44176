"""Regenerate the bundled operational records (synthetic, seeded).

Run from the project root: python tools/make_operations_example.py

Writes src/servqual/datasets/data/operations_{counts,cases,feedback}.csv:

* counts: 24 months (2023-01 .. 2024-12) x 3 stores x {complaint, return}; orders
  per store-month ~ Poisson(4000 · store size · season); complaints ~ Poisson(orders ·
  6/1000) before 2024-01 and Poisson(orders · 4.2/1000) after (a complaint-handling
  change); returns ~ Poisson(orders · 25/1000) throughout.
* cases: one row per complaint of the counts table for store 'north' and 'south'
  (a sample of 1 in 4) with days to answer ~ 1 + Gamma(2, 2.2) before the change and
  1 + Gamma(2, 1.4) after, rounded up to whole days; channel online / phone / store.
* feedback: ~60 responses per month x 24 months: review stars 1-5, CSAT 1-5, likelihood
  to recommend 0-10, customer effort 1-7, pay_more yes/no and premium (percent) for
  those who said yes; all driven by a latent satisfaction that rises by 0.3 sd after
  the change.
"""

from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "src" / "servqual" / "datasets" / "data"
STORES = {"north": 1.0, "centre": 0.7, "south": 1.3}
CHANGE = pd.Timestamp("2024-01-01")


def main() -> None:
    rng = np.random.default_rng(20240101)
    months = pd.date_range("2023-01-01", periods=24, freq="MS")
    season = 1 + 0.15 * np.cos(2 * np.pi * (months.month.to_numpy() - 12) / 12)

    rows = []
    cases = []
    case_id = 0
    for store, size in STORES.items():
        orders = rng.poisson(4000 * size * season)
        for m, month in enumerate(months):
            after = month >= CHANGE
            c_rate = (4.2 if after else 6.0) / 1000
            comp = rng.poisson(orders[m] * c_rate)
            ret = rng.poisson(orders[m] * 25 / 1000)
            rows.append((month, store, "complaint", comp, orders[m]))
            rows.append((month, store, "return", ret, orders[m]))
            if store in ("north", "south"):
                k = rng.binomial(comp, 0.25)
                day = rng.integers(0, month.days_in_month, size=k)
                scale = 1.4 if after else 2.2
                resp = np.ceil(1 + rng.gamma(2.0, scale, size=k)).astype(int)
                chan = rng.choice(["online", "phone", "store"], size=k, p=[0.5, 0.3, 0.2])
                for d, r, ch in zip(day, resp, chan, strict=True):
                    case_id += 1
                    cases.append((case_id, month + pd.Timedelta(days=int(d)), store, ch, r))
    counts = pd.DataFrame(rows, columns=["month", "store", "type", "count", "orders"])
    counts["month"] = counts["month"].dt.strftime("%Y-%m-%d")
    counts.to_csv(OUT / "operations_counts.csv", index=False)

    cases_df = pd.DataFrame(
        cases, columns=["case", "received", "store", "channel", "response_days"]
    )
    cases_df = cases_df.sort_values(["received", "case"]).reset_index(drop=True)
    cases_df["case"] = np.arange(1, len(cases_df) + 1)
    cases_df["received"] = cases_df["received"].dt.strftime("%Y-%m-%d")
    cases_df.to_csv(OUT / "operations_cases.csv", index=False)

    fb = []
    for month in months:
        n = rng.poisson(60)
        after = month >= CHANGE
        store = rng.choice(list(STORES), size=n, p=[0.35, 0.25, 0.40])
        channel = rng.choice(["online", "store"], size=n, p=[0.6, 0.4])
        day = rng.integers(0, month.days_in_month, size=n)
        sat = (
            rng.standard_normal(n)
            + (0.3 if after else 0.0)
            + np.where(store == "centre", -0.2, 0.0)
        )
        stars = np.clip(np.rint(3.8 + 1.0 * sat + 0.5 * rng.standard_normal(n)), 1, 5)
        csat = np.clip(np.rint(3.9 + 0.9 * sat + 0.5 * rng.standard_normal(n)), 1, 5)
        rec = np.clip(np.rint(7.6 + 1.8 * sat + 1.0 * rng.standard_normal(n)), 0, 10)
        effort = np.clip(np.rint(5.0 + 1.0 * sat + 0.8 * rng.standard_normal(n)), 1, 7)
        pay = rng.random(n) < 1 / (1 + np.exp(-(-0.8 + 0.8 * sat)))
        premium = np.where(
            pay, np.round(np.clip(rng.gamma(2.0, 3.0, size=n), 0.5, None), 1), np.nan
        )
        for i in range(n):
            fb.append(
                (
                    month + pd.Timedelta(days=int(day[i])),
                    store[i],
                    channel[i],
                    int(stars[i]),
                    int(csat[i]),
                    int(rec[i]),
                    int(effort[i]),
                    "yes" if pay[i] else "no",
                    premium[i],
                )
            )
    feedback = pd.DataFrame(
        fb,
        columns=[
            "date",
            "store",
            "channel",
            "stars",
            "csat",
            "recommend",
            "effort",
            "pay_more",
            "premium",
        ],
    )
    feedback = feedback.sort_values("date", kind="stable").reset_index(drop=True)
    feedback["date"] = feedback["date"].dt.strftime("%Y-%m-%d")
    feedback.to_csv(OUT / "operations_feedback.csv", index=False)


if __name__ == "__main__":
    main()
