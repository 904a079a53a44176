# Reference values for multi-group SEM (servqual.sem/cfa with group=, score_tests):
# tests/test_sem_groups.py.
#
# Run from the repository root:  Rscript tests/reference/make_sem_groups.R
# Needs lavaan (0.6-14 used) and jsonlite.
#
# Inputs
#   * lavaan::HolzingerSwineford1939 (x1..x9 and school), exported here to
#     sem_groups_hs_data.csv; groups in order of first appearance (Pasteur, Grant-White),
#     as lavaan orders them.
#   * sem_groups_bank_data.csv: the bundled retail_bank perception ratings with the
#     branch segment, exported from Python with
#       import servqual as sq
#       s = sq.load_example("retail_bank")
#       s.item_scores("perception").join(s.segments[["branch"]]).to_csv(
#           "tests/reference/sem_groups_bank_data.csv")
#     (3 rows with a missing rating are dropped listwise by lavaan and by servqual).
#
# Output: sem_groups_reference.json, one entry per case with the model syntax and options,
#   partable   parTable(fit): lhs, op, rhs, group, label, plabel, free, user
#   pe         parameterEstimates(fit): lhs, op, rhs, group, est, se
#   fit        fitMeasures(fit)
#   chisq_group  lavInspect(fit, "test")[[1]]$stat.group
#   srmr_group   lavResiduals(fit)[[g]]$summary["srmr", "total"] (covariances and means)
#   nobs       lavInspect(fit, "nobs");  group_label  lavInspect(fit, "group.label")
#   score      lavTestScore(fit) (cases with equality constraints): $test and $uni
#   time       seconds per fit (median of 5 system.time() runs)

suppressMessages({
  library(lavaan)
  library(jsonlite)
})

out_dir <- "tests/reference"

hs <- lavaan::HolzingerSwineford1939[, c(paste0("x", 1:9), "school")]
hs$school <- as.character(hs$school)
write.csv(hs, file.path(out_dir, "sem_groups_hs_data.csv"), row.names = FALSE)
bank <- read.csv(file.path(out_dir, "sem_groups_bank_data.csv"))
bank$respondent <- NULL

hs_model <- "
  visual  =~ x1 + x2 + x3
  textual =~ x4 + x5 + x6
  speed   =~ x7 + x8 + x9
"
hs_struct <- "
  visual  =~ x1 + x2 + x3
  textual =~ x4 + x5 + x6
  speed   =~ x7 + x8 + x9
  textual ~ visual
  speed ~ visual + textual
"
bank_model <- "
  tangibles      =~ TAN1 + TAN2 + TAN3 + TAN4
  reliability    =~ REL1 + REL2 + REL3 + REL4 + REL5
  responsiveness =~ RES1 + RES2 + RES3 + RES4
  assurance      =~ ASS1 + ASS2 + ASS3 + ASS4
  empathy        =~ EMP1 + EMP2 + EMP3 + EMP4 + EMP5
"

case <- function(data, model, group, group.equal = "", group.partial = "",
                 std.lv = FALSE, estimator = "ML", fun = "cfa", meanstructure = "default") {
  list(data = data, model = model, group = group, group.equal = group.equal,
       group.partial = group.partial, std.lv = std.lv, estimator = estimator, fun = fun,
       meanstructure = meanstructure)
}
hs_labels <- paste(hs_model, "  x1 ~ a*1\n  x2 ~ b*1\n  speed ~ 0*1\n")

cases <- list(
  hs_configural = case("hs", hs_model, "school"),
  hs_loadings = case("hs", hs_model, "school", "loadings"),
  hs_scalar = case("hs", hs_model, "school", c("loadings", "intercepts")),
  hs_strict = case("hs", hs_model, "school", c("loadings", "intercepts", "residuals")),
  hs_means = case("hs", hs_model, "school", c("loadings", "intercepts", "means")),
  hs_partial = case("hs", hs_model, "school", c("loadings", "intercepts"),
                    c("visual=~x2", "x3~1", "x7~1")),
  hs_stdlv = case("hs", hs_model, "school", "loadings", std.lv = TRUE),
  hs_lvvar = case("hs", hs_model, "school", c("loadings", "lv.variances", "lv.covariances")),
  hs_struct = case("hs", hs_struct, "school", c("loadings", "regressions"), fun = "sem"),
  hs_configural_mlr = case("hs", hs_model, "school", estimator = "MLR"),
  hs_scalar_mlr = case("hs", hs_model, "school", c("loadings", "intercepts"),
                       estimator = "MLR"),
  hs_label_intercepts = case("hs", hs_labels, "school"),
  hs_single_means = case("hs", hs_model, NULL, meanstructure = TRUE),
  hs_single_means_mlr = case("hs", hs_model, NULL, meanstructure = TRUE, estimator = "MLR"),
  hs_single_syntax = case("hs", paste(hs_model, "  x1 ~ 1\n  x3 ~ 1\n"), NULL),
  bank_configural = case("bank", bank_model, "branch"),
  bank_scalar = case("bank", bank_model, "branch", c("loadings", "intercepts")),
  bank_scalar_mlr = case("bank", bank_model, "branch", c("loadings", "intercepts"),
                         estimator = "MLR")
)

# reference values: nlminb run to rel.tol = 1e-13 where it gets there (lavaan's default
# 1e-10 leaves ~1e-5 in the estimates, and the per-group chi-squares and score tests move
# with them), else lavaan's defaults; timings with lavaan's defaults
fit_case <- function(cs, tight = TRUE) {
  data <- if (cs$data == "hs") hs else bank
  f <- if (cs$fun == "cfa") "cfa" else "sem"  # by name: lavaan reads its own call
  # meanstructure is passed only when set: an explicit meanstructure = "default" turns
  # lavaan's multi-group mean structure off
  run <- function(control) {
    args <- list(cs$model, data = data, group = cs$group, group.equal = cs$group.equal,
                 group.partial = cs$group.partial, std.lv = cs$std.lv,
                 estimator = cs$estimator, control = control)
    if (isTRUE(cs$meanstructure)) args$meanstructure <- TRUE
    do.call(f, args)
  }
  if (tight) {
    fit <- suppressWarnings(run(list(rel.tol = 1e-13)))
    if (lavInspect(fit, "converged")) return(fit)
  }
  run(list())
}

out <- list()
for (name in names(cases)) {
  cs <- cases[[name]]
  fit <- fit_case(cs)
  pt <- parTable(fit)
  pe <- parameterEstimates(fit)
  fm <- fitMeasures(fit)
  test <- lavInspect(fit, "test")
  res <- lavResiduals(fit)
  if (is.null(cs$group)) res <- list(res)
  srmr_group <- sapply(res, function(r) r$summary["srmr", "total"])
  times <- replicate(5, system.time(fit_case(cs, tight = FALSE))[["elapsed"]])
  entry <- list(
    data = cs$data, model = cs$model, group = if (is.null(cs$group)) NA else cs$group,
    meanstructure = isTRUE(cs$meanstructure),
    group_equal = as.list(cs$group.equal[nchar(cs$group.equal) > 0]),
    group_partial = as.list(cs$group.partial[nchar(cs$group.partial) > 0]),
    std_lv = cs$std.lv, estimator = tolower(cs$estimator), fun = cs$fun,
    partable = data.frame(lhs = pt$lhs, op = pt$op, rhs = pt$rhs, group = pt$group,
                          label = pt$label, plabel = pt$plabel, free = pt$free,
                          user = pt$user),
    pe = data.frame(lhs = pe$lhs, op = pe$op, rhs = pe$rhs,
                    group = if (is.null(pe$group)) rep(1L, nrow(pe)) else pe$group,
                    est = pe$est, se = pe$se),
    fit = as.list(unclass(fm)),
    chisq_group = as.numeric(test[[1]]$stat.group),
    srmr_group = as.numeric(srmr_group),
    nobs = as.numeric(lavInspect(fit, "nobs")),
    group_label = if (is.null(cs$group)) list("") else as.list(lavInspect(fit, "group.label")),
    time = median(times)
  )
  if (any(pt$op == "==")) {
    sc <- lavTestScore(fit)
    entry$score <- list(
      test = list(X2 = sc$test$X2, df = sc$test$df, p_value = sc$test$p.value),
      uni = data.frame(lhs = sc$uni$lhs, rhs = sc$uni$rhs, X2 = sc$uni$X2,
                       df = sc$uni$df, p_value = sc$uni$p.value)
    )
  }
  out[[name]] <- entry
  cat(name, "chisq", fm[["chisq"]], "df", fm[["df"]], "time", median(times), "\n")
}

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = FALSE),
           file.path(out_dir, "sem_groups_reference.json"))
