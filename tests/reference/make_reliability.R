# Reference values for tests/test_reliability.py (servqual.reliability).
#
# Run from the repository root:  Rscript tests/reference/make_reliability.R
# Inputs:  psych::bfi (exported here to reliability_bfi.csv) and the retail_bank
#          example's P and E ratings (exported from Python with
#          sq.load_example("retail_bank").ratings("P").to_csv(...), same for "E").
# Outputs: reliability_alpha.json, reliability_split.json, reliability_difference.json
#
# R 4.x, psych 2.2.9, jsonlite.
suppressPackageStartupMessages({
  library(psych)
  library(jsonlite)
})
out_dir <- "tests/reference"

bfi_items <- psych::bfi[, c(paste0("A", 1:5), paste0("C", 1:5))]
write.csv(bfi_items, file.path(out_dir, "reliability_bfi.csv"), row.names = FALSE, na = "")

retail_P <- read.csv(file.path(out_dir, "reliability_retail_P.csv"), row.names = 1)
retail_E <- read.csv(file.path(out_dir, "reliability_retail_E.csv"), row.names = 1)
dims <- list(
  tangibles = paste0("TAN", 1:4), reliability = paste0("REL", 1:5),
  responsiveness = paste0("RES", 1:4), assurance = paste0("ASS", 1:4),
  empathy = paste0("EMP", 1:5)
)

# bfi is on a 1-6 scale: a reverse-keyed item is 7 - x (what psych does with keys=).
recode <- function(x, keys) {
  for (j in which(keys < 0)) x[, j] <- 7 - x[, j]
  x
}
A <- bfi_items[, 1:5]
C <- bfi_items[, 6:10]
keysA <- c(-1, 1, 1, 1, 1)
keysC <- c(1, 1, 1, -1, -1)

# ---------------------------------------------------------------- psych::alpha
alpha_case <- function(x, keys = NULL, listwise = FALSE) {
  x <- as.data.frame(x)
  if (listwise) x <- na.omit(x)
  a <- if (is.null(keys)) {
    suppressWarnings(psych::alpha(x, warnings = FALSE))
  } else {
    suppressWarnings(psych::alpha(x, keys = keys, warnings = FALSE))
  }
  xr <- if (is.null(keys)) x else recode(x, keys)
  k <- ncol(x)
  Cm <- cov(xr, use = "pairwise")
  R <- cov2cor(Cm)
  ci <- psych::alpha.ci(a$total$raw_alpha, n.obs = nrow(x), n.var = k, p.val = 0.05)
  ci90 <- psych::alpha.ci(a$total$raw_alpha, n.obs = nrow(x), n.var = k, p.val = 0.10)
  # SPSS "scale mean / variance if item deleted": sum scores of the other items.
  smean <- sapply(1:k, function(i) sum(colMeans(xr[, -i, drop = FALSE], na.rm = TRUE)))
  svar <- sapply(1:k, function(i) sum(Cm[-i, -i]))
  out <- list(
    n_obs = nrow(x), n_items = k,
    raw_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha,
    G6 = a$total[["G6(smc)"]], average_r = a$total$average_r, ase = a$total$ase,
    total_mean = a$total$mean, total_sd = a$total$sd,
    # Duhachek & Iacobucci (2004) interval from psych's asymptotic se
    duhachek_low = a$total$raw_alpha - qnorm(0.975) * a$total$ase,
    duhachek_high = a$total$raw_alpha + qnorm(0.975) * a$total$ase,
    feldt_low = ci$lower.ci, feldt_high = ci$upper.ci,
    feldt90_low = ci90$lower.ci, feldt90_high = ci90$upper.ci,
    alpha_drop = a$alpha.drop$raw_alpha,
    std_alpha_drop = a$alpha.drop$std.alpha,
    r_drop = a$item.stats$r.drop, raw_r = a$item.stats$raw.r,
    std_r = a$item.stats$std.r,
    mean = a$item.stats$mean, sd = a$item.stats$sd, n = a$item.stats$n,
    smc = unname(psych::smc(R)),
    scale_mean_if_deleted = smean, scale_var_if_deleted = svar,
    cov = unname(Cm)
  )
  if (listwise) {
    # SPSS definition on the complete cases: sum scores without item i
    out$spss_var_if_deleted <- sapply(1:k, function(i) var(rowSums(xr[, -i, drop = FALSE])))
    out$spss_mean_if_deleted <- sapply(1:k, function(i) mean(rowSums(xr[, -i, drop = FALSE])))
  }
  out
}

alpha_ref <- list(
  bfi_A_pairwise = alpha_case(A, keysA),
  bfi_A_listwise = alpha_case(A, keysA, listwise = TRUE),
  bfi_C_pairwise = alpha_case(C, keysC),
  bfi_C_listwise = alpha_case(C, keysC, listwise = TRUE),
  bfi_A_unkeyed = alpha_case(A),
  retail_overall_pairwise = alpha_case(retail_P),
  retail_overall_listwise = alpha_case(retail_P, listwise = TRUE)
)
for (d in names(dims)) {
  alpha_ref[[paste0("retail_", d, "_pairwise")]] <- alpha_case(retail_P[, dims[[d]]])
  alpha_ref[[paste0("retail_", d, "_listwise")]] <- alpha_case(retail_P[, dims[[d]]], listwise = TRUE)
}
write(toJSON(alpha_ref, digits = NA, auto_unbox = TRUE, pretty = TRUE),
      file.path(out_dir, "reliability_alpha.json"))

# ---------------------------------------------------------------- split halves
# Every split into floor(k/2) and ceiling(k/2) items (each split once), split-half
# reliability 4 * cov(A, B) / var(A + B) (Guttman / Flanagan-Rulon), as psych::splitHalf,
# and the Spearman-Brown coefficient 2 r_AB / (1 + r_AB).
all_splits <- function(S) {
  k <- ncol(S)
  m <- k %/% 2
  cmb <- combn(k, m)
  if (k %% 2 == 0) cmb <- cmb[, cmb[1, ] == 1, drop = FALSE]  # each split once
  ind <- matrix(0, ncol(cmb), k)
  ind[cbind(rep(seq_len(ncol(cmb)), each = m), as.vector(cmb))] <- 1
  rowC <- rowSums(S)
  aS1 <- as.vector(ind %*% rowC)
  aSa <- rowSums((ind %*% S) * ind)
  rab <- 4 * (aS1 - aSa) / sum(S)
  # Spearman-Brown step-up of the correlation between the two half scores
  bSb <- sum(S) - 2 * aS1 + aSa
  rhalf <- (aS1 - aSa) / sqrt(aSa * bSb)
  sb <- 2 * rhalf / (1 + rhalf)
  list(max = max(rab), min = min(rab), mean = mean(rab), count = length(rab),
       sb_max = max(sb), sb_min = min(sb), sb_mean = mean(sb))
}

lambdas <- function(S) {
  k <- ncol(S)
  Vt <- sum(S)
  off <- S
  diag(off) <- 0
  l1 <- 1 - sum(diag(S)) / Vt
  l2 <- (sum(off) + sqrt(sum(off^2) * k / (k - 1))) / Vt
  l3 <- k / (k - 1) * l1
  cco <- colSums(off^2)
  l5 <- l1 + 2 * sqrt(max(cco)) / Vt
  smc_cov <- psych::smc(S, covar = TRUE)
  l6 <- (sum(off) + sum(smc_cov)) / Vt
  list(lambda1 = l1, lambda2 = l2, lambda3 = l3, lambda5 = l5, lambda6 = l6)
}

split_case <- function(x, with_psych = TRUE) {
  S <- cov(x, use = "pairwise")
  R <- cov2cor(S)
  out <- list(
    k = ncol(x),
    raw = c(all_splits(S), lambdas(S)),
    std = c(all_splits(R), lambdas(R))
  )
  if (with_psych) {
    sc <- psych::splitHalf(x, covar = TRUE, check.keys = FALSE)
    sr <- psych::splitHalf(x, covar = FALSE, check.keys = FALSE)
    out$psych_cov <- list(maxrb = sc$maxrb, minrb = sc$minrb, meanr = sc$meanr,
                          alpha = sc$alpha, lambda2 = sc$lambda2, lambda6 = sc$lambda6)
    out$psych_cor <- list(maxrb = sr$maxrb, minrb = sr$minrb, meanr = sr$meanr,
                          alpha = sr$alpha, lambda2 = sr$lambda2, lambda6 = sr$lambda6)
    g <- suppressMessages(suppressWarnings(psych::guttman(x)))
    out$guttman <- list(lambda1 = g$lambda.1, lambda2 = g$lambda.2, lambda3 = g$lambda.3,
                        lambda4 = g$lambda.4, lambda5 = g$lambda.5, lambda6 = g$lambda.6)
  }
  out
}

Ak <- recode(A, keysA)
Ck <- recode(C, keysC)
split_ref <- list(
  bfi_A = split_case(Ak),
  bfi_A2_5 = split_case(Ak[, 2:5]),
  bfi_AC = split_case(cbind(Ak, Ck)),
  retail_overall = split_case(retail_P, with_psych = FALSE)
)
for (d in names(dims)) split_ref[[paste0("retail_", d)]] <- split_case(retail_P[, dims[[d]]])
write(toJSON(split_ref, digits = NA, auto_unbox = TRUE, pretty = TRUE),
      file.path(out_dir, "reliability_split.json"))

# ---------------------------------------------------------------- difference scores
# r_D = (vP rPP + vE rEE - 2 rPE sP sE) / (vP + vE - 2 rPE sP sE)
# (Johns 1981; Peter, Churchill & Brown 1993), composites = item sums, pairwise covariances.
diff_case <- function(P, E) {
  k <- ncol(P)
  S <- cov(cbind(P, E), use = "pairwise")
  iP <- 1:k
  iE <- (k + 1):(2 * k)
  vP <- sum(S[iP, iP])
  vE <- sum(S[iE, iE])
  cPE <- sum(S[iP, iE])
  rPE <- cPE / sqrt(vP * vE)
  aP <- suppressWarnings(psych::alpha(P, warnings = FALSE))$total$raw_alpha
  aE <- suppressWarnings(psych::alpha(E, warnings = FALSE))$total$raw_alpha
  aG <- suppressWarnings(psych::alpha(P - E, warnings = FALSE, check.keys = FALSE))$total$raw_alpha
  rD <- (vP * aP + vE * aE - 2 * cPE) / (vP + vE - 2 * cPE)
  list(alpha_p = aP, alpha_e = aE, var_p = vP, var_e = vE, r_pe = rPE,
       reliability_diff = rD, alpha_gap = aG, var_gap = vP + vE - 2 * cPE)
}
diff_ref <- list(overall = diff_case(retail_P, retail_E))
for (d in names(dims)) diff_ref[[d]] <- diff_case(retail_P[, dims[[d]]], retail_E[, dims[[d]]])
write(toJSON(diff_ref, digits = NA, auto_unbox = TRUE, pretty = TRUE),
      file.path(out_dir, "reliability_difference.json"))
cat("done\n")
