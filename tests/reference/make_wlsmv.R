# Reference values for servqual's WLSMV estimator (tests/test_wlsmv.py).
#
# Run from the repository root:  Rscript tests/reference/make_wlsmv.R
# Needs lavaan (0.6-14 used), psych (for bfi) and jsonlite.
#
# Inputs (written here, except the bank data)
#   * wlsmv_bfi_data.csv: psych::bfi A1-A5, C1-C5 with the reverse-keyed items A1, C4, C5
#     recoded 7 - x, complete rows only (2,632 of 2,800)
#   * wlsmv_hs_data.csv: lavaan::HolzingerSwineford1939 x1-x9, each cut into 4 categories
#     at the fixed cut points mean(x) + c(-1, 0, 1) * sd(x) (rounded to 2 decimals)
#   * wlsmv_bin_data.csv: 5 simulated binary items (300 rows, seed 15) with one empty cell
#     in the y1 x y5 table (see below)
#   * wlsmv_mixed_data.csv: HS x1-x3 as measured (continuous) and x4-x9 cut as above;
#     fitted with ordered = x4-x9 (mixed continuous and ordinal indicators)
#   * wlsmv_bank_data.csv: the bundled retail_bank perception ratings (22 items on a
#     7-point scale), complete rows (209 of 212), exported from Python with
#       import servqual as sq
#       s = sq.load_example("retail_bank")
#       s.item_scores("perception").dropna().astype(int).to_csv(
#           "tests/reference/wlsmv_bank_data.csv")
#     Several items never use category 1 (and REL5 etc. have their lowest category
#     observed by 1-2 respondents): lavaan takes the observed categories of each item as
#     its levels, so those items have fewer thresholds.
#
# Every case is fitted with (the mixed cases: ordered = c("x4", ..., "x9"))
#   fit <- cfa(model, data = data, ordered = TRUE)   # lavaan's defaults for ordered data:
#   # estimator "WLSMV" = DWLS estimates, se = "robust.sem", test = "scaled.shifted",
#   # parameterization = "delta"
# Output: wlsmv_reference.json, one entry per case with
#   model, n          the syntax and lavInspect(fit, "nobs")
#   pe                parameterEstimates(fit, standardized = TRUE): lhs, op, rhs, est, se,
#                     std.lv, std.all (all rows, thresholds "|" and scaling "~*~" included)
#   fit               fitMeasures(fit)                 (every measure lavaan returns)
#   th                lavInspect(fit, "sampstat")$th   (sample thresholds, with names)
#   wls_obs           lavInspect(fit, "wls.obs")       (all sample statistics, named)
#   cor               lavInspect(fit, "sampstat")$cov  (polychoric correlations)
#   gamma             lavInspect(fit, "gamma")         (NACOV, full matrix, row-major;
#                     bfi and hs only, the other cases store its diagonal gamma_diag)
#   shift, shift_baseline   the shift parameters of the scaled-shifted tests:
#                     lavInspect(fit, "test")$scaled.shifted$shift.parameter and the same
#                     of the baseline model, fit@baseline$test$scaled.shifted
#   wls_v             diag(lavInspect(fit, "wls.v"))
#   r2                lavInspect(fit, "r2")
#   implied_cov       lavInspect(fit, "cov.ov")
#   resid_cor         lavResiduals(fit, type = "cor")$cov (residual correlations)

suppressMessages({
  library(lavaan)
  library(jsonlite)
})

out_dir <- "tests/reference"

data(bfi, package = "psych", envir = environment())
b <- bfi[, c(paste0("A", 1:5), paste0("C", 1:5))]
b <- b[stats::complete.cases(b), ]
for (v in c("A1", "C4", "C5")) b[[v]] <- 7L - b[[v]]
rownames(b) <- NULL
write.csv(b, file.path(out_dir, "wlsmv_bfi_data.csv"), row.names = FALSE)

hs0 <- lavaan::HolzingerSwineford1939[, paste0("x", 1:9)]
hs <- hs0
for (v in names(hs0)) {
  x <- hs0[[v]]
  cuts <- round(mean(x) + c(-1, 0, 1) * sd(x), 2)
  hs[[v]] <- as.integer(cut(x, c(-Inf, cuts, Inf), right = TRUE))
}
write.csv(hs, file.path(out_dir, "wlsmv_hs_data.csv"), row.names = FALSE)

# binary items with one empty cell in a 2 x 2 table (y1 = 0, y5 = 1): lavaan adds 0.5 to
# the empty cell and its diagonal partner and takes 0.5 from the other two (keeping the
# margins) before estimating that polychoric (tetrachoric) correlation
set.seed(15)
nb <- 300
eta <- rnorm(nb)
bin <- data.frame(sapply(1:5, function(k) {
  as.integer(0.7 * eta + sqrt(0.51) * rnorm(nb) > c(-0.5, 0, 0.3, 0.6, 0.2)[k])
}))
names(bin) <- paste0("y", 1:5)
bin$y5[bin$y1 == 0] <- 0L
write.csv(bin, file.path(out_dir, "wlsmv_bin_data.csv"), row.names = FALSE)

# mixed: HS x1-x3 continuous (as measured), x4-x9 the 4-category versions above
mixed <- cbind(hs0[, 1:3], hs[, 4:9])
write.csv(mixed, file.path(out_dir, "wlsmv_mixed_data.csv"), row.names = FALSE)

bank <- read.csv(file.path(out_dir, "wlsmv_bank_data.csv"))
bank$respondent <- NULL

cases <- list(
  bfi = list(
    data = b,
    model = "agree =~ A1 + A2 + A3 + A4 + A5\nconsc =~ C1 + C2 + C3 + C4 + C5",
    std.lv = FALSE
  ),
  hs = list(
    data = hs,
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9",
    std.lv = FALSE
  ),
  hs_stdlv = list(
    data = hs,
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\nx1 ~~ x4",
    std.lv = TRUE
  ),
  bank = list(
    data = bank,
    model = paste(
      "tangibles =~ TAN1 + TAN2 + TAN3 + TAN4",
      "reliability =~ REL1 + REL2 + REL3 + REL4 + REL5",
      "responsiveness =~ RES1 + RES2 + RES3 + RES4",
      "assurance =~ ASS1 + ASS2 + ASS3 + ASS4",
      "empathy =~ EMP1 + EMP2 + EMP3 + EMP4 + EMP5",
      sep = "\n"
    ),
    std.lv = FALSE
  ),
  bin = list(
    data = bin,
    model = "f =~ y1 + y2 + y3 + y4 + y5",
    std.lv = TRUE
  ),
  hs_outcome = list(
    data = hs,
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nx7 ~ visual + textual\nx8 ~ textual",
    std.lv = FALSE
  ),
  mixed = list(
    data = mixed,
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9",
    std.lv = FALSE,
    ordered = paste0("x", 4:9)
  ),
  mixed_sem = list(
    data = mixed,
    model = "visual =~ x1 + x2 + x3 + x4\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\nspeed ~ visual",
    std.lv = TRUE,
    ordered = paste0("x", 4:9)
  ),
  hs_sem = list(
    data = hs,
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\nspeed ~ visual + textual",
    std.lv = FALSE
  )
)

out <- list()
for (name in names(cases)) {
  cs <- cases[[name]]
  ord <- if (is.null(cs$ordered)) TRUE else cs$ordered
  fit <- cfa(cs$model, data = cs$data, ordered = ord, std.lv = cs$std.lv)
  pe <- parameterEstimates(fit, standardized = TRUE)
  ss <- lavInspect(fit, "sampstat")
  gam <- lavInspect(fit, "gamma")
  fm <- fitMeasures(fit)
  out[[name]] <- list(
    model = cs$model,
    std_lv = cs$std.lv,
    ordered = if (is.null(cs$ordered)) NULL else cs$ordered,
    n = lavInspect(fit, "nobs"),
    pe = list(
      lhs = pe$lhs, op = pe$op, rhs = pe$rhs, est = pe$est, se = pe$se,
      std_lv = pe$std.lv, std_all = pe$std.all
    ),
    fit = as.list(setNames(as.numeric(fm), names(fm))),
    th = as.list(setNames(as.numeric(ss$th), names(ss$th))),
    wls_obs = as.list(lavInspect(fit, "wls.obs")),
    cor = unname(as.matrix(ss$cov)),
    ov = colnames(ss$cov),
    gamma = if (name %in% c("bfi", "hs")) unname(as.matrix(gam)) else NULL,
    gamma_diag = as.numeric(diag(gam)),
    shift = lavInspect(fit, "test")$scaled.shifted$shift.parameter,
    shift_baseline = fit@baseline$test$scaled.shifted$shift.parameter,
    gamma_names = colnames(gam),
    wls_v = as.numeric(diag(lavInspect(fit, "wls.v"))),
    r2 = as.list(lavInspect(fit, "r2")),
    implied_cov = unname(as.matrix(lavInspect(fit, "cov.ov"))),
    resid_cor = unname(as.matrix(lavResiduals(fit, type = "cor")$cov))
  )
}
write_json(out, file.path(out_dir, "wlsmv_reference.json"), digits = NA, auto_unbox = TRUE,
           matrix = "rowmajor", na = "null")
cat("wrote", file.path(out_dir, "wlsmv_reference.json"), "\n")
