# Reference values for tests/test_factor.py and tests/test_omega.py
# (servqual.factor, servqual.omega).
#
# Run from the repository root:  Rscript tests/reference/make_factor.R
# Inputs:  psych::bfi[1:25] (25 items, 2800 rows with missing values), exported to
#          factor_bfi.csv; lavaan::HolzingerSwineford1939[, 7:15] (301 x 9, complete),
#          exported to factor_hs.csv; datasets::Harman74.cor (24 x 24 correlation
#          matrix, n.obs = 145), exported to factor_harman.csv.
# Outputs: factor_<case>_loadings.csv, factor_<case>_phi.csv, factor_<case>.json,
#          factor_kmo_*.csv, factor_tests.json, factor_parallel_*.csv,
#          factor_omega_<case>_sl.csv, factor_omega_<case>_group.csv,
#          factor_omega.json
#
# R 4.x, psych 2.2.9, GPArotation, lavaan, jsonlite.
suppressPackageStartupMessages({
  library(psych)
  library(GPArotation)
  library(jsonlite)
})
out_dir <- "tests/reference"
out <- function(name) file.path(out_dir, name)

bfi25 <- psych::bfi[, 1:25]
hs9 <- lavaan::HolzingerSwineford1939[, 7:15]
harman <- datasets::Harman74.cor$cov
write.csv(bfi25, out("factor_bfi.csv"), row.names = FALSE, na = "")
write.csv(hs9, out("factor_hs.csv"), row.names = FALSE)
write.csv(harman, out("factor_harman.csv"), row.names = TRUE)

data_sets <- list(bfi = bfi25, hs = hs9, harman = harman)
n_obs <- list(bfi = NA, hs = NA, harman = 145)

tests <- list()
# ------------------------------------------------------------------ KMO, Bartlett
for (nm in names(data_sets)) {
  k <- psych::KMO(data_sets[[nm]])
  write.csv(data.frame(item = names(k$MSAi), msa = unname(k$MSAi)),
            out(sprintf("factor_kmo_%s.csv", nm)), row.names = FALSE)
  tests[[paste0("kmo_", nm)]] <- k$MSA
}
# psych::cortest.bartlett on raw data uses n = nrow(data) and pairwise correlations
b <- psych::cortest.bartlett(bfi25)
tests$bartlett_bfi <- list(chisq = b$chisq, df = b$df, p_value = b$p.value)
b <- psych::cortest.bartlett(hs9)
tests$bartlett_hs <- list(chisq = b$chisq, df = b$df, p_value = b$p.value)
b <- psych::cortest.bartlett(harman, n = 145)
tests$bartlett_harman <- list(chisq = b$chisq, df = b$df, p_value = b$p.value)
# listwise correlations for bfi
bl <- psych::cortest.bartlett(cor(bfi25, use = "complete.obs"), n = nrow(na.omit(bfi25)))
tests$bartlett_bfi_listwise <- list(chisq = bl$chisq, df = bl$df, p_value = bl$p.value,
                                    n = nrow(na.omit(bfi25)))
write(toJSON(tests, auto_unbox = TRUE, digits = NA), out("factor_tests.json"))

# ------------------------------------------------------------------ parallel analysis
# Observed eigenvalues are deterministic: PCA values and SMC-reduced values
# (SMC = TRUE), and the 1-factor minres reduced values (SMC = FALSE, psych's default).
set.seed(1)
for (nm in c("bfi", "hs")) {
  p_smc <- psych::fa.parallel(data_sets[[nm]], fa = "both", SMC = TRUE, n.iter = 50,
                              plot = FALSE, sim = TRUE)
  p_fa <- psych::fa.parallel(data_sets[[nm]], fa = "both", SMC = FALSE, n.iter = 2,
                             plot = FALSE)
  write.csv(data.frame(pc_values = p_smc$pc.values, fa_values_smc = p_smc$fa.values,
                       fa_values_minres = p_fa$fa.values, pc_sim = p_smc$pc.sim,
                       fa_sim_smc = p_smc$fa.sim),
            out(sprintf("factor_parallel_%s.csv", nm)), row.names = FALSE)
}

# ------------------------------------------------------------------ EFA
fit_stats <- list()
fa_case <- function(case, x, nf, fm, rotate, n.obs = NA) {
  f <- psych::fa(x, nfactors = nf, fm = fm, rotate = rotate, n.obs = n.obs,
                 warnings = FALSE)
  L <- unclass(f$loadings)
  write.csv(data.frame(item = rownames(L), L, h2 = f$communality, u2 = f$uniquenesses,
                       check.names = FALSE),
            out(sprintf("factor_%s_loadings.csv", case)), row.names = FALSE)
  if (!is.null(f$Phi)) {
    write.csv(f$Phi, out(sprintf("factor_%s_phi.csv", case)))
  }
  fit_stats[[case]] <<- list(
    n_factors = nf, method = fm, rotation = rotate,
    objective = unname(f$objective), chisq = unname(f$STATISTIC), df = f$dof,
    p_value = unname(f$PVAL), rmsea = unname(f$RMSEA[1]), rmsea_low = unname(f$RMSEA[2]),
    rmsea_high = unname(f$RMSEA[3]), tli = f$TLI, bic = f$BIC,
    null_chisq = f$null.chisq, null_df = f$null.dof, n_obs = f$n.obs,
    ss_loadings = unname(f$Vaccounted[1, ]), values = unname(f$values)
  )
}
fa_case("bfi_minres_oblimin", bfi25, 5, "minres", "oblimin")
fa_case("bfi_minres_varimax", bfi25, 5, "minres", "varimax")
fa_case("bfi_ml_oblimin", bfi25, 5, "ml", "oblimin")
fa_case("bfi_ml_varimax", bfi25, 5, "ml", "varimax")
fa_case("bfi_pa_promax", bfi25, 5, "pa", "promax")
fa_case("bfi_minres_none", bfi25, 5, "minres", "none")
for (fm in c("minres", "ml", "pa")) {
  for (rot in c("varimax", "oblimin", "promax", "none")) {
    fa_case(sprintf("hs_%s_%s", fm, rot), hs9, 3, fm, rot)
  }
}
fa_case("harman_ml_promax", harman, 4, "ml", "promax", n.obs = 145)
fa_case("harman_minres_oblimin", harman, 4, "minres", "oblimin", n.obs = 145)
fa_case("hs_ml_1", hs9, 1, "ml", "none")
write(toJSON(fit_stats, auto_unbox = TRUE, digits = NA), out("factor_fits.json"))

# ------------------------------------------------------------------ omega
om_stats <- list()
omega_case <- function(case, x, nf, n.obs = NA) {
  o <- psych::omega(x, nfactors = nf, n.obs = n.obs, plot = FALSE)
  sl <- o$schmid$sl
  write.csv(data.frame(item = rownames(sl), sl, check.names = FALSE),
            out(sprintf("factor_omega_%s_sl.csv", case)), row.names = FALSE)
  write.csv(o$omega.group, out(sprintf("factor_omega_%s_group.csv", case)))
  om_stats[[case]] <<- list(omega_h = o$omega_h, omega_total = o$omega.tot,
                            alpha = o$alpha, omega_lim = o$omega.lim, ecv = unname(o$ECV),
                            key = unname(o$key))
}
omega_case("hs", hs9, 3)
omega_case("bfi", bfi25, 5)
omega_case("harman", harman, 4, n.obs = 145)
write(toJSON(om_stats, auto_unbox = TRUE, digits = NA), out("factor_omega.json"))
