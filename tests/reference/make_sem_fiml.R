# Reference values for servqual.sem(..., missing="fiml") (tests/test_sem_fiml.py).
#
# Run from the repository root:  Rscript tests/reference/make_sem_fiml.R
# Needs lavaan (0.6-14 used) and jsonlite.
#
# Input: lavaan::HolzingerSwineford1939 (x1..x9) with about 10% of the values set missing
#   completely at random (each cell independently with probability 0.10, set.seed(2014));
#   written here to sem_fiml_hs_data.csv.
#
# Output: sem_fiml_reference.json, one entry per case with the model syntax and, from
#   lavaan::sem(model, data, missing = "ml") (casewise FIML, Arbuckle 1996; meanstructure,
#   observed-information standard errors, h1 by EM):
#   options    lavInspect(fit, "options")$information, $observed.information, $h1.information
#   partable   parTable(fit): lhs, op, rhs, label, free, user (lavaan's row order)
#   pe         parameterEstimates(fit): est, se, z, pvalue, ci.lower, ci.upper (with "~1")
#   std_all    standardizedSolution(fit)$est.std
#   std_lv     standardizedSolution(fit, type = "std.lv")$est.std
#   fit        fitMeasures(fit)
#   r2         lavInspect(fit, "r2")
#   h1         lavInspect(fit, "sampstat"): the EM (saturated) means and covariances
#   seconds    median elapsed time of 5 fits
# Case hs_cfa_complete fits the CFA to the complete data (sem_hs_data.csv).

suppressMessages({
  library(lavaan)
  library(jsonlite)
})

out_dir <- "tests/reference"

hs <- lavaan::HolzingerSwineford1939[, paste0("x", 1:9)]
set.seed(2014)
holes <- matrix(runif(nrow(hs) * ncol(hs)) < 0.10, nrow(hs))
hs[holes] <- NA
stopifnot(all(rowSums(!is.na(hs)) > 0))
write.csv(hs, file.path(out_dir, "sem_fiml_hs_data.csv"), row.names = FALSE, na = "")

cases <- list(
  hs_cfa = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9",
  hs_med = "
      visual  =~ x1 + x2 + x3
      textual =~ x4 + x5 + x6
      speed   =~ x7 + x8 + x9
      textual ~ a*visual
      speed   ~ b*textual + c*visual
      ind   := a*b
      total := c + a*b
    ",
  hs_obs = "
      visual  =~ x1 + x2 + x3
      textual =~ x4 + x5 + x6
      x7 ~ visual + textual
      x8 ~ x7
      x8 ~~ x9
    "
)

# the same CFA on the complete data (no holes): FIML's estimates are listwise ML's
cases$hs_cfa_complete <- cases$hs_cfa
complete <- lavaan::HolzingerSwineford1939[, paste0("x", 1:9)]

out <- list()
for (name in names(cases)) {
  model <- cases[[name]]
  data <- if (name == "hs_cfa_complete") complete else hs
  fit <- sem(model, data = data, missing = "ml")
  times <- sapply(1:5, function(i) system.time(sem(model, data = data, missing = "ml"))[["elapsed"]])
  opt <- lavInspect(fit, "options")
  pt <- parTable(fit)
  pe <- parameterEstimates(fit)
  if (is.null(pe$label)) pe$label <- ""
  ss <- lavInspect(fit, "sampstat")
  out[[name]] <- list(
    model = model,
    options = list(information = opt$information, observed.information = opt$observed.information,
                   h1.information = opt$h1.information),
    partable = pt[, c("lhs", "op", "rhs", "label", "free", "user")],
    pe = pe[, c("lhs", "op", "rhs", "label", "est", "se", "z", "pvalue", "ci.lower", "ci.upper")],
    std_all = standardizedSolution(fit)$est.std,
    std_lv = standardizedSolution(fit, type = "std.lv")$est.std,
    fit = as.list(fitMeasures(fit)),
    r2 = as.list(lavInspect(fit, "r2")),
    h1 = list(mean = as.numeric(ss$mean), cov = unclass(ss$cov)),
    seconds = median(times)
  )
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null", pretty = TRUE),
           file.path(out_dir, "sem_fiml_reference.json"))
