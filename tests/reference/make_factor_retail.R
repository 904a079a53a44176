# Reference values for the retail_bank perception items (22 items, 5 factors; 4
# incomplete respondents, so correlations are pairwise as psych's default) used by
# tests/test_factor.py and tests/test_omega.py (review checks on a Survey).
#
# Run from the repository root:  Rscript tests/reference/make_factor_retail.R
# Input:   tests/reference/reliability_retail_P.csv (sq.load_example("retail_bank").ratings("P"))
# Output:  tests/reference/factor_retail.json
#   efa:      psych::fa(x, nfactors = 5, fm, rotate) for fm in minres/ml/pa and rotate in
#             none/varimax/oblimin/promax: $loadings, $Phi, $STATISTIC, $dof, $objective,
#             $RMSEA[1], $TLI, $BIC
#   parallel: psych::fa.parallel(x, fa = "both", SMC = TRUE)$pc.values / $fa.values and
#             SMC = FALSE $fa.values (observed eigenvalues; simulations are random)
#   omega:    psych::omega(x, nfactors = 5): $omega_h, $omega.tot, $omega.lim, $alpha,
#             $ECV, $omega.group, $schmid$sl
suppressPackageStartupMessages({
  library(psych)
  library(GPArotation)
  library(jsonlite)
})
set.seed(1)
out_dir <- "tests/reference"
x <- read.csv(file.path(out_dir, "reliability_retail_P.csv"), row.names = 1)

efa <- list()
for (fm in c("minres", "ml", "pa")) for (rot in c("none", "varimax", "oblimin", "promax")) {
  f <- psych::fa(x, nfactors = 5, fm = fm, rotate = rot, warnings = FALSE)
  efa[[paste(fm, rot, sep = "_")]] <- list(
    loadings = unname(split(unclass(f$loadings), row(unclass(f$loadings)))),
    phi = if (is.null(f$Phi)) NULL else unname(split(f$Phi, row(f$Phi))),
    chisq = f$STATISTIC, df = f$dof, objective = f$objective,
    rmsea = unname(f$RMSEA[1]), tli = f$TLI, bic = f$BIC
  )
}
p1 <- psych::fa.parallel(x, fa = "both", SMC = TRUE, plot = FALSE, n.iter = 5)
p2 <- psych::fa.parallel(x, fa = "both", SMC = FALSE, plot = FALSE, n.iter = 5)
o <- psych::omega(x, nfactors = 5, plot = FALSE)
ref <- list(
  efa = efa,
  parallel = list(pc = p1$pc.values, fa_smc = p1$fa.values, fa_minres = p2$fa.values,
                  n_factors = p1$nfact, n_components = p1$ncomp),
  omega = list(
    omega_h = o$omega_h, omega_total = o$omega.tot, omega_lim = o$omega.lim,
    alpha = o$alpha, ecv = o$ECV,
    group_total = o$omega.group$total, group_general = o$omega.group$general,
    group_group = o$omega.group$group,
    sl = unname(split(o$schmid$sl, row(o$schmid$sl))), sl_columns = colnames(o$schmid$sl)
  )
)
write(toJSON(ref, digits = NA, auto_unbox = TRUE, pretty = TRUE),
      file.path(out_dir, "factor_retail.json"))
