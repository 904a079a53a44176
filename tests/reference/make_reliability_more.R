# More reference values for tests/test_reliability.py (review checks):
#   * alpha of the gap (P - E) and of the expectation items of the retail_bank example,
#     by dimension and overall (psych::alpha, pairwise, as servqual's default);
#   * alpha of the 9-point zone_of_tolerance example (P, and MSA = P - A), with the
#     Feldt interval at 90% and 95% (psych::alpha.ci);
#   * difference-score reliability of MSA (P - A) and MSS (P - D) of the
#     three-column zone_of_tolerance example (Johns 1981 formula on R's cov()).
#
# Run from the repository root:  Rscript tests/reference/make_reliability_more.R
# Inputs:  tests/reference/reliability_retail_{P,E}.csv (retail_bank ratings) and the
#          bundled src/servqual/datasets/data/zone_of_tolerance.csv.
# Output:  tests/reference/reliability_more.json
suppressPackageStartupMessages({
  library(psych)
  library(jsonlite)
})
out_dir <- "tests/reference"
P <- read.csv(file.path(out_dir, "reliability_retail_P.csv"), row.names = 1)
E <- read.csv(file.path(out_dir, "reliability_retail_E.csv"), row.names = 1)
zot <- read.csv("src/servqual/datasets/data/zone_of_tolerance.csv")
codes <- colnames(P)
zP <- setNames(zot[, paste0("P", 1:22)], codes)
zA <- setNames(zot[, paste0("A", 1:22)], codes)
zD <- setNames(zot[, paste0("D", 1:22)], codes)
dims <- list(
  tangibles = paste0("TAN", 1:4), reliability = paste0("REL", 1:5),
  responsiveness = paste0("RES", 1:4), assurance = paste0("ASS", 1:4),
  empathy = paste0("EMP", 1:5)
)

one <- function(x) {
  a <- suppressWarnings(psych::alpha(x, check.keys = FALSE, warnings = FALSE))
  c95 <- psych::alpha.ci(a$total$raw_alpha, n.obs = nrow(x), n.var = ncol(x), p.val = 0.05)
  c90 <- psych::alpha.ci(a$total$raw_alpha, n.obs = nrow(x), n.var = ncol(x), p.val = 0.10)
  list(
    raw_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha,
    G6 = a$total[["G6(smc)"]], average_r = a$total$average_r, ase = a$total$ase,
    feldt_low = c95$lower.ci, feldt_high = c95$upper.ci,
    feldt90_low = c90$lower.ci, feldt90_high = c90$upper.ci,
    r_drop = a$item.stats$r.drop, alpha_drop = a$alpha.drop$raw_alpha,
    n_obs = nrow(x), n_items = ncol(x)
  )
}
scales <- function(x) {
  out <- lapply(dims, function(d) one(x[, d]))
  out$overall <- one(x)
  out
}

# Johns (1981): reliability of D = sum(P) - sum(R) from the component alphas
diffrel <- function(p, r) {
  S <- cov(cbind(p, r), use = "pairwise")
  k <- ncol(p)
  Sp <- S[1:k, 1:k]
  Sr <- S[k + 1:k, k + 1:k]
  vp <- sum(Sp); vr <- sum(Sr); cpr <- sum(S[1:k, k + 1:k])
  ap <- psych::alpha(p, check.keys = FALSE, warnings = FALSE)$total$raw_alpha
  ar <- psych::alpha(r, check.keys = FALSE, warnings = FALSE)$total$raw_alpha
  list(
    alpha_p = ap, alpha_ref = ar, var_p = vp, var_ref = vr, r_p_ref = cpr / sqrt(vp * vr),
    r_diff = (vp * ap + vr * ar - 2 * cpr) / (vp + vr - 2 * cpr),
    alpha_gap = psych::alpha(p - r, check.keys = FALSE, warnings = FALSE)$total$raw_alpha
  )
}
diffs <- function(p, r) {
  out <- lapply(dims, function(d) diffrel(p[, d], r[, d]))
  out$overall <- diffrel(p, r)
  out
}

ref <- list(
  retail_gap = scales(P - E),
  retail_expectation = scales(E),
  zot_perception = scales(zP),
  zot_msa = scales(zP - zA),
  zot_diff_msa = diffs(zP, zA),
  zot_diff_mss = diffs(zP, zD)
)
write(toJSON(ref, digits = NA, auto_unbox = TRUE, pretty = TRUE),
      file.path(out_dir, "reliability_more.json"))
