# Reference values for the Satorra (2000) scaled-shifted difference test of nested WLSMV
# models and the ordinal invariance sequence (tests/test_invariance_ordinal.py).
#
# Run from the repository root:  Rscript tests/reference/make_invariance_ordinal.R
# Needs lavaan (0.6-14 used) and jsonlite. Data: wlsmv_groups_hs_data.csv and
# wlsmv_groups_bank_data.csv (written by make_wlsmv_groups.R).
#
# Each model is fitted with lavaan's defaults for ordered data (WLSMV, delta
# parameterization):
#   fit <- cfa(model, data, ordered = TRUE, group = group, group.equal = ge)  (configural: ge = "")
# and the nested models are compared by lavaan's default for scaled.shifted fits:
#   lavTestLRT(fit_configural, fit_scalar, fit_means)
#   (= method = "satorra.2000", A.method = "delta", scaled.shifted = TRUE)
# Output: invariance_ordinal_reference.json, one entry per data set with
#   steps      the step names, group_equal of each
#   fit        fitMeasures(fit) of each step (chisq, df, chisq.scaled, cfi.scaled, ...)
#   lrt        as.data.frame(lavTestLRT(...)): Df, Chisq, Chisq diff, Df diff, Pr(>Chisq)
#   pairs      lavTestLRT(fit_a, fit_b) for each consecutive pair, and
#              lavaan:::lav_test_diff_Satorra2000(fit_b_less, fit_a_more, A.method =
#              "delta", scaled.shifted = TRUE): T.delta, a, b, trace.UGamma,
#              trace.UGamma2
#   hs_single  one group (no group=): the free model against equal loadings by labels

suppressMessages({
  library(lavaan)
  library(jsonlite)
})
out_dir <- "tests/reference"
hs <- read.csv(file.path(out_dir, "wlsmv_groups_hs_data.csv"))
bank <- read.csv(file.path(out_dir, "wlsmv_groups_bank_data.csv"))
hs_model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
bank_model <- "tangibles =~ TAN1 + TAN2 + TAN3 + TAN4\nreliability =~ REL1 + REL2 + REL3 + REL4 + REL5"
steps <- list(
  configural = "",
  scalar = c("thresholds", "loadings"),
  means = c("thresholds", "loadings", "means")
)
sets <- list(
  hs = list(data = hs, group = "school", model = hs_model),
  bank = list(data = bank, group = "branch", model = bank_model)
)
out <- list()
for (nm in names(sets)) {
  s <- sets[[nm]]
  fits <- lapply(steps, function(ge) {
    cfa(s$model, s$data, ordered = TRUE, group = s$group, group.equal = ge)
  })
  lr <- lavTestLRT(fits$configural, fits$scalar, fits$means)
  pairs <- list()
  for (k in 2:length(steps)) {
    a <- names(steps)[k - 1]
    b <- names(steps)[k]
    lr2 <- lavTestLRT(fits[[a]], fits[[b]])
    sd <- lavaan:::lav_test_diff_Satorra2000(fits[[a]], fits[[b]], A.method = "delta",
                                             scaled.shifted = TRUE)
    pairs[[paste(a, b, sep = "_")]] <- list(
      lrt = as.list(as.data.frame(lr2)[2, ]),
      T_delta = sd$T.delta, a = sd$a, b = sd$b,
      trace_UGamma = sd$trace.UGamma, trace_UGamma2 = sd$trace.UGamma2
    )
  }
  out[[nm]] <- list(
    model = s$model, group = s$group,
    steps = names(steps), group_equal = lapply(steps, as.list),
    fit = lapply(fits, function(f) as.list(fitMeasures(f))),
    lrt = lapply(as.list(as.data.frame(lr)), function(x) as.numeric(x)),
    lrt_method = attr(lr, "method"),
    pairs = pairs
  )
}
# one group: equal loadings within each factor (labels) nested in the free model
#   lavTestLRT(cfa(hs_model, hs4, ordered = TRUE), cfa(hs_equal, hs4, ordered = TRUE))
hs4 <- hs[, paste0("x", 1:9)]
hs_equal <- "visual =~ x1 + a*x2 + a*x3\ntextual =~ x4 + b*x5 + b*x6\nspeed =~ x7 + c*x8 + c*x9"
f1 <- cfa(hs_model, hs4, ordered = TRUE)
f0 <- cfa(hs_equal, hs4, ordered = TRUE)
lr1 <- lavTestLRT(f1, f0)
sd1 <- lavaan:::lav_test_diff_Satorra2000(f1, f0, A.method = "delta", scaled.shifted = TRUE)
out[["hs_single"]] <- list(
  model = hs_model, model_equal = hs_equal,
  fit = list(free = as.list(fitMeasures(f1)), equal = as.list(fitMeasures(f0))),
  lrt = lapply(as.list(as.data.frame(lr1)), function(x) as.numeric(x)),
  a = sd1$a, b = sd1$b
)
write_json(out, file.path(out_dir, "invariance_ordinal_reference.json"), digits = NA,
           auto_unbox = TRUE, pretty = TRUE, na = "null")
