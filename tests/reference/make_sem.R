# Reference values for servqual.sem (tests/test_sem.py).
#
# Run from the repository root:  Rscript tests/reference/make_sem.R
# Needs lavaan (0.6-14 used) and jsonlite.
#
# Inputs
#   * lavaan::PoliticalDemocracy, exported here to sem_pd_data.csv
#   * lavaan::HolzingerSwineford1939 (x1..x9), exported here to sem_hs_data.csv
#   * sem_bank_data.csv: the bundled retail_bank perception ratings plus the observed
#     outcomes "overall" and "recommend", after listwise deletion (208 respondents),
#     exported from Python with
#       import servqual as sq
#       s = sq.load_example("retail_bank", nan_policy="listwise")
#       s.item_scores("perception").join(s.outcomes, how="inner").to_csv(
#           "tests/reference/sem_bank_data.csv")
#
# Output: sem_reference.json, one entry per case with the model syntax, the options, and
#   partable   parTable(fit): lhs, op, rhs, label, free, user (lavaan's row order)
#   pe         parameterEstimates(fit): est, se, z, pvalue, ci.lower, ci.upper
#   std_all    standardizedSolution(fit)$est.std           (type = "std.all")
#   std_lv     standardizedSolution(fit, type = "std.lv")$est.std
#   fit        fitMeasures(fit)
#   r2         lavInspect(fit, "r2")
#   mi         modindices(fit, sort. = TRUE): lhs, op, rhs, mi, epc, sepc.all
#
# and sem_mlr_reference.json: the same models (pd, hs_med, hs_cfa, bank, bank_loyal) with
# estimator = "MLR" (Huber-White SEs with the observed information, Yuan-Bentler "mplus"
# scaled test, lavaan 0.6's scaled and robust CFI/TLI/RMSEA): pe (without the intercept
# rows "~1" that MLR's mean structure adds), std_all, fit, mi.

suppressMessages({
  library(lavaan)
  library(jsonlite)
})

out_dir <- "tests/reference"

pd <- lavaan::PoliticalDemocracy
write.csv(pd, file.path(out_dir, "sem_pd_data.csv"), row.names = FALSE)
hs <- lavaan::HolzingerSwineford1939[, paste0("x", 1:9)]
write.csv(hs, file.path(out_dir, "sem_hs_data.csv"), row.names = FALSE)
bank <- read.csv(file.path(out_dir, "sem_bank_data.csv"))
bank$respondent <- NULL

cases <- list(
  pd = list(
    data = pd, std.lv = FALSE,
    model = "
      # measurement model
        ind60 =~ x1 + x2 + x3
        dem60 =~ y1 + a*y2 + b*y3 + c*y4
        dem65 =~ y5 + a*y6 + b*y7 + c*y8
      # regressions
        dem60 ~ ind60
        dem65 ~ ind60 + dem60
      # residual correlations
        y1 ~~ y5
        y2 ~~ y4 + y6
        y3 ~~ y7
        y4 ~~ y8
        y6 ~~ y8
    "),
  pd_free = list(
    data = pd, std.lv = TRUE,
    model = "ind60 =~ x1 + x2 + x3; dem60 =~ y1 + y2 + y3 + y4
             dem65 =~ y5 + y6 + y7 + y8
             dem60 ~ ind60; dem65 ~ ind60 + dem60
             y1 ~~ y5; y2 ~~ y4 + y6; y3 ~~ y7; y4 ~~ y8; y6 ~~ y8"),
  pd_fixedx = list(
    data = pd, std.lv = FALSE,
    model = "dem60 =~ y1 + y2 + y3 + y4
             dem60 ~ x1 + x2 + x3"),
  hs_med = list(
    data = hs, std.lv = FALSE,
    model = "
      visual  =~ x1 + x2 + x3
      textual =~ x4 + x5 + x6
      speed   =~ x7 + x8 + x9
      textual ~ a*visual
      speed   ~ b*textual + c*visual
      ind   := a*b
      total := c + a*b
    "),
  hs_med_stdlv = list(
    data = hs, std.lv = TRUE,
    model = "
      visual  =~ x1 + x2 + x3
      textual =~ x4 + x5 + x6
      speed   =~ x7 + x8 + x9
      textual ~ a*visual
      speed   ~ b*textual + c*visual
      ind   := a*b
      total := c + a*b
    "),
  hs_two = list(
    data = hs, std.lv = FALSE,
    model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9
             textual ~ visual
             speed ~ visual"),
  hs_mods = list(
    data = hs, std.lv = FALSE,
    model = "visual =~ NA*x1 + x2 + x3
             visual ~~ 1*visual
             textual =~ x4 + 0.8*x5 + x6
             speed =~ x7 + x8 + x9
             speed ~ visual + textual
             x7 ~~ x8"),
  hs_path = list(
    data = hs, std.lv = FALSE,
    model = "x4 ~ x1 + x2
             x5 ~ x4 + x1
             x6 ~ x4"),
  hs_second = list(
    data = hs, std.lv = FALSE,
    model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9
             g =~ visual + textual + speed"),
  hs_cfa = list(
    data = hs, std.lv = FALSE,
    model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"),
  bank = list(
    data = bank, std.lv = FALSE,
    model = "
      tangibles      =~ TAN1 + TAN2 + TAN3 + TAN4
      reliability    =~ REL1 + REL2 + REL3 + REL4 + REL5
      responsiveness =~ RES1 + RES2 + RES3 + RES4
      assurance      =~ ASS1 + ASS2 + ASS3 + ASS4
      empathy        =~ EMP1 + EMP2 + EMP3 + EMP4 + EMP5
      overall ~ tangibles + reliability + responsiveness + assurance + empathy
    "),
  bank_loyal = list(
    data = bank, std.lv = FALSE,
    model = "
      tangibles      =~ TAN1 + TAN2 + TAN3 + TAN4
      reliability    =~ REL1 + REL2 + REL3 + REL4 + REL5
      responsiveness =~ RES1 + RES2 + RES3 + RES4
      assurance      =~ ASS1 + ASS2 + ASS3 + ASS4
      empathy        =~ EMP1 + EMP2 + EMP3 + EMP4 + EMP5
      loyalty        =~ overall + recommend
      loyalty ~ tangibles + reliability + responsiveness + assurance + empathy
    "),
  bank_single = list(
    data = bank, std.lv = FALSE,
    model = "
      tangibles      =~ TAN1 + TAN2 + TAN3 + TAN4
      reliability    =~ REL1 + REL2 + REL3 + REL4 + REL5
      responsiveness =~ RES1 + RES2 + RES3 + RES4
      assurance      =~ ASS1 + ASS2 + ASS3 + ASS4
      empathy        =~ EMP1 + EMP2 + EMP3 + EMP4 + EMP5
      satisfaction   =~ overall
      satisfaction ~ tangibles + reliability + responsiveness + assurance + empathy
    ")
)

res <- list()
for (name in names(cases)) {
  cs <- cases[[name]]
  fit <- sem(cs$model, data = cs$data, std.lv = cs$std.lv)
  pt <- parTable(fit)
  pe <- parameterEstimates(fit)
  if (is.null(pe$label)) pe$label <- ""
  sa <- standardizedSolution(fit)
  sl <- standardizedSolution(fit, type = "std.lv")
  fm <- fitMeasures(fit)
  r2 <- lavInspect(fit, "r2")
  mi <- modindices(fit, sort. = TRUE)
  res[[name]] <- list(
    model = cs$model, std_lv = cs$std.lv, n = lavInspect(fit, "nobs"),
    partable = pt[, c("lhs", "op", "rhs", "label", "free", "user")],
    pe = pe[, c("lhs", "op", "rhs", "label", "est", "se", "z", "pvalue", "ci.lower",
                "ci.upper")],
    std_all = sa$est.std, std_lv_values = sl$est.std,
    fit = as.list(unclass(fm)),
    r2 = as.list(r2),
    mi = mi[, c("lhs", "op", "rhs", "mi", "epc", "sepc.all")]
  )
}
writeLines(toJSON(res, digits = NA, auto_unbox = TRUE, na = "null"),
           file.path(out_dir, "sem_reference.json"))

mlr <- list()
for (name in c("pd", "hs_med", "hs_cfa", "bank", "bank_loyal")) {
  cs <- cases[[name]]
  fit <- sem(cs$model, data = cs$data, std.lv = cs$std.lv, estimator = "MLR")
  pe <- parameterEstimates(fit)
  if (is.null(pe$label)) pe$label <- ""
  keep <- pe$op != "~1"
  sa <- standardizedSolution(fit)
  mi <- modindices(fit, sort. = TRUE)
  mlr[[name]] <- list(
    model = cs$model, std_lv = cs$std.lv,
    pe = pe[keep, c("lhs", "op", "rhs", "label", "est", "se", "z", "pvalue", "ci.lower",
                    "ci.upper")],
    std_all = sa$est.std[sa$op != "~1"],
    fit = as.list(unclass(fitMeasures(fit))),
    mi = mi[mi$op != "~1", c("lhs", "op", "rhs", "mi", "epc", "sepc.all")]
  )
}
writeLines(toJSON(mlr, digits = NA, auto_unbox = TRUE, na = "null"),
           file.path(out_dir, "sem_mlr_reference.json"))
