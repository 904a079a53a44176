# Reference values for tests/test_polychoric.py (servqual.polychoric and ordinal
# alpha / omega / EFA on polychoric correlations).
#
# Run from the repository root:  Rscript tests/reference/make_polychoric.R
# Inputs:  tests/reference/factor_bfi.csv (psych::bfi[, 1:25], 2800 rows with NA),
#          tests/reference/reliability_retail_P.csv (retail_bank perception ratings,
#          212 x 22, 7-point, 3 missing answers; the same as
#          sq.load_example("retail_bank").item_scores("perception")).
#          psych::bfi[, c("age", "A1", ..., "A5")] is exported to polyserial_bfi.csv.
# Output:  tests/reference/polychoric_reference.json
#
# R 4.x, psych 2.2.9, lavaan 0.6-14, polycor 0.8-1, numDeriv, jsonlite.
#
# Two kinds of psych figures are stored:
# * "psych": psych::polychoric(x) as it stands. psych maximises each pair's likelihood
#   with optimize(polyF, c(-1, 1)) at R's default tol = .Machine$double.eps^0.25
#   (~1.2e-4), so its rho is only accurate to ~1e-4 (tests use 1e-4).
# * "tight": psych's own objective psych:::polyF, tables (psych:::tableFast),
#   thresholds and zero-cell handling, copied from psych:::polyc line by line, with
#   optimize(tol = 1e-12) - the exact maximiser psych is aiming at (tests use 1e-6).
# lavaan::lavCor uses nlminb with analytic gradient and Hessian and converges tightly.
suppressPackageStartupMessages({
  library(psych)
  library(lavaan)
  library(polycor)
  library(jsonlite)
})
out_dir <- "tests/reference"
bfi <- read.csv(file.path(out_dir, "factor_bfi.csv"))
retail <- read.csv(file.path(out_dir, "reliability_retail_P.csv"), row.names = 1)

# psych:::polyc (psych 2.2.9) with a tight optimize tolerance
tight_polyc <- function(x, y, taux, tauy, global, correct, gmin, gmax) {
  tab <- psych:::tableFast(x, y, gmin, gmax, gmin, gmax)
  tot <- sum(tab)
  tab <- tab / tot
  if (global) {
    return(optimize(psych:::polyF, interval = c(-1, 1), rc = taux, cc = tauy, tab,
                    tol = 1e-12)$minimum)
  }
  zerorows <- apply(tab, 1, function(x) all(x == 0))
  zerocols <- apply(tab, 2, function(x) all(x == 0))
  tab <- tab[!zerorows, , drop = FALSE]
  tab <- tab[, !zerocols, drop = FALSE]
  if (correct > 0 && any(tab[] == 0)) tab[tab == 0] <- correct / tot
  csum <- colSums(tab)
  rsum <- rowSums(tab)
  cc <- qnorm(cumsum(csum)[-length(csum)])
  rc <- qnorm(cumsum(rsum)[-length(rsum)])
  optimize(psych:::polyF, interval = c(-1, 1), rc = rc, cc = cc, tab, tol = 1e-12)$minimum
}

# psych::polychoric (psych 2.2.9) with tight_polyc; no smoothing
tight_polychoric <- function(x, correct = 0.5) {
  x <- as.matrix(x)
  nvar <- ncol(x)
  nvalues <- max(x, na.rm = TRUE) - min(x, na.rm = TRUE) + 1
  x <- t(t(x) - min(x, na.rm = TRUE) + 1)
  xmax <- apply(x, 2, function(v) max(v, na.rm = TRUE))
  global <- min(xmax) == max(xmax)
  xfreq <- apply(x, 2, tabulate, nbins = nvalues)
  xfreq <- t(t(xfreq) / colSums(xfreq))
  tau <- qnorm(apply(xfreq, 2, cumsum)[1:(nvalues - 1), , drop = FALSE])
  mat <- diag(nvar)
  for (i in 2:nvar) for (j in 1:(i - 1)) {
    mat[i, j] <- mat[j, i] <- tight_polyc(x[, i], x[, j], tau[, i], tau[, j], global,
                                          correct, 1, max(xmax))
  }
  dimnames(mat) <- list(colnames(x), colnames(x))
  list(rho = mat, tau = t(tau), global = global)
}

mat_json <- function(m) lapply(seq_len(nrow(m)), function(i) unname(m[i, ]))
tau_json <- function(tau) {  # -Inf / Inf as strings (JSON has no infinities)
  lapply(seq_len(nrow(tau)), function(i) {
    v <- unname(tau[i, ])
    ifelse(is.finite(v), v, ifelse(v > 0, "Inf", "-Inf"))
  })
}
lavaan_cor <- function(x) {
  fit <- lavCor(x, ordered = names(x), output = "fit")
  ss <- lavInspect(fit, "sampstat")
  th <- ss$th
  list(rho = mat_json(unclass(ss$cov)), th = unname(th),
       th_item = sub("\\|t[0-9]+$", "", names(th)), n = lavInspect(fit, "nobs"))
}

ref <- list()
add_case <- function(name, x, lavaan = TRUE) {
  ps <- suppressWarnings(psych::polychoric(x))  # rho, tau as psych returns them
  ti <- tight_polychoric(x)
  case <- list(items = names(x), n_rows = nrow(x),
               psych_rho = mat_json(ps$rho), psych_tau = tau_json(ps$tau),
               tight_rho = mat_json(ti$rho), global = ti$global)
  if (lavaan) case$lavaan <- lavaan_cor(x)
  ref[[name]] <<- case
  invisible(ti)
}

# psych::polychoric(bfi[, c("A1", ..., "A5")])  - 2800 rows with NA: pairwise, global
bfi_a <- bfi[, paste0("A", 1:5)]
add_case("bfi_a_pairwise", bfi_a, lavaan = FALSE)
# complete rows: psych::polychoric and lavaan::lavCor(x, ordered = names(x))
add_case("bfi_a_complete", bfi_a[complete.cases(bfi_a), ])
# psych::polychoric(bfi[, 1:11]) on its 2615 complete rows (A1-A5, C1-C5, E1)
bfi11 <- bfi[, 1:11]
bfi11 <- bfi11[complete.cases(bfi11), ]
rho11 <- add_case("bfi11_complete", bfi11)$rho
# A1 collapsed to 5 categories (6 -> 5): unequal categories, psych switches to
# global = FALSE: thresholds from each pair's table (no empty cells inside these tables)
bfi_c <- bfi_a[complete.cases(bfi_a), ]
bfi_c$A1[bfi_c$A1 == 6] <- 5
add_case("bfi_a_collapsed", bfi_c, lavaan = FALSE)
# the same with the 2800 rows and their missing answers: per-pair tables and
# thresholds from the respondents who answered both items
bfi_cp <- bfi_a
bfi_cp$A1[!is.na(bfi_cp$A1) & bfi_cp$A1 == 6] <- 5
add_case("bfi_a_collapsed_pairwise", bfi_cp, lavaan = FALSE)
# retail_bank perception ratings (7-point, 212 rows; some items never answered 1):
# pairwise, and complete rows
rho_retail <- add_case("retail_pairwise", retail, lavaan = FALSE)$rho
add_case("retail_complete", retail[complete.cases(retail), ])
# TAN1 collapsed (7 -> 6) on the complete rows: sparse 7 x 7 tables with unequal
# categories, so psych uses thresholds per pair and sets empty cells to 0.5
# (psych stops with an error on pairs whose corrected cumulative margins exceed 1,
# e.g. with REL2; these six items are pairs where it runs)
rc_c <- retail[complete.cases(retail), ]
rc_c$TAN1[rc_c$TAN1 == 7] <- 6
add_case("retail_collapsed", rc_c[, c(paste0("TAN", 1:4), "RES1", "RES2")], lavaan = FALSE)

# polycor::polychor(x, y, std.err = TRUE) (two-step, ML = FALSE): rho and
# var = 1/hessian. polychor's BFGS (reltol 1e-8 on the objective) and its numerical
# Hessian leave rho ~5e-7 and se ~2e-7 off the exact values, so the same call is
# also made from the exact maximiser of polycor's own objective (optimize, tol 1e-12)
# as start: "tight_rho", "tight_se".
polycor_pair <- function(x, y) {
  p <- polychor(x, y, std.err = TRUE)
  tab <- table(x, y)
  f <- function(r) -sum(tab * log(polycor:::binBvn(r, p$row.cuts, p$col.cuts)))
  tight <- optimize(f, c(-1, 1), tol = 1e-12)$minimum
  pt <- polychor(x, y, std.err = TRUE, start = tight)
  # polychor's Hessian is optimHess with steps of 1e-3 (relative error ~1e-5); the
  # second derivative of the same objective by Richardson extrapolation
  # (numDeriv::hessian) gives the SE to ~1e-10: "exact_se"
  list(rho = p$rho, se = sqrt(p$var[1]), tight_rho = tight, tight_se = sqrt(pt$var[1]),
       exact_se = 1 / sqrt(numDeriv::hessian(f, tight)[1, 1]),
       row_cuts = unname(p$row.cuts), col_cuts = unname(p$col.cuts))
}
cc <- bfi_a[complete.cases(bfi_a), ]
rc <- retail[complete.cases(retail), ]
ref$polycor <- list(
  bfi_A1_A2 = polycor_pair(cc$A1, cc$A2),   # polychor(A1, A2, std.err = TRUE)
  bfi_A2_A3 = polycor_pair(cc$A2, cc$A3),
  retail_TAN1_REL1 = polycor_pair(rc$TAN1, rc$REL1)
)

# ordinal alpha: psych::alpha(psych::polychoric(x)$rho)$total, and on the tight rho
alpha_total <- function(r) {
  a <- suppressWarnings(psych::alpha(r))$total
  list(raw_alpha = a$raw_alpha, std_alpha = a$std.alpha, g6 = a[["G6(smc)"]],
       average_r = a$average_r)
}
a_items <- paste0("A", 2:5)
bfi_a2 <- bfi[, a_items]
tang <- paste0("TAN", 1:4)
ref$alpha <- list(
  bfi_a2_a5 = list(items = a_items,
                   psych = alpha_total(psych::polychoric(bfi_a2)$rho),
                   tight = alpha_total(tight_polychoric(bfi_a2)$rho)),
  retail_tangibles = list(items = tang,
                          psych = alpha_total(psych::polychoric(retail[, tang])$rho),
                          tight = alpha_total(rho_retail[tang, tang])),
  retail_all = list(items = names(retail),
                    psych = alpha_total(psych::polychoric(retail)$rho),
                    tight = alpha_total(rho_retail))
)

# EFA on polychoric correlations: psych::fa(rho, 2, n.obs = 2615) minres oblimin,
# on the tight matrix of bfi[, 1:11] (complete rows)
f <- psych::fa(rho11, nfactors = 2, n.obs = nrow(bfi11), fm = "minres", rotate = "oblimin")
ref$fa_bfi11 <- list(loadings = mat_json(unclass(f$loadings)),
                     uniquenesses = unname(f$uniquenesses), n_obs = nrow(bfi11))
# omega on polychoric correlations: psych::omega(rho, nfactors = 3, n.obs = 2615)
o <- psych::omega(rho11, nfactors = 3, n.obs = nrow(bfi11), plot = FALSE)
ref$omega_bfi11 <- list(omega_h = o$omega_h, omega_total = o$omega.tot, alpha = o$alpha)

# polyserial: polycor::polyserial(x, y, std.err = TRUE) (two-step ML; BFGS from the ad
# hoc start, numerical Hessian) as returned and from the exact maximiser of its own
# objective (copied from polycor, optimize tol 1e-12) as start, with the SE from
# numDeriv::hessian of that objective ("exact_se"); psych::polyserial(x, y)
# (the ad hoc estimator). x = age with the bfi A items (complete rows, 2709), and the
# mean of the 22 retail perception ratings with TAN1..TAN4 (complete rows, 209).
bfi_age <- psych::bfi[, c("age", paste0("A", 1:5))]
write.csv(bfi_age, file.path(out_dir, "polyserial_bfi.csv"), row.names = FALSE, na = "")
tight_polyserial <- function(x, y) {
  z <- scale(x)
  tab <- table(y)
  n <- sum(tab)
  s <- length(tab)
  cts <- c(-Inf, qnorm(cumsum(tab) / n)[-s], Inf)
  yc <- as.numeric(as.factor(y))
  f <- function(rho) {
    tau <- (matrix(cts, n, s + 1, byrow = TRUE) - matrix(rho * z, n, s + 1)) / sqrt(1 - rho^2)
    -sum(log(dnorm(z) * (pnorm(tau[cbind(1:n, yc + 1)]) - pnorm(tau[cbind(1:n, yc)]))))
  }
  rho <- optimize(f, c(-0.9999, 0.9999), tol = 1e-12)$minimum
  list(rho = rho, exact_se = 1 / sqrt(numDeriv::hessian(f, rho)[1, 1]))
}
polyserial_case <- function(x, ys) {
  out <- lapply(names(ys), function(nm) {
    p <- polycor::polyserial(x, ys[[nm]], std.err = TRUE)
    tight <- tight_polyserial(x, ys[[nm]])
    pt <- polycor::polyserial(x, ys[[nm]], std.err = TRUE, start = tight$rho)
    list(item = nm, rho = p$rho, se = sqrt(p$var[1]), tight_rho = tight$rho,
         tight_se = sqrt(pt$var[1]), exact_se = tight$exact_se)
  })
  list(items = names(ys), polycor = out,
       psych_ad_hoc = unname(psych::polyserial(x, ys)[, 1]))  # items x 1 matrix
}
ba <- bfi_age[complete.cases(bfi_age), ]
ref$polyserial_bfi_age <- polyserial_case(ba$age, ba[, paste0("A", 1:5)])
ref$polyserial_retail_mean <- polyserial_case(rowMeans(rc), rc[, paste0("TAN", 1:4)])

# psych::cor.smooth of a matrix that is not positive definite (eigenvalues 2.19, 0.90, -0.09)
bad <- matrix(c(1, 0.9, 0.1, 0.9, 1, 0.7, 0.1, 0.7, 1), 3)
ref$cor_smooth <- list(input = mat_json(bad),
                       smoothed = mat_json(suppressWarnings(psych::cor.smooth(bad))),
                       eigen = eigen(bad)$values)

write(toJSON(ref, auto_unbox = TRUE, digits = NA, pretty = FALSE),
      file.path(out_dir, "polychoric_reference.json"))
