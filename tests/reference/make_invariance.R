# Reference values for servqual.measurement_invariance and servqual.lrt
# (tests/test_invariance.py).
#
# Run from the repository root:  Rscript tests/reference/make_invariance.R
# Needs lavaan (0.6-14 used) and jsonlite.
#
# Data sets
#   hs    lavaan::HolzingerSwineford1939 (x1..x9 and school), written to
#         invariance_hs_data.csv; the 3-factor model, group = "school".
#   bank  the bundled retail_bank survey's perception ratings after listwise deletion
#         (208 respondents) with its segment "branch" (north/south/centre), written from
#         Python to invariance_bank_data.csv with
#           import servqual as sq
#           s = sq.load_example("retail_bank", nan_policy="listwise")
#           s.item_scores("perception").join(s.segments["branch"]).to_csv(
#               "tests/reference/invariance_bank_data.csv")
#         the instrument's 5-factor SERVQUAL model, group = "branch".
#   sim   simulated here (set.seed(20261201)), written to invariance_sim_data.csv: two
#         factors with four indicators each, three groups of 250, skewed residuals
#         (centred chi-square(3)), loadings, residual variances and all intercepts
#         invariant except the third indicator's of each factor (y3, z3), which are 0.9
#         higher in group "c"; so scalar invariance fails and releasing y3~1 and z3~1
#         restores it.
#
# For every data set and estimator ("ML", "MLR") the sequence of
# servqual.measurement_invariance is run with lavaan's cfa(group =, group.equal =):
#   configural  cfa(model, data, group = g)
#   metric      + group.equal = "loadings"
#   scalar      + group.equal = c("loadings", "intercepts")
#   strict      + group.equal = c("loadings", "intercepts", "residuals")
# Each step is compared with the step before it (the reference): lavTestLRT(ref, fit)
# (ML: the standard difference test; MLR: method "satorra.bentler.2001", lavaan's
# default), delta CFI / delta RMSEA (MLR: cfi.robust / rmsea.robust). A step holds when
# delta CFI > -0.01 and delta RMSEA < 0.015; the configural step holds when
# CFI >= 0.90 and RMSEA <= 0.10.
# At the first step that fails (not configural): lavTestScore(fit) ($test, $uni with the
# constraints mapped to lhs/op/rhs/group through parTable's plabel); the parameters of the
# step's kind (metric: "=~", scalar: observed "~1", strict: observed residual "~~") are
# ranked by their largest univariate X2; they are released one at a time (group.partial)
# in that order, skipping a release that would leave a factor with fewer than two
# constrained indicators (the marker counts as a constrained loading), at most
# max(1, floor(k / 3)) of the k constrained parameters, until the step holds against the
# same reference. The partial row then becomes the reference for later steps, which keep
# the released parameters free. If the partial refit does not hold, later steps are fitted
# with the full constraints and compared with the full (failed) step.
# Also: lavTestLRT(configural, metric, scalar, strict) with all four models (the
# multi-model table) for hs.
#
# Output: invariance_reference.json

suppressMessages({
  library(lavaan)
  library(jsonlite)
})

out_dir <- "tests/reference"

hs <- lavaan::HolzingerSwineford1939[, c(paste0("x", 1:9), "school")]
write.csv(hs, file.path(out_dir, "invariance_hs_data.csv"), row.names = FALSE)
hs_model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"

bank <- read.csv(file.path(out_dir, "invariance_bank_data.csv"))
bank$respondent <- NULL
bank_model <- "tangibles =~ TAN1 + TAN2 + TAN3 + TAN4
reliability =~ REL1 + REL2 + REL3 + REL4 + REL5
responsiveness =~ RES1 + RES2 + RES3 + RES4
assurance =~ ASS1 + ASS2 + ASS3 + ASS4
empathy =~ EMP1 + EMP2 + EMP3 + EMP4 + EMP5"

set.seed(20261201)
sim_group <- function(n, label, shift) {
  f <- MASS::mvrnorm(n, c(0, 0), matrix(c(1, 0.4, 0.4, 1), 2))
  lam <- c(1, 0.8, 0.9, 0.7)
  nu <- c(3, 3.2, 2.8 + shift, 3.1)
  e <- function() (rchisq(n, 3) - 3) / sqrt(6) * 0.6
  y <- cbind(
    nu[1] + lam[1] * f[, 1] + e(), nu[2] + lam[2] * f[, 1] + e(),
    nu[3] + lam[3] * f[, 1] + e(), nu[4] + lam[4] * f[, 1] + e(),
    nu[1] + lam[1] * f[, 2] + e(), nu[2] + lam[2] * f[, 2] + e(),
    nu[3] + lam[3] * f[, 2] + e(), nu[4] + lam[4] * f[, 2] + e()
  )
  out <- as.data.frame(round(y, 4))
  names(out) <- c(paste0("y", 1:4), paste0("z", 1:4))
  out$grp <- label
  out
}
sim <- rbind(sim_group(250, "a", 0), sim_group(250, "b", 0), sim_group(250, "c", 0.9))
sim <- sim[sample(nrow(sim)), ]
write.csv(sim, file.path(out_dir, "invariance_sim_data.csv"), row.names = FALSE)
sim_model <- "f1 =~ y1 + y2 + y3 + y4
f2 =~ z1 + z2 + z3 + z4"

EQUAL <- list(
  configural = character(0),
  metric = c("loadings"),
  scalar = c("loadings", "intercepts"),
  strict = c("loadings", "intercepts", "residuals")
)
KIND <- list(metric = "loadings", scalar = "intercepts", strict = "residuals")
FIT_NAMES <- c("npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "aic",
               "bic", "logl")
ROBUST_NAMES <- c("chisq.scaled", "df.scaled", "pvalue.scaled", "chisq.scaling.factor",
                  "cfi.scaled", "tli.scaled", "cfi.robust", "tli.robust", "rmsea.scaled",
                  "rmsea.robust")

fit_step <- function(model, data, group, estimator, equal, partial) {
  args <- list(model = model, data = data, group = group, estimator = estimator)
  if (length(equal)) args$group.equal <- equal
  # compact names ("x3~1", "visual=~x2", "x1~~x1") as lavaan syntax
  if (length(partial)) {
    args$group.partial <- gsub("~~", " ~~ ", gsub("=~", " =~ ", sub("~1$", " ~ 1", partial)))
  }
  do.call("cfa", args)
}

measures <- function(fit, estimator) {
  nm <- FIT_NAMES
  if (estimator == "MLR") nm <- c(nm, ROBUST_NAMES)
  fm <- fitMeasures(fit, nm)
  out <- as.list(unname(fm))
  names(out) <- gsub(".", "_", nm, fixed = TRUE)
  out
}

lrt_pair <- function(ref, fit) {
  t <- lavTestLRT(ref, fit)
  list(chisq_diff = t[2, "Chisq diff"], df_diff = t[2, "Df diff"],
       p_value = t[2, "Pr(>Chisq)"])
}

decide <- function(m, ref_m, estimator, configural = FALSE) {
  cfi_name <- if (estimator == "MLR") "cfi_robust" else "cfi"
  rmsea_name <- if (estimator == "MLR") "rmsea_robust" else "rmsea"
  if (configural) {
    return(m[[cfi_name]] >= 0.90 && m[[rmsea_name]] <= 0.10)
  }
  (m[[cfi_name]] - ref_m[[cfi_name]]) > -0.01 &&
    (m[[rmsea_name]] - ref_m[[rmsea_name]]) < 0.015
}

score_table <- function(fit) {
  st <- lavTestScore(fit, warn = FALSE)
  pt <- parTable(fit)
  lab <- function(p) {
    k <- match(p, pt$plabel)
    list(lhs = pt$lhs[k], op = pt$op[k], rhs = pt$rhs[k], group = pt$group[k])
  }
  uni <- lapply(seq_len(nrow(st$uni)), function(i) {
    a <- lab(st$uni$lhs[i])
    b <- lab(st$uni$rhs[i])
    list(lhs = a$lhs, op = a$op, rhs = a$rhs, group_lhs = a$group, group_rhs = b$group,
         X2 = st$uni$X2[i], df = st$uni$df[i], p_value = st$uni$p.value[i])
  })
  list(total = list(X2 = st$test$X2, df = st$test$df, p_value = st$test$p.value),
       uni = uni)
}

indicators <- function(model_fit) {
  pt <- parTable(model_fit)
  load <- pt[pt$op == "=~" & pt$group == 1, ]
  split(load$rhs, load$lhs)
}

run_sequence <- function(model, data, group, estimator) {
  rows <- list()
  fits <- list()
  partial <- character(0)
  ref <- NULL
  broken <- FALSE
  tried <- FALSE
  established <- "none"
  score <- NULL
  releases <- NULL
  for (step in names(EQUAL)) {
    fit <- fit_step(model, data, group, estimator, EQUAL[[step]], partial)
    m <- measures(fit, estimator)
    row <- list(step = step, group_equal = EQUAL[[step]], group_partial = partial,
                fit = m)
    if (step == "configural") {
      holds <- decide(m, NULL, estimator, configural = TRUE)
    } else {
      row$reference <- ref$step
      row$lrt <- lrt_pair(ref$fit_object, fit)
      holds <- decide(m, ref$fit, estimator)
    }
    row$holds <- holds
    rows[[length(rows) + 1]] <- row
    this <- list(step = step, fit = m, fit_object = fit)
    if (holds && !broken) {
      established <- step
      ref <- this
      next
    }
    if (!holds && !broken && step != "configural" && !tried) {
      tried <- TRUE
      score <- score_table(fit)
      kind <- KIND[[step]]
      pt <- parTable(fit)
      op <- switch(kind, loadings = "=~", intercepts = "~1", residuals = "~~")
      ov <- lavNames(fit, "ov")
      cand <- Filter(function(u) {
        u$op == op && (op == "=~" || (u$lhs %in% ov && (op == "~1" || u$lhs == u$rhs)))
      }, score$uni)
      names_c <- vapply(cand, function(u) paste0(u$lhs, u$op, u$rhs), "")
      x2 <- vapply(cand, function(u) u$X2, 0)
      best <- tapply(x2, factor(names_c, levels = unique(names_c)), max)
      ord <- order(-best, seq_along(best))
      ranked <- names(best)[ord]
      releases <- lapply(ranked, function(p) list(parameter = p, X2 = unname(best[p])))
      # constrained parameters of the kind (score tests cover exactly these)
      k <- length(ranked)
      cap <- max(1, floor(k / 3))
      ind <- indicators(fit)
      constrained <- ranked
      marker <- vapply(ind, function(v) v[1], "")
      freed <- character(0)
      p_holds <- FALSE
      pfit <- NULL
      for (p in ranked) {
        if (length(freed) >= cap) break
        parts <- if (op == "=~") strsplit(p, "=~", fixed = TRUE)[[1]] else NULL
        item <- if (op == "=~") parts[2] else sub("(~1|~~.*)$", "", p)
        ok <- TRUE
        for (f in names(ind)) {
          if (!(item %in% ind[[f]])) next
          if (op == "=~" && parts[1] != f) next
          left <- setdiff(constrained, c(freed, p))
          if (op == "=~") {
            n_inv <- sum(paste0(f, "=~", ind[[f]]) %in% left) + 1  # marker
          } else if (op == "~1") {
            n_inv <- sum(paste0(ind[[f]], "~1") %in% left)
          } else {
            n_inv <- sum(paste0(ind[[f]], "~~", ind[[f]]) %in% left)
          }
          if (n_inv < 2) ok <- FALSE
        }
        if (!ok) next
        freed <- c(freed, p)
        pfit <- fit_step(model, data, group, estimator, EQUAL[[step]], c(partial, freed))
        pm <- measures(pfit, estimator)
        if (decide(pm, ref$fit, estimator)) {
          p_holds <- TRUE
          break
        }
      }
      if (!is.null(pfit)) {
        prow <- list(step = paste0(step, " (partial)"), group_equal = EQUAL[[step]],
                     group_partial = c(partial, freed), fit = pm, reference = ref$step,
                     lrt = lrt_pair(ref$fit_object, pfit), holds = p_holds)
        rows[[length(rows) + 1]] <- prow
      }
      if (p_holds) {
        partial <- c(partial, freed)
        established <- paste0(step, " (partial)")
        ref <- list(step = prow$step, fit = pm, fit_object = pfit)
        next
      }
    }
    broken <- TRUE
    ref <- this
  }
  list(rows = rows, established = established, score = score, releases = releases)
}

cases <- list(
  hs = list(model = hs_model, data = hs, group = "school", csv = "invariance_hs_data.csv"),
  bank = list(model = bank_model, data = bank, group = "branch",
              csv = "invariance_bank_data.csv"),
  sim = list(model = sim_model, data = sim, group = "grp", csv = "invariance_sim_data.csv")
)

out <- list()
for (name in names(cases)) {
  cs <- cases[[name]]
  for (est in c("ML", "MLR")) {
    res <- run_sequence(cs$model, cs$data, cs$group, est)
    res$model <- cs$model
    res$group <- cs$group
    res$data <- cs$csv
    res$estimator <- est
    res$group_labels <- unique(as.character(cs$data[[cs$group]]))
    out[[paste(name, tolower(est), sep = "_")]] <- res
  }
}

# the multi-model lavTestLRT table (sorted by df, each row against the one above)
for (est in c("ML", "MLR")) {
  fits <- lapply(EQUAL, function(eq) fit_step(hs_model, hs, "school", est, eq, character(0)))
  t <- do.call(lavTestLRT, unname(fits))
  out[[paste0("lrt_table_hs_", tolower(est))]] <- list(
    df = t$Df, aic = t$AIC, bic = t$BIC, chisq = t$Chisq, chisq_diff = t[["Chisq diff"]],
    df_diff = t[["Df diff"]], p_value = t[["Pr(>Chisq)"]])
}

# single-group nested models (no groups): the HS 3-factor model, the same with equal
# loadings within each factor (labels), and the latter with uncorrelated factors.
hs1 <- hs[, paste0("x", 1:9)]
single <- list(
  free = hs_model,
  equal = "visual =~ x1 + a*x2 + a*x3
textual =~ x4 + b*x5 + b*x6
speed =~ x7 + c*x8 + c*x9",
  orthogonal = "visual =~ x1 + a*x2 + a*x3
textual =~ x4 + b*x5 + b*x6
speed =~ x7 + c*x8 + c*x9
visual ~~ 0*textual + 0*speed
textual ~~ 0*speed"
)
for (est in c("ML", "MLR")) {
  fits <- lapply(single, function(m) sem(m, hs1, estimator = est))
  t <- lavTestLRT(fits$free, fits$equal, fits$orthogonal, model.names = names(single))
  out[[paste0("lrt_single_hs_", tolower(est))]] <- list(
    models = single, names = rownames(t), df = t$Df, aic = t$AIC, bic = t$BIC,
    chisq = t$Chisq, chisq_diff = t[["Chisq diff"]], df_diff = t[["Df diff"]],
    p_value = t[["Pr(>Chisq)"]])
}

write(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE),
      file.path(out_dir, "invariance_reference.json"))
cat("wrote invariance_reference.json\n")
