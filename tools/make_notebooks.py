"""Write the example notebooks in notebooks/ (reproducibly, without outputs).

Run from the repository root::

    python tools/make_notebooks.py

Each notebook is a list of ("md" | "code", source) cells below; edit them here,
not in the .ipynb files, and re-run this script.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "notebooks"

KERNEL = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def md(text: str) -> tuple[str, str]:
    return ("md", text.strip("\n"))


def code(text: str) -> tuple[str, str]:
    return ("code", text.strip("\n"))


# --------------------------------------------------------------------------- 01
STUDY = [
    md("""
# A SERVQUAL study from start to finish

This notebook walks through a complete two-column SERVQUAL analysis (expectations **E** and
perceptions **P** on 22 items, 7-point scale) of the bundled `retail_bank` example: a synthetic
survey of 212 customers of a retail bank, with the branch and channel of each respondent,
100-point importance allocations over the five dimensions and an overall rating.

Copy it and replace `sq.load_example(...)` by `sq.read_survey("your_export.csv", "servqual22")`
to analyse your own data. Every number below comes from a `servqual` function; every chart is
drawn from a result object.
"""),
    code("""
%matplotlib inline
import matplotlib.pyplot as plt

import servqual as sq

print(sq.__version__)
"""),
    md("""
## 1 Load and validate the responses

A `Survey` is the responses plus the instrument (dimensions, items, scale, ratings). It is
validated once, when it is built: missing columns, non-numeric answers and values outside the
scale are reported with the column, the rows and the values.
"""),
    code("""
survey = sq.load_example("retail_bank")
survey
"""),
    code("""
print(survey.instrument)
"""),
    md("""
What a validation error looks like: one expectation answer of 9 on a 1–7 scale.
"""),
    code("""
raw = sq.datasets.load_frame("retail_bank")
bad = raw.copy()
bad.loc[bad.index[3], "E7"] = 9
try:
    sq.Survey(bad, sq.instruments.servqual22())
except sq.ScaleRangeError as err:
    print(err)
"""),
    md("""
## 2 Describe the sample

`describe()` gives n, mean, sd, min and max per item and rating; the segments are ordinary
columns of the survey.
"""),
    code("""
print(f"{survey.n_respondents} respondents, {survey.n_incomplete} with at least one missing answer")
survey.segments["branch"].value_counts()
"""),
    code("""
survey.describe().round(2).head(8)
"""),
    md("""
## 3 Gap scores

The SERVQUAL gap of an item is *perception − expectation*. A dimension score is the mean of its
items for each respondent; the overall score is the mean of the dimension scores. Each mean
comes with a 95 % t confidence interval and the share of respondents whose perception meets
their expectation.
"""),
    code("""
gaps = sq.gap_scores(survey, level="dimension")
gaps
"""),
    code("""
items = sq.gap_scores(survey, level="item")
items.to_frame().sort_values("gap").head(5).round(3)
"""),
    md("""
Weighting by the importance points each respondent gave the five dimensions gives the
weighted SERVQUAL score (Parasuraman, Zeithaml & Berry, 1988):
"""),
    code("""
sq.gap_scores(survey, level="overall", weighted=True)
"""),
    md("""
And by segment: one block of rows per branch.
"""),
    code("""
by_branch = sq.gap_scores(survey, level="dimension", by="branch")
by_branch.to_frame()["gap"].unstack("dimension").round(2)
"""),
    md("""
## 4 Charts

Every chart takes a result and an Axes and returns the Axes, so you lay out figures yourself.
"""),
    code("""
fig, axes = plt.subplots(1, 2, figsize=(12, 5))
sq.plot_gaps(gaps, ax=axes[0], sort=True, title="Dimension gaps (95% CI)")
sq.plot_gaps(by_branch, ax=axes[1], title="Gaps by branch")
fig.tight_layout()
"""),
    code("""
fig, ax = plt.subplots(figsize=(6, 7))
items.plot(ax=ax)  # the same as sq.plot_gaps(items, ax=ax)
ax.set_title("Item gaps");
"""),
    code("""
fig = plt.figure(figsize=(13, 4.5))
ax1 = fig.add_subplot(1, 3, (1, 2))
ax2 = fig.add_subplot(1, 3, 3, projection="polar")
sq.plot_snake(items, ax=ax1, title="Snake plot")
sq.plot_radar(gaps, ax=ax2, legend=False, title="Perception vs expectation")
fig.tight_layout()
"""),
    code("""
fig, ax = plt.subplots(figsize=(8, 6))
sq.plot_likert(sq.likert_distribution(survey, rating="P"), ax=ax, title="Perceptions");
"""),
    md("""
## 5 Reliability

Cronbach's alpha per dimension, with the Feldt confidence interval, for perceptions and for
the gap scores. Difference scores are usually less reliable than their components; the
reliability of the difference (Johns, 1981) quantifies it.
"""),
    code("""
sq.cronbach_alpha(survey, score="perception")
"""),
    code("""
sq.cronbach_alpha(survey, score="gap")
"""),
    code("""
sq.difference_reliability(survey)
"""),
    md("""
## 6 Does the instrument measure five dimensions?

Sampling adequacy (KMO) and Bartlett's test say whether the perception items are worth
factoring; parallel analysis suggests how many factors to keep; the exploratory solution
shows whether the items load on their own dimension. The confirmatory model then tests the
five-dimension structure directly, with composite reliability, AVE, the Fornell–Larcker
criterion and HTMT for convergent and discriminant validity.
"""),
    code("""
print(sq.kmo(survey).header)
print(sq.bartlett_sphericity(survey).header)
pa = sq.parallel_analysis(survey, rng=1)
efa = sq.efa(survey, n_factors=pa.n_factors, rotation="oblimin")
fig, axes = plt.subplots(1, 2, figsize=(12, 6), gridspec_kw={"width_ratios": [1, 1.1]})
pa.plot(ax=axes[0])
efa.plot(ax=axes[1], threshold=0.3)
fig.tight_layout()
"""),
    code("""
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", sq.MissingDataWarning)  # CFA uses complete respondents
    fit = sq.cfa(survey)
print(fit.header)
sq.discriminant_validity(fit)
"""),
    md("""
## 7 Are the gaps significant?

Paired tests of P against E per item, with Holm-adjusted p-values, and Hotelling's T² for
all items at once. Then a comparison of the dimension gaps between branches.
"""),
    code("""
tests = sq.paired_tests(survey, level="item", p_adjust="holm")
tests.to_frame().head(6)
"""),
    code("""
sq.hotelling_test(survey)
"""),
    code("""
sq.compare_groups(survey, by="branch", level="dimension")
"""),
    md("""
## 8 What drives the overall rating?

Regression of the overall rating on the dimension perceptions with relative importance
(dominance) weights, and the importance–performance map with the stated importance points.
"""),
    code("""
drivers = sq.key_drivers(survey, outcome="overall")
ipa = sq.importance_performance(survey, importance="stated")
fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
sq.plot_drivers(drivers, ax=axes[0])
sq.plot_ipa(ipa, ax=axes[1])
fig.tight_layout()
"""),
    md("""
## 9 One file for colleagues

`sq.report` writes all of the above into one self-contained HTML file (figures embedded).
"""),
    code("""
import tempfile
from pathlib import Path

out = Path(tempfile.mkdtemp()) / "retail_bank_report.html"  # or any path you like
path = sq.report(survey, out, title="Retail bank: SERVQUAL study")
print(path.name, path.stat().st_size // 1024, "kB")
"""),
]

# --------------------------------------------------------------------------- 02
ZOT = [
    md("""
# The zone of tolerance

In the three-column SERVQUAL format (Parasuraman, Zeithaml & Berry, 1994) customers rate each
item three times: the **adequate** (minimum acceptable) service *A*, the **desired** service
*D* and the **perceived** service *P*. Between *A* and *D* lies the *zone of tolerance*.
Two gaps follow:

* the **measure of service adequacy** MSA = P − A (negative: below the zone), and
* the **measure of service superiority** MSS = P − D (positive: above the zone).

The bundled `zone_of_tolerance` example has 180 respondents on a 9-point scale.
"""),
    code("""
%matplotlib inline
import matplotlib.pyplot as plt

import servqual as sq

survey = sq.load_example("zone_of_tolerance")
survey
"""),
    md("""
## MSA and MSS

`gap_scores` compares perceptions with any reference the instrument has: `reference="A"`
gives MSA, `reference="D"` gives MSS.
"""),
    code("""
msa = sq.gap_scores(survey, level="dimension", reference="A")
mss = sq.gap_scores(survey, level="dimension", reference="D")
msa
"""),
    code("""
mss.to_frame()[["perception", "reference", "gap", "ci_low", "ci_high"]].round(3)
"""),
    md("""
## Where do perceptions fall?

`tolerance_zone` gives the mean adequate, desired and perceived levels, the position of the
mean perception (below, within or above the zone) and, per respondent, the shares below,
within and above. Answers with an adequate level above the desired level (an inverted zone)
are counted separately.
"""),
    code("""
zot = sq.tolerance_zone(survey, level="dimension")
zot.to_frame()[["adequate", "desired", "perceived", "msa", "mss", "position",
                "share_below", "share_within", "share_above"]].round(2)
"""),
    code("""
fig, axes = plt.subplots(1, 2, figsize=(13, 5), gridspec_kw={"width_ratios": [1, 1.2]})
zot.plot(ax=axes[0], title="Dimensions")
sq.plot_tolerance(sq.tolerance_zone(survey, level="item"), ax=axes[1], title="Items",
                  legend=False)
fig.tight_layout()
"""),
    code("""
fig, ax = plt.subplots(figsize=(6, 5), subplot_kw={"projection": "polar"})
sq.plot_radar(zot, ax=ax, title="Adequate, desired and perceived service");
"""),
    md("""
## By segment

The zone can differ between customer groups.
"""),
    code("""
seg = survey.segments.columns[0]
by_seg = sq.tolerance_zone(survey, level="dimension", by=seg)
by_seg.to_frame()[["adequate", "desired", "perceived", "position"]].round(2)
"""),
    code("""
fig, ax = plt.subplots(figsize=(7, 7))
sq.plot_tolerance(by_seg, ax=ax, title=f"Zone of tolerance by {seg}");
"""),
    md("""
## How reliable are MSA and MSS?

Reliability of the MSA and MSS item scores per dimension.
"""),
    code("""
sq.cronbach_alpha(survey, score="msa")
"""),
    code("""
sq.cronbach_alpha(survey, score="mss")
"""),
    md("""
## The answers themselves

Diverging bars of the adequate, desired and perceived answers per dimension (pooled over
items): the desired level sits high on the scale, perceptions lower and more spread.
"""),
    code("""
fig, axes = plt.subplots(3, 1, figsize=(8, 9))
for ax, rating in zip(axes, ["A", "D", "P"], strict=True):
    dist = sq.likert_distribution(survey, rating=rating, level="dimension")
    sq.plot_likert(dist, ax=ax, title=dist.rating_name.capitalize(), xlabel=None)
fig.tight_layout()
"""),
]

# --------------------------------------------------------------------------- 03
PERSPECTIVES = [
    md("""
# Four ways to judge quality

Reeves & Bednar (1994) distinguish four definitions of quality. In `servqual` they differ
only in what a perception is compared with, so one function, `gap_scores`, serves all four:

| perspective | reference | example |
|---|---|---|
| meeting expectations | expectation E (P − E) | `retail_bank` |
| excellence | the desired / ideal level D | `excellence` |
| conformance to specification | a target per item set by the firm | `conformance` |
| value | what the customer gives up (sacrifice) | `value` |
"""),
    code("""
%matplotlib inline
import matplotlib.pyplot as plt
import pandas as pd

import servqual as sq

examples = {
    "expectations": sq.load_example("retail_bank"),
    "excellence": sq.load_example("excellence"),
    "conformance": sq.load_example("conformance"),
    "value": sq.load_example("value"),
}
pd.DataFrame(
    {
        name: {
            "instrument": s.instrument.name,
            "perspective": s.instrument.perspective,
            "reference": s.instrument.reference,
            "respondents": s.n_respondents,
            "items": s.instrument.n_items,
        }
        for name, s in examples.items()
    }
).T
"""),
    md("""
## One call, four references
"""),
    code("""
results = {name: sq.gap_scores(s, level="dimension") for name, s in examples.items()}
for name, res in results.items():
    print(f"{name}: perception − {res.reference_name}")
    print(res.to_frame()[["perception", "reference", "gap", "ci_low", "ci_high"]].round(2))
    print()
"""),
    code("""
fig, axes = plt.subplots(2, 2, figsize=(12, 8))
for ax, (name, res) in zip(axes.flat, results.items(), strict=True):
    sq.plot_gaps(res, ax=ax, sort=True, title=name)  # the x label names the reference
fig.tight_layout()
"""),
    md("""
## Excellence: how far from the ideal?

With the excellence perspective the reference is the desired level; the share of respondents
who rate us at or above their ideal is the `share_meeting` column.
"""),
    code("""
exc = sq.gap_scores(examples["excellence"], level="item")
exc.to_frame()[["gap", "share_meeting"]].sort_values("share_meeting").head(5).round(3)
"""),
    md("""
## Conformance: the share of customers who see the standard met

For a conformance instrument every item has a target (the firm's service standard). Besides
the mean gap, the share of respondents meeting the standard comes with a Wilson interval.
"""),
    code("""
conf = sq.gap_scores(examples["conformance"], level="item")
conf.to_frame()[["reference", "perception", "share_meeting", "share_ci_low",
                 "share_ci_high"]].round(3)
"""),
    md("""
Conformance is also measured in the firm's own records. A u-chart of monthly complaints per
1,000 orders shows whether the process is in control:
"""),
    code("""
records = sq.operations.load_records("counts")
kpi = sq.operations.kpi_series(records, date="month", count="count", exposure="orders",
                               by="store", per=1000)
chart = sq.operations.control_chart(kpi, type="complaint", where={"store": "north"})
fig, ax = plt.subplots(figsize=(10, 3.5))
chart.plot(ax=ax);
"""),
    md("""
Loyalty from feedback records: the Net Promoter Score per quarter with its 95 % interval.
"""),
    code("""
feedback = sq.operations.load_records("feedback")
nps = sq.operations.nps(feedback, "recommend", date="date", freq="Q")
fig, ax = plt.subplots(figsize=(10, 3.5))
nps.plot(ax=ax);
"""),
    md("""
## Value: quality against sacrifice

In the value perspective the reference is the respondent's sacrifice score (price, time,
effort); a positive gap means the quality received outweighs what was given up.
"""),
    code("""
value = examples["value"]
sq.value_index(value)
"""),
    code("""
fig, ax = plt.subplots(figsize=(8, 4))
sq.plot_likert(sq.likert_distribution(value, level="dimension"), ax=ax,
               title="Value survey: answer distributions");
"""),
    md("""
## Excellence against three yardsticks

One excellence survey can be read against three references measured on the same
respondents: their ideal level (`"D"`), the best competitor they know (`"C"`) and the top of
the scale (`"max"`). The same perceptions look far worse against the scale maximum than
against the competitor. (Gaps from different samples, such as P − E of the retail bank and
P − D here, are not comparable: only references rated by the same respondents are.)
"""),
    code("""
excellence = examples["excellence"]
yardsticks = pd.concat(
    {
        ref: sq.gap_scores(excellence, level="dimension", reference=ref).to_frame()["gap"]
        for ref in ["D", "C", "max"]
    },
    axis=1,
)
yardsticks.round(2)
"""),
    code("""
fig, axes = plt.subplots(1, 3, figsize=(14, 3.8), sharex=True)
for ax, ref in zip(axes, yardsticks.columns, strict=True):
    sq.plot_gaps(sq.gap_scores(excellence, level="dimension", reference=ref), ax=ax)
axes[0].set_xlim(-3.2, 0.2)  # one scale for the three panels
fig.tight_layout()
"""),
]

# --------------------------------------------------------------------------- 04
GALLERY = [
    md("""
# Chart gallery

Every chart function of `servqual`, each drawn once from the bundled example data. A chart
takes a result (never raw data) and an optional `ax=`, and returns the Axes; colours,
labels and titles are keyword arguments. The code above each figure is all it takes.
"""),
    code("""
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import servqual as sq

bank = sq.load_example("retail_bank")  # two-column SERVQUAL (P and E), 212 respondents
zot = sq.load_example("zone_of_tolerance")  # three-column format (A, D, P)
counts = sq.operations.load_records("counts")  # monthly complaints and returns per store
feedback = sq.operations.load_records("feedback")  # reviews, CSAT, NPS, CES
"""),
    md("""
## Survey charts

**`sq.plot_gaps`**: the mean gap (P − E) of each dimension with its 95 % confidence interval.
"""),
    code("""
fig, ax = plt.subplots(figsize=(7, 3.5))
sq.plot_gaps(sq.gap_scores(bank, level="dimension"), ax=ax, sort=True);
"""),
    md("""
**`sq.plot_gaps`** by segment: one bar per branch and dimension.
"""),
    code("""
fig, ax = plt.subplots(figsize=(7, 5))
sq.plot_gaps(sq.gap_scores(bank, level="dimension", by="branch"), ax=ax);
"""),
    md("""
**`sq.plot_snake`**: the perception and expectation profiles across the 22 items.
"""),
    code("""
fig, ax = plt.subplots(figsize=(11, 4))
sq.plot_snake(sq.gap_scores(bank, level="item"), ax=ax);
"""),
    md("""
**`sq.plot_radar`**: perception against expectation per dimension (on a polar Axes).
"""),
    code("""
fig, ax = plt.subplots(figsize=(5.5, 5.5), subplot_kw={"projection": "polar"})
sq.plot_radar(sq.gap_scores(bank, level="dimension"), ax=ax);
"""),
    md("""
**`sq.plot_tolerance`**: the zone of tolerance (adequate to desired) with the perceived level.
"""),
    code("""
fig, ax = plt.subplots(figsize=(7, 3.5))
sq.plot_tolerance(sq.tolerance_zone(zot, level="dimension"), ax=ax);
"""),
    md("""
**`sq.plot_likert`**: diverging stacked bars of the perception answers per dimension.
"""),
    code("""
fig, ax = plt.subplots(figsize=(8, 3.5))
sq.plot_likert(sq.likert_distribution(bank, rating="P", level="dimension"), ax=ax);
"""),
    md("""
**`sq.plot_scree`**: parallel analysis, observed against simulated eigenvalues.
"""),
    code("""
fig, ax = plt.subplots(figsize=(7, 4))
sq.plot_scree(sq.parallel_analysis(bank, rng=1), ax=ax);
"""),
    md("""
**`sq.plot_loadings`**: the loadings of an exploratory factor analysis as a heatmap.
"""),
    code("""
fig, ax = plt.subplots(figsize=(6, 8))
sq.plot_loadings(sq.efa(bank, n_factors=5, rotation="oblimin"), ax=ax, threshold=0.3);
"""),
    md("""
**`sq.plot_sem`**: the path diagram of a structural model (each dimension a latent factor of
its perception items, explaining the overall rating), with standardized estimates.
"""),
    code("""
fig, ax = plt.subplots(figsize=(9, 7))
sq.plot_sem(sq.sem(bank, outcome="overall"), ax=ax);
"""),
    md("""
**`sq.plot_drivers`**: relative importance of the dimensions for the overall rating.
"""),
    code("""
fig, ax = plt.subplots(figsize=(7, 3.5))
sq.plot_drivers(sq.key_drivers(bank, outcome="overall"), ax=ax);
"""),
    md("""
**`sq.plot_ipa`**: the importance–performance map with the stated importance points.
"""),
    code("""
fig, ax = plt.subplots(figsize=(7, 5))
sq.plot_ipa(sq.importance_performance(bank, importance="stated"), ax=ax);
"""),
    md("""
**`sq.plot_kano`**: Better against Worse coefficients of a Kano survey (the answers of 120
respondents are made up here: servqual ships no Kano example).
"""),
    code("""
rng = np.random.default_rng(3)
answers = {"A": (1, 3), "O": (1, 5), "M": (3, 5), "I": (3, 3)}  # (functional, dysfunctional)
mix = {  # shares of respondents answering as A, O, M, I
    "mobile app": [0.2, 0.5, 0.2, 0.1],
    "video advice": [0.55, 0.15, 0.05, 0.25],
    "24-hour hotline": [0.1, 0.2, 0.6, 0.1],
    "paper statements": [0.1, 0.05, 0.15, 0.7],
}
kinds = {feature: rng.choice(list(answers), size=120, p=p) for feature, p in mix.items()}
functional = pd.DataFrame({f: [answers[k][0] for k in ks] for f, ks in kinds.items()})
dysfunctional = pd.DataFrame({f: [answers[k][1] for k in ks] for f, ks in kinds.items()})
fig, ax = plt.subplots(figsize=(6, 5))
sq.plot_kano(sq.kano(functional, dysfunctional), ax=ax);
"""),
    md("""
## Operations charts

**`sq.plot_kpi`**: complaints and returns per 1,000 orders per month and store.
"""),
    code("""
kpi = sq.operations.kpi_series(counts, date="month", type="type", count="count",
                               exposure="orders", by="store", per=1000)
fig, ax = plt.subplots(figsize=(10, 3.5))
sq.plot_kpi(kpi, ax=ax);
"""),
    md("""
**`sq.plot_control`**: a u-chart of the complaint rate of one store with its control limits.
"""),
    code("""
chart = sq.operations.control_chart(kpi, type="complaint", where={"store": "north"})
fig, ax = plt.subplots(figsize=(10, 3.5))
sq.plot_control(chart, ax=ax);
"""),
    md("""
**`sq.plot_nps`**: the Net Promoter Score per quarter with its 95 % interval.
"""),
    code("""
fig, ax = plt.subplots(figsize=(10, 3.5))
sq.plot_nps(sq.operations.nps(feedback, column="recommend", date="date", freq="Q"), ax=ax);
"""),
    md("""
**`sq.plot_ratings`**: the distribution of the review stars.
"""),
    code("""
fig, ax = plt.subplots(figsize=(6, 3.5))
sq.plot_ratings(sq.operations.ratings(feedback, column="stars"), ax=ax);
"""),
    md("""
**`sq.plot_score`**: mean CSAT per store with its 95 % confidence interval.
"""),
    code("""
fig, ax = plt.subplots(figsize=(6, 3.5))
sq.plot_score(sq.operations.csat(feedback, column="csat", by="store"), ax=ax);
"""),
]

NOTEBOOKS = {
    "01_servqual_study.ipynb": STUDY,
    "02_zone_of_tolerance.ipynb": ZOT,
    "03_four_perspectives.ipynb": PERSPECTIVES,
    "04_chart_gallery.ipynb": GALLERY,
}


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook(metadata=dict(KERNEL))
    for kind, src in cells:
        nb.cells.append(new_markdown_cell(src) if kind == "md" else new_code_cell(src))
    # stable ids so regenerating gives identical files
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = build(cells)
        nbformat.validate(nb)
        nbformat.write(nb, OUT / name)
        print(f"wrote {OUT / name} ({len(nb.cells)} cells)")


if __name__ == "__main__":
    main()
