# semTools' composite reliability, AVE and HTMT on the CFA reference data, for
# tests/test_validity.py (the numbers are stored there beside these R calls).
# Run from the repository root:  Rscript tests/reference/make_validity_semtools.R
# lavaan 0.6-14, semTools 0.5-6. Same models and data as make_cfa.R.
#
# semTools definitions (single group, continuous indicators, no residual covariances):
#   compRelSEM(fit)                 = (sum lambda)^2 phi / sum(S[items, items])        S: sample cov (divisor N)
#   compRelSEM(fit, obs.var = FALSE) = (sum lambda)^2 phi / sum(Sigma[items, items])    Sigma: model-implied
#                                   = (sum lambda)^2 phi / ((sum lambda)^2 phi + sum theta)
#   AVE(fit)                        = sum(lambda^2) phi / sum(diag(S)[items])
#   AVE(fit, obs.var = FALSE)       = sum(lambda^2) phi / sum(diag(Sigma)[items])
# with the unstandardized loadings lambda, factor variance phi and error variances theta.
suppressMessages({
  library(lavaan)
  library(semTools)
})
hs <- read.csv("tests/reference/cfa_hs_data.csv")
bank <- read.csv("tests/reference/cfa_bank_data.csv")
bank$respondent <- NULL
HS.model <- " visual  =~ x1 + x2 + x3
              textual =~ x4 + x5 + x6
              speed   =~ x7 + x8 + x9 "
bank.model <- "
  tangibles      =~ TAN1 + TAN2 + TAN3 + TAN4
  reliability    =~ REL1 + REL2 + REL3 + REL4 + REL5
  responsiveness =~ RES1 + RES2 + RES3 + RES4
  assurance      =~ ASS1 + ASS2 + ASS3 + ASS4
  empathy        =~ EMP1 + EMP2 + EMP3 + EMP4 + EMP5 "
show <- function(label, x) {
  cat(sprintf("%-44s %s\n", label, paste(sprintf("%.12g", unclass(x)), collapse = ", ")))
}
fits <- list(
  hs = cfa(HS.model, data = hs, std.lv = TRUE),
  hs_marker = cfa(HS.model, data = hs),  # std.lv = FALSE: phi estimated
  bank = cfa(bank.model, data = bank, std.lv = TRUE)
)
for (case in names(fits)) {
  fit <- fits[[case]]
  cat(case, ":", names(compRelSEM(fit)), "\n")
  show(paste(case, "compRelSEM(fit)"), compRelSEM(fit))
  show(paste(case, "compRelSEM(fit, obs.var = FALSE)"), compRelSEM(fit, obs.var = FALSE))
  show(paste(case, "AVE(fit)"), AVE(fit))
  show(paste(case, "AVE(fit, obs.var = FALSE)"), AVE(fit, obs.var = FALSE))
}
# htmt: semTools >= 0.5-6 defaults to htmt2 = TRUE (geometric means)
ht <- htmt(HS.model, data = hs)
show("hs htmt(HS.model, hs) [v-t, v-s, t-s]", ht[lower.tri(ht)])
ht <- htmt(HS.model, data = hs, htmt2 = FALSE)
show("hs htmt(HS.model, hs, htmt2 = FALSE)", ht[lower.tri(ht)])
ht <- htmt(bank.model, data = bank)
show("bank htmt(bank.model, bank) [lower tri]", ht[lower.tri(ht)])
ht <- htmt(bank.model, data = bank, htmt2 = FALSE)
show("bank htmt(bank.model, bank, htmt2 = FALSE)", ht[lower.tri(ht)])
cat("lavaan", as.character(packageVersion("lavaan")),
    "semTools", as.character(packageVersion("semTools")), "\n")
