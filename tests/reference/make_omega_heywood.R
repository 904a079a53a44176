# Reference values for the Heywood general-factor case of tests/test_omega.py
# (servqual.omega).
#
# Run from the repository root:  Rscript tests/reference/make_omega_heywood.R
# Input:   the 20 energetic / tense arousal items of psychTools::msq used in the
#          psych::cluster.cor example (3896 rows, pairwise missing), exported to
#          omega_msq_data.csv.
# Output:  omega_msq_heywood.json
#
# The call of the issue is
#     psych::omega(psychTools::msq[items], nfactors = 4)
# Its Schmid-Leiman general factor is a one-factor minres fit of the 4 x 4 factor
# correlation matrix Phi (psych::schmid -> fa(Phi, fm = "minres")); the uniqueness of
# F1 sits on psych's lower bound 0.005 (a Heywood case).  psych's optim() evaluates the
# OFF-diagonal residual sum of squares (fit.residuals, fm = "minres") but is handed the
# gradient of the criterion WITH the diagonal (FAgr.minres), so L-BFGS-B stops short of
# the minimum of the function it evaluates.  This script stores
#   * psych::omega's own figures ("psych"), and
#   * the minimum of psych's own criterion under psych's own bounds
#     [0.005, max(smc, 1)], found by nlminb and checked by optim(L-BFGS-B) with a
#     consistent (finite-difference) gradient ("minres"), with omega_h, the
#     Schmid-Leiman g loadings and omega.group recomputed from it by the formulas of
#     psych::schmid / psych:::omegah (checked: they reproduce psych::omega exactly
#     when given psych's own g loadings).
#
# R 4.x, psych 2.2.9, psychTools 2.2.9, GPArotation, jsonlite.
suppressPackageStartupMessages({
  library(psych)
  library(GPArotation)
  library(jsonlite)
})
out_dir <- "tests/reference"
out <- function(name) file.path(out_dir, name)

items <- c("active", "energetic", "vigorous", "wakeful", "wide.awake", "full.of.pep",
           "lively", "sleepy", "tired", "drowsy", "intense", "jittery", "fearful",
           "tense", "clutched.up", "quiet", "still", "placid", "calm", "at.rest")
x <- psychTools::msq[items]
write.csv(x, out("omega_msq_data.csv"), row.names = FALSE, na = "")

o <- suppressWarnings(psych::omega(x, nfactors = 4, plot = FALSE))
phi <- o$schmid$phi
fload <- unclass(o$schmid$oblique)
R <- cor(x, use = "pairwise")

# psych's criterion and bounds for the one-factor fit of Phi
b <- body(psych:::fac)
env <- new.env()
for (i in seq_along(b)) {
  e <- b[[i]]
  if (is.call(e) && identical(e[[1]], as.name("<-")) &&
      identical(e[[2]], "fit.residuals")) eval(e, env)
}
fit.residuals <- env$fit.residuals  # psych 2.2.9's own minres criterion
upper <- max(smc(phi), 1)
start <- diag(phi) - smc(phi)
crit <- function(psi) fit.residuals(psi, phi, 1, fm = "minres")
nl <- nlminb(start, crit, lower = 0.005, upper = upper,
             control = list(rel.tol = 1e-15, x.tol = 1e-12, eval.max = 5000,
                            iter.max = 5000))
op <- optim(start, crit, method = "L-BFGS-B", lower = 0.005, upper = upper,
            control = list(factr = 0, pgtol = 0, maxit = 5000, ndeps = rep(1e-7, 4)))
stopifnot(max(abs(nl$par - op$par)) < 1e-5, nl$objective <= op$value + 1e-12)
psi <- nl$par
# psych's FAout.wls: loadings of the top eigenvector of Phi - diag(psi)
E <- eigen(phi - diag(psi), symmetric = TRUE)
gamma <- E$vectors[, 1] * sqrt(max(E$values[1], 0))
if (sum(gamma) < 0) gamma <- -gamma  # psych::fa's sign convention

# psych::schmid and psych:::omegah given the loadings of the factors on g
omega_from <- function(gload) {
  g <- drop(fload %*% gload)
  h2 <- rowSums(unclass(o$schmid$orthog)^2)
  u2 <- 1 - h2
  uniq2 <- 1 - (1 - fload^2) - (fload %*% diag(gload))^2
  uniq2[uniq2 < 0] <- 0
  sm <- sign(fload) * sqrt(uniq2)
  key <- sign(g)
  key[key == 0] <- 1
  m <- diag(key) %*% R %*% diag(key)
  g <- g * key
  sm <- sm * key
  Vt <- sum(m)
  sub <- apply(sm, 1, function(r) which.max(abs(r)))
  grs <- 0
  group <- general <- total <- rep(NA, 5)
  for (k in 1:4) {
    gi <- which(sub == k)
    Vgr <- sum(m[gi, gi])
    gr <- sum(sm[gi, k])
    grs <- grs + gr^2
    group[k + 1] <- gr^2 / Vgr
    general[k + 1] <- sum(g[gi])^2 / Vgr
    total[k + 1] <- (gr^2 + sum(g[gi])^2) / Vgr
  }
  total[1] <- (Vt - sum(u2)) / Vt
  general[1] <- sum(g)^2 / Vt
  group[1] <- grs / Vt
  list(omega_h = sum(g)^2 / Vt, omega_total = (Vt - sum(u2)) / Vt,
       omega_lim = sum(g)^2 / (Vt - sum(u2)), g = unname(g), key = unname(key),
       group_total = total, group_general = general, group_group = group)
}
check <- omega_from(unclass(o$schmid$gloading)[, 1])
stopifnot(abs(check$omega_h - o$omega_h) < 1e-12,
          max(abs(check$g - o$schmid$sl[, "g"])) < 1e-12,
          max(abs(check$group_group - o$omega.group$group)) < 1e-12)
fixed <- omega_from(gamma)
# off-diagonal residual sum of squares (psych's minres criterion) of loadings on g
offdiag <- function(l) {
  r <- phi - tcrossprod(l)
  sum(r[lower.tri(r)]^2)
}
stopifnot(abs(offdiag(gamma) - nl$objective) < 1e-14)

ref <- list(
  call = "psych::omega(psychTools::msq[items], nfactors = 4)",
  items = items,
  phi = unname(phi),
  psych = list(
    omega_h = o$omega_h, omega_total = o$omega.tot, omega_lim = o$omega.lim,
    gloading = unname(unclass(o$schmid$gloading)[, 1]),
    g = unname(o$schmid$sl[, "g"]),
    criterion = offdiag(unclass(o$schmid$gloading)[, 1]),
    group_total = o$omega.group$total, group_general = o$omega.group$general,
    group_group = o$omega.group$group),
  minres = c(list(psi = unname(psi), gloading = gamma, criterion = nl$objective),
             fixed[c("omega_h", "omega_total", "omega_lim", "g", "key", "group_total",
                     "group_general", "group_group")])
)
write(toJSON(ref, auto_unbox = TRUE, digits = NA), out("omega_msq_heywood.json"))
