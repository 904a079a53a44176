# Reference values for servqual.drivers (key-driver regression, relative importance,
# importance-performance).  Run from the repository root:
#   Rscript tests/reference/make_drivers.R
# Reads the bundled raw example CSV, builds dimension scores in R (row means of the
# dimension's items; missing when any item is missing, as servqual.respondent_scores), fits lm() with sandwich::vcovHC(type = "HC3") and computes Johnson's
# relative weights and the LMG / general dominance decomposition from explicit formulas
# (all-subsets lm() fits; relaimpo is not installed).  Writes tests/reference/drivers_*.json.
suppressPackageStartupMessages({
  library(sandwich)
  library(lmtest)
  library(jsonlite)
})

raw <- read.csv("src/servqual/datasets/data/retail_bank.csv")
dims <- list(
  tangibles = 1:4, reliability = 5:9, responsiveness = 10:13,
  assurance = 14:17, empathy = 18:22
)
P <- as.matrix(raw[, paste0("P", 1:22)])
E <- as.matrix(raw[, paste0("E", 1:22)])
G <- P - E
perc <- sapply(dims, function(ix) rowMeans(P[, ix, drop = FALSE]))
gap <- sapply(dims, function(ix) rowMeans(G[, ix, drop = FALSE]))
# deterministic survey weights used by the weighted test (the test rebuilds them)
w <- 0.5 + (raw$respondent %% 7) / 4

# Johnson (2000) relative weights from a correlation matrix
relweights <- function(R, rxy) {
  e <- eigen(R, symmetric = TRUE)
  lam <- e$vectors %*% diag(sqrt(e$values)) %*% t(e$vectors)
  beta <- solve(lam, rxy)
  raw <- as.vector((lam^2) %*% (beta^2))
  raw
}

# General dominance (LMG): average over subset sizes of the mean R^2 increment,
# every R^2 from a separate lm() fit (independent of the correlation-matrix route)
lmg <- function(y, X, wt = NULL) {
  p <- ncol(X)
  nm <- colnames(X)
  r2 <- function(cols) {
    if (length(cols) == 0) return(0)
    d <- data.frame(y = y, X[, cols, drop = FALSE])
    summary(lm(y ~ ., data = d, weights = wt))$r.squared
  }
  out <- numeric(p)
  for (j in seq_len(p)) {
    others <- setdiff(seq_len(p), j)
    by_size <- numeric(p)
    for (k in 0:(p - 1)) {
      subs <- if (k == 0) list(integer(0)) else combn(others, k, simplify = FALSE)
      inc <- sapply(subs, function(s) r2(c(s, j)) - r2(s))
      by_size[k + 1] <- mean(inc)
    }
    out[j] <- mean(by_size)
  }
  setNames(out, nm)
}

wcor <- function(M, wt) cov.wt(M, wt = wt, cor = TRUE)$cor

fit_case <- function(y, X, robust = TRUE, wt = NULL, dominance = TRUE, level = 0.95) {
  ok <- complete.cases(cbind(y, X))
  if (!is.null(wt)) wt <- wt[ok]
  y <- y[ok]
  X <- X[ok, , drop = FALSE]
  d <- data.frame(y = y, X)
  m <- lm(y ~ ., data = d, weights = wt)
  V <- if (robust) vcovHC(m, type = "HC3") else vcov(m)
  ct <- coeftest(m, vcov. = V)                    # t test with residual df
  ci <- coefci(m, vcov. = V, level = level)
  s <- summary(m)
  if (is.null(wt)) {
    sdx <- apply(X, 2, sd); sdy <- sd(y)
    R <- cor(X); rxy <- as.vector(cor(X, y))
  } else {
    mw <- cov.wt(cbind(X, y), wt = wt)
    sds <- sqrt(diag(mw$cov)); sdx <- sds[seq_len(ncol(X))]; sdy <- sds[ncol(X) + 1]
    C <- wcor(cbind(X, y), wt); R <- C[seq_len(ncol(X)), seq_len(ncol(X))]
    rxy <- C[seq_len(ncol(X)), ncol(X) + 1]
  }
  b <- coef(m)[-1]
  rw <- relweights(R, rxy)
  res <- list(
    predictors = colnames(X),
    n = nrow(X),
    intercept = unname(coef(m)[1]),
    intercept_se = unname(sqrt(V[1, 1])),
    coef = unname(b),
    se = unname(ct[-1, 2]),
    t = unname(ct[-1, 3]),
    p = unname(ct[-1, 4]),
    ci_low = unname(ci[-1, 1]),
    ci_high = unname(ci[-1, 2]),
    std_beta = unname(b * sdx / sdy),
    r = unname(rxy),
    r_squared = s$r.squared,
    adj_r_squared = s$adj.r.squared,
    f_statistic = unname(s$fstatistic[1]),
    f_pvalue = unname(pf(s$fstatistic[1], s$fstatistic[2], s$fstatistic[3], lower.tail = FALSE)),
    wald_f = unname(waldtest(m, vcov = V, test = "F")$F[2]),
    raw_weight = rw,
    rescaled_weight = 100 * rw / sum(rw)
  )
  if (dominance) res$dominance <- unname(lmg(y, X, wt))
  res
}

out <- list(
  perception_overall_hc3 = fit_case(raw$overall, perc, robust = TRUE),
  perception_overall_classic = fit_case(raw$overall, perc, robust = FALSE),
  gap_recommend_hc3 = fit_case(raw$recommend, gap, robust = TRUE),
  perception_overall_weighted = fit_case(raw$overall, perc, robust = TRUE, wt = w),
  items_overall_hc3 = fit_case(raw$overall, P, robust = TRUE, dominance = FALSE)
)
out$items_overall_hc3$predictors <- NULL

# importance-performance: stated points, derived correlations, performance means
imp <- as.matrix(raw[, paste0("imp_", names(dims))])
okc <- complete.cases(cbind(raw$overall, perc))
out$ipa <- list(
  stated = unname(colMeans(imp)),
  performance = unname(colMeans(perc, na.rm = TRUE)),
  gap_performance = unname(colMeans(gap, na.rm = TRUE)),
  derived_r = unname(as.vector(cor(perc[okc, ], raw$overall[okc]))),
  derived_n = sum(okc)
)

write_json(out, "tests/reference/drivers_reference.json", digits = NA, auto_unbox = TRUE,
           pretty = TRUE)
cat("wrote tests/reference/drivers_reference.json\n")
