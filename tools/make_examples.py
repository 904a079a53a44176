"""Regenerate the bundled example CSVs (synthetic; provenance in servqual.datasets.EXAMPLES).

Run from the project root: python tools/make_examples.py
"""

from pathlib import Path

import numpy as np

import servqual as sq

OUT = Path(__file__).resolve().parents[1] / "src" / "servqual" / "datasets" / "data"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    bank = sq.datasets.simulate(
        212,
        instrument="servqual22",
        segments={"branch": ["north", "centre", "south"], "channel": ["branch", "online"]},
        rng=2024,
    )
    # four respondents skipped one rating each
    rng = np.random.default_rng(99)
    rows = rng.choice(bank.index.to_numpy(), size=4, replace=False)
    cols = rng.choice([f"{r}{n}" for r in "EP" for n in range(1, 23)], size=4)
    for r, c in zip(rows, cols, strict=True):
        bank.loc[r, c] = np.nan
    bank.to_csv(OUT / "retail_bank.csv")

    zot_gaps = {
        "tangibles": 0.4,
        "reliability": -0.6,
        "responsiveness": -0.2,
        "assurance": 0.6,
        "empathy": 0.1,
    }
    sq.datasets.simulate(
        180,
        instrument="servqual_zot",
        gaps=zot_gaps,
        level=5.5,
        zone=1.8,
        rng=7,
        segments={"branch": ["east", "west"]},
        importance=False,
    ).to_csv(OUT / "zone_of_tolerance.csv")
    sq.datasets.simulate(150, instrument="excellence", rng=11, importance=False).to_csv(
        OUT / "excellence.csv"
    )
    sq.datasets.simulate(
        300, instrument="conformance", rng=5, segments={"store": ["A", "B"]}, importance=False
    ).to_csv(OUT / "conformance.csv")
    sq.datasets.simulate(
        250, instrument="value", gaps={"service_quality": 0.4}, rng=3, importance=False
    ).to_csv(OUT / "value.csv")


if __name__ == "__main__":
    main()
