# More lavaan / semTools references for tests/test_cfa.py and tests/test_validity.py
# (review checks on Surveys other than the retail_bank perceptions):
#   zot_P:  5-factor SERVQUAL CFA of the zone_of_tolerance perception items (9-point)
#   zot_A:  the same model on its adequate-service items
#   bank_E: the retail_bank expectation items (one incomplete respondent: listwise)
# For each: fitMeasures, parameterEstimates (est, se), standardizedSolution (est.std,
# se) with lavaan::cfa(model, data, std.lv = TRUE), and semTools::htmt(model, data,
# htmt2 = FALSE / TRUE) (listwise complete rows, absolute correlations).
#
# Run from the repository root:  Rscript tests/reference/make_cfa_more.R
# Inputs:  src/servqual/datasets/data/zone_of_tolerance.csv,
#          tests/reference/reliability_retail_E.csv
# Output:  tests/reference/cfa_more.json
suppressPackageStartupMessages({
  library(lavaan)
  library(semTools)
  library(jsonlite)
})
out_dir <- "tests/reference"
model <- "
  tangibles      =~ TAN1 + TAN2 + TAN3 + TAN4
  reliability    =~ REL1 + REL2 + REL3 + REL4 + REL5
  responsiveness =~ RES1 + RES2 + RES3 + RES4
  assurance      =~ ASS1 + ASS2 + ASS3 + ASS4
  empathy        =~ EMP1 + EMP2 + EMP3 + EMP4 + EMP5
"
E <- read.csv(file.path(out_dir, "reliability_retail_E.csv"), row.names = 1)
codes <- colnames(E)
zot <- read.csv("src/servqual/datasets/data/zone_of_tolerance.csv")
data <- list(
  zot_P = setNames(zot[, paste0("P", 1:22)], codes),
  zot_A = setNames(zot[, paste0("A", 1:22)], codes),
  bank_E = E
)
fit_names <- c("chisq", "df", "pvalue", "baseline.chisq", "cfi", "tli", "rmsea",
               "rmsea.ci.lower", "rmsea.ci.upper", "rmsea.pvalue", "srmr", "aic", "bic",
               "logl", "npar", "ntotal")
out <- list()
for (case in names(data)) {
  x <- data[[case]]
  fit <- lavaan::cfa(model, data = x, std.lv = TRUE)
  pe <- parameterEstimates(fit)
  ss <- standardizedSolution(fit)
  h1 <- semTools::htmt(model, data = x, htmt2 = FALSE)
  h2 <- semTools::htmt(model, data = x, htmt2 = TRUE)
  out[[case]] <- list(
    fit = as.list(fitMeasures(fit, fit_names)),
    lhs = pe$lhs, op = pe$op, rhs = pe$rhs, est = pe$est, se = pe$se,
    std = ss$est.std, std_se = ss$se,
    htmt = unname(split(unclass(h1), row(h1))),
    htmt2 = unname(split(unclass(h2), row(h2))),
    factors = rownames(h1)
  )
}
write(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE),
      file.path(out_dir, "cfa_more.json"))
