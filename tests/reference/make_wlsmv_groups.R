# Reference values for multi-group WLSMV (tests/test_wlsmv_groups.py).
#
# Run from the repository root:  Rscript tests/reference/make_wlsmv_groups.R
# Needs lavaan (0.6-14 used) and jsonlite.
#
# Inputs (written here)
#   * wlsmv_groups_hs_data.csv: lavaan::HolzingerSwineford1939 x1-x9 cut into 4 categories
#     at mean(x) + c(-1, 0, 1) * sd(x) (rounded to 2 decimals; as make_wlsmv.R) with school
#   * wlsmv_groups_bank_data.csv: the retail_bank perceptions (sem_groups_bank_data.csv,
#     complete rows) TAN1-TAN4 and REL1-REL5 recoded to 3 categories (1-4 -> 1, 5 -> 2,
#     6-7 -> 3) so that every category is observed in every branch, with branch
#   * the raw bank ratings (sem_groups_bank_data.csv) have categories empty in a branch:
#       cfa("tan =~ TAN1 + TAN2 + TAN3 + TAN4", d, ordered = TRUE, group = "branch")
#     stops with "lavaan ERROR: some categories of variable `TAN1' are empty in group 2;
#     frequencies are [2 9 22 12 8 0]" (the test checks servqual's DataError instead)
#
# Every case is fitted with lavaan's defaults for ordered data (WLSMV: DWLS, robust.sem,
# scaled.shifted, delta parameterization):
#   fit <- cfa(model, data, ordered = TRUE, group = group, group.equal = ge,
#              group.partial = gp, std.lv = std_lv)
# Output: wlsmv_groups_reference.json, one entry per case with
#   model, group_equal, group_partial, std_lv, n (lavInspect(fit, "nobs"), per group),
#   groups (lavInspect(fit, "group.label"))
#   pe      parameterEstimates(fit, standardized = TRUE): lhs, op, rhs, group, est, se,
#           std_lv, std_all (thresholds "|", scaling factors "~*~", means "~1" included)
#   free    parTable(fit)$free > 0 for the same rows (matched by lhs, op, rhs, group)
#   fit     fitMeasures(fit)
#   stat_group  lavInspect(fit, "test")$standard$stat.group
#   shift, shift_baseline   the shift parameters of the scaled-shifted tests (summed over
#               groups): lavInspect(fit, "test")$scaled.shifted$shift.parameter and
#               fit@baseline$test$scaled.shifted$shift.parameter

suppressMessages({
  library(lavaan)
  library(jsonlite)
})
out_dir <- "tests/reference"

hs0 <- lavaan::HolzingerSwineford1939
hs <- hs0[, paste0("x", 1:9)]
for (v in names(hs)) {
  x <- hs0[[v]]
  cuts <- round(mean(x) + c(-1, 0, 1) * sd(x), 2)
  hs[[v]] <- as.integer(cut(x, c(-Inf, cuts, Inf), right = TRUE))
}
hs$school <- as.character(hs0$school)
write.csv(hs, file.path(out_dir, "wlsmv_groups_hs_data.csv"), row.names = FALSE)

bank0 <- read.csv(file.path(out_dir, "sem_groups_bank_data.csv"))
items <- c(paste0("TAN", 1:4), paste0("REL", 1:5))
bank0 <- bank0[stats::complete.cases(bank0[, c(items, "branch")]), ]
bank <- bank0[, items]
for (v in items) bank[[v]] <- as.integer(cut(bank[[v]], c(-Inf, 4, 5, Inf)))
bank$branch <- bank0$branch
write.csv(bank, file.path(out_dir, "wlsmv_groups_bank_data.csv"), row.names = FALSE)

hs_model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
bank_model <- "tangibles =~ TAN1 + TAN2 + TAN3 + TAN4\nreliability =~ REL1 + REL2 + REL3 + REL4 + REL5"
cases <- list(
  hs_configural = list(data = hs, group = "school", model = hs_model, ge = character(0)),
  hs_thresholds = list(data = hs, group = "school", model = hs_model, ge = "thresholds"),
  hs_thr_load = list(data = hs, group = "school", model = hs_model,
                     ge = c("thresholds", "loadings")),
  hs_thr_load_stdlv = list(data = hs, group = "school", model = hs_model,
                           ge = c("thresholds", "loadings"), std_lv = TRUE),
  hs_thr_load_means = list(data = hs, group = "school", model = hs_model,
                           ge = c("thresholds", "loadings", "intercepts", "means")),
  hs_loadings = list(data = hs, group = "school", model = hs_model, ge = "loadings"),
  hs_partial = list(data = hs, group = "school", model = hs_model,
                    ge = c("thresholds", "loadings"), gp = c("x3|t1", "visual=~x2")),
  hs_defined = list(data = hs, group = "school",
                    model = paste0("visual =~ x1 + a*x2 + b*x3\ntextual =~ x4 + x5 + x6\n",
                                   "speed =~ x7 + x8 + x9\nab := a*b"),
                    ge = "thresholds"),
  bank_configural = list(data = bank, group = "branch", model = bank_model,
                         ge = character(0)),
  bank_thr_load = list(data = bank, group = "branch", model = bank_model,
                       ge = c("thresholds", "loadings")),
  bank_thr_load_lvvar = list(data = bank, group = "branch", model = bank_model,
                             ge = c("thresholds", "loadings", "lv.variances"))
)

out <- list()
for (name in names(cases)) {
  cs <- cases[[name]]
  std_lv <- isTRUE(cs$std_lv)
  gp <- if (is.null(cs$gp)) character(0) else cs$gp
  ge <- if (length(cs$ge)) cs$ge else ""
  fit <- cfa(cs$model, data = cs$data, ordered = TRUE, group = cs$group,
             group.equal = ge, group.partial = gp, std.lv = std_lv)
  pe <- parameterEstimates(fit, standardized = TRUE)
  pt <- parTable(fit)
  key_pe <- paste(pe$lhs, pe$op, pe$rhs, pe$group)
  key_pt <- paste(pt$lhs, pt$op, pt$rhs, pt$group)
  free <- pt$free[match(key_pe, key_pt)] > 0
  free[is.na(free)] <- FALSE
  fm <- fitMeasures(fit)
  out[[name]] <- list(
    model = cs$model,
    group = cs$group,
    group_equal = cs$ge,
    group_partial = gp,
    std_lv = std_lv,
    n = as.list(lavInspect(fit, "nobs")),
    groups = lavInspect(fit, "group.label"),
    pe = list(
      lhs = pe$lhs, op = pe$op, rhs = pe$rhs, group = pe$group, est = pe$est, se = pe$se,
      std_lv = pe$std.lv, std_all = pe$std.all, free = free
    ),
    fit = as.list(setNames(as.numeric(fm), names(fm))),
    stat_group = as.numeric(lavInspect(fit, "test")$standard$stat.group),
    shift = sum(lavInspect(fit, "test")$scaled.shifted$shift.parameter),
    shift_baseline = sum(fit@baseline$test$scaled.shifted$shift.parameter)
  )
}
write_json(out, file.path(out_dir, "wlsmv_groups_reference.json"), digits = NA,
           auto_unbox = TRUE, na = "null")
cat("wrote", file.path(out_dir, "wlsmv_groups_reference.json"), "\n")
