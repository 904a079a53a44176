# Reference values for the improper-solution checks of tests/test_cfa.py and
# tests/test_validity.py (servqual.cfa, servqual.discriminant_validity).
#
# Run from the repository root:  Rscript tests/reference/make_cfa_ecsi.R
# Input:   cfa_ecsi_data.csv: the ECSI bank customer-satisfaction data (Tenenhaus et
#          al., 2005), 250 respondents x 27 items on 0-10 scales, as distributed in
#          plspm::satisfaction (= cSEM::satisfaction) without its gender column; copied
#          from GoogleCloudPlatform/plspm-python, tests/data/satisfaction.csv (commit
#          7eddcc27ca12f1e3b39b8d3058ef20be102bf49f), an export of the R data set.
# Output:  cfa_ecsi.json
#
# The six-factor ECSI measurement model gives a latent covariance matrix with a
# negative eigenvalue; lavaan's lav_object_post_check warns
#   "covariance matrix of latent variables is not positive definite".
#
# R 4.x, lavaan 0.6-14, jsonlite.
suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})
out_dir <- "tests/reference"
out <- function(name) file.path(out_dir, name)

ecsi <- read.csv(out("cfa_ecsi_data.csv"))
ecsi$respondent <- NULL
ecsi.model <- "
IMAG =~ imag1 + imag2 + imag3 + imag4 + imag5
EXPE =~ expe1 + expe2 + expe3 + expe4 + expe5
QUAL =~ qual1 + qual2 + qual3 + qual4 + qual5
VAL  =~ val1 + val2 + val3 + val4
SAT  =~ sat1 + sat2 + sat3 + sat4
LOY  =~ loy1 + loy2 + loy3 + loy4
"
case <- function(std.lv) {
  warns <- character(0)
  fit <- withCallingHandlers(
    cfa(ecsi.model, data = ecsi, std.lv = std.lv),
    warning = function(w) {
      warns <<- c(warns, conditionMessage(w))
      invokeRestart("muffleWarning")
    })
  cov.lv <- lavInspect(fit, "cov.lv")
  theta <- lavInspect(fit, "theta")
  ev <- eigen(cov.lv, symmetric = TRUE)
  list(
    call = sprintf("lavaan::cfa(ecsi.model, data = ecsi, std.lv = %s)", std.lv),
    warnings = gsub("\\s+", " ", warns),
    cov_lv_eigenvalues = ev$values,
    cov_lv_smallest_vector = ev$vectors[, ncol(cov.lv)],
    theta_eigenvalues = eigen(theta, symmetric = TRUE)$values,
    cor_lv = unname(cov2cor(cov.lv)),
    factors = colnames(cov.lv),
    chisq = unname(fitMeasures(fit, "chisq")),
    df = unname(fitMeasures(fit, "df")),
    post_check_ok = lavaan:::lav_object_post_check(fit)
  )
}
ref <- suppressWarnings(list(std_lv = case(TRUE), marker = case(FALSE)))
write(toJSON(ref, auto_unbox = TRUE, digits = NA, pretty = TRUE), out("cfa_ecsi.json"))
