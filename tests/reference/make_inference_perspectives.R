# Reference values for tests/test_inference.py (perspectives other than SERVQUAL-22 E/P),
# tests/test_power.py (one-sided two-sample) and tests/test_drivers.py (22 gap items).
# Run from the project root:  Rscript tests/reference/make_inference_perspectives.R
# Reads the bundled example CSVs; writes tests/reference/inference_perspectives.json.
suppressMessages({library(survey); library(sandwich); library(lmtest); library(jsonlite)})
dd <- "src/servqual/datasets/data"
out <- list()
tt <- function(x, y = NULL, mu = 0, paired = FALSE, alternative = "two.sided", conf = 0.95) {
  h <- t.test(x, y, mu = mu, paired = paired, alternative = alternative, conf.level = conf)
  list(t = unname(h$statistic), df = unname(h$parameter), p = h$p.value,
       ci_low = h$conf.int[1], ci_high = h$conf.int[2], estimate = unname(h$estimate)[1])
}
rm_ <- function(df, cols) rowMeans(df[, cols, drop = FALSE])

# ---- zone of tolerance (A, D, P; 9-point): MSS = P - D per dimension, and per item "less"
zot <- read.csv(file.path(dd, "zone_of_tolerance.csv"))
dims <- list(tangibles = 1:4, reliability = 5:9, responsiveness = 10:13,
             assurance = 14:17, empathy = 18:22)
PZ <- sapply(dims, function(i) rm_(zot, paste0("P", i)))
DZ <- sapply(dims, function(i) rm_(zot, paste0("D", i)))
AZ <- sapply(dims, function(i) rm_(zot, paste0("A", i)))
# t.test(P, D, paired = TRUE)
out$zot_mss_dim <- lapply(names(dims), function(d) tt(PZ[, d], DZ[, d], paired = TRUE))
out$zot_mss_dim_p_holm <- p.adjust(sapply(out$zot_mss_dim, `[[`, "p"), "holm")
# t.test(P_j, D_j, paired = TRUE, alternative = "less", conf.level = 0.9)
out$zot_mss_item_less90 <- lapply(1:22, function(j)
  tt(zot[[paste0("P", j)]], zot[[paste0("D", j)]], paired = TRUE, alternative = "less", conf = 0.9))
# wilcox.test(round(P - D, 10), conf.int = TRUE) per dimension
out$zot_mss_wilcox <- lapply(names(dims), function(d) {
  w <- suppressWarnings(wilcox.test(round(PZ[, d] - DZ[, d], 10), conf.int = TRUE))
  list(v = unname(w$statistic), p = w$p.value, ci_low = w$conf.int[1], ci_high = w$conf.int[2])
})
# overall MSA: mean of the five dimension scores
out$zot_msa_overall <- tt(rowMeans(PZ), rowMeans(AZ), paired = TRUE)
# group comparison of the MSS by branch (2 groups): t.test(y ~ branch)
y <- rowMeans(PZ) - rowMeans(DZ); g <- factor(zot$branch)
out$zot_branch_levels <- levels(g)
out$zot_branch_overall_mss <- tt(y[g == levels(g)[1]], y[g == levels(g)[2]])

# ---- conformance (P only, a spec per item): a one-sample t-test against the spec
conf <- read.csv(file.path(dd, "conformance.csv"))
spec <- c(6, 6, 6, 5, 6, 6, 5, 6)
# t.test(P_j, mu = spec_j)
out$conf_item <- lapply(1:8, function(j) tt(conf[[paste0("P", j)]], mu = spec[j]))
# wilcox.test(P_j, mu = spec_j, conf.int = TRUE): its interval is for the pseudo-median of P
out$conf_item_wilcox <- lapply(1:8, function(j) {
  w <- suppressWarnings(wilcox.test(conf[[paste0("P", j)]], mu = spec[j], conf.int = TRUE))
  list(v = unname(w$statistic), p = w$p.value, ci_low = w$conf.int[1], ci_high = w$conf.int[2])
})
cdims <- list(information = 1:2, after_sales = 3:4, premises = 5, staff = 6:7, complaints = 8)
# dimension: t.test(rowMeans(P_dim), mu = mean(spec_dim))
out$conf_dim <- lapply(cdims, function(i) tt(rm_(conf, paste0("P", i)), mu = mean(spec[i])))
out$conf_dim_greater <- lapply(cdims, function(i)
  tt(rm_(conf, paste0("P", i)), mu = mean(spec[i]), alternative = "greater"))

# ---- value: quality (QUA1-4 = P1-4) against the sacrifice score (mean of P5-7)
val <- read.csv(file.path(dd, "value.csv"))
sac <- rm_(val, paste0("P", 5:7))
out$value_dim <- tt(rm_(val, paste0("P", 1:4)), sac, paired = TRUE)
out$value_item <- lapply(1:4, function(j) tt(val[[paste0("P", j)]], sac, paired = TRUE))

# ---- retail bank, overall gap with survey weights: svyttest / svymean / confint(df = degf)
bank <- read.csv(file.path(dd, "retail_bank.csv"))
PB <- sapply(dims, function(i) rm_(bank, paste0("P", i)))
EB <- sapply(dims, function(i) rm_(bank, paste0("E", i)))
wts <- 0.5 + (bank$respondent %% 5) * 0.25
go <- rowMeans(PB) - rowMeans(EB); ok <- !is.na(go)
des <- svydesign(ids = ~1, weights = ~w, data = data.frame(g = go[ok], w = wts[ok]))
m <- svymean(~g, des); st <- svyttest(g ~ 0, des); dfd <- degf(des)
out$bank_overall_svy <- list(weights = wts, diff = unname(coef(m)), se = unname(drop(SE(m))),
  t = unname(st$statistic), df = dfd, p = 2 * pt(-abs(unname(st$statistic)), dfd),
  ci_low = unname(confint(m, df = dfd)[1]), ci_high = unname(confint(m, df = dfd)[2]))
# importance-weighted overall SERVQUAL score: sum_d (points_d / 100) * score_d
imp <- as.matrix(bank[, c("imp_tangibles", "imp_reliability", "imp_responsiveness",
                          "imp_assurance", "imp_empathy")])
wp <- rowSums(PB * imp / 100); we <- rowSums(EB * imp / 100)
out$bank_overall_importance <- tt(wp, we, paired = TRUE)

# ---- branch (3 groups, 82/76/54) x perception items: ANOVA, Welch ANOVA, Tukey, Games-Howell
gb <- factor(bank$branch)  # alphabetical, as the segment categories
out$branch_item <- lapply(1:22, function(j) {
  yy <- bank[[paste0("P", j)]]; okk <- !is.na(yy); yy <- yy[okk]; gg <- droplevels(gb[okk])
  fit <- aov(yy ~ gg); tk <- TukeyHSD(fit)$gg
  wa <- oneway.test(yy ~ gg, var.equal = FALSE)
  lev <- levels(gg); kk <- length(lev); gh <- list()
  for (a in 1:(kk - 1)) for (b in (a + 1):kk) {
    xa <- yy[gg == lev[a]]; xb <- yy[gg == lev[b]]
    va <- var(xa) / length(xa); vb <- var(xb) / length(xb)
    dfp <- (va + vb)^2 / (va^2 / (length(xa) - 1) + vb^2 / (length(xb) - 1))
    se <- sqrt((va + vb) / 2); dif <- mean(xb) - mean(xa)
    gh[[length(gh) + 1]] <- list(pair = paste(lev[b], lev[a], sep = "-"), diff = dif, df = dfp,
      p = ptukey(abs(dif) / se, kk, dfp, lower.tail = FALSE),
      ci_low = dif - qtukey(0.95, kk, dfp) * se, ci_high = dif + qtukey(0.95, kk, dfp) * se)
  }
  list(f = summary(fit)[[1]][1, "F value"], p = summary(fit)[[1]][1, "Pr(>F)"],
       welch_f = unname(wa$statistic), welch_df2 = unname(wa$parameter[2]), welch_p = wa$p.value,
       tukey_pairs = rownames(tk), tukey_diff = unname(tk[, "diff"]),
       tukey_low = unname(tk[, "lwr"]), tukey_high = unname(tk[, "upr"]),
       tukey_p = unname(tk[, "p adj"]), games_howell = gh, n = length(yy))
})
# channel (2 groups) x gap items, one-sided "less": t.test(y ~ channel, alternative = "less")
gc <- factor(bank$channel)
out$channel_levels <- levels(gc)
out$channel_gap_item_less <- lapply(1:22, function(j) {
  yy <- bank[[paste0("P", j)]] - bank[[paste0("E", j)]]
  tt(yy[gc == levels(gc)[1]], yy[gc == levels(gc)[2]], alternative = "less")
})

# ---- key drivers: overall on the 22 gap items, lm + HC3
Gi <- as.matrix(bank[, paste0("P", 1:22)] - bank[, paste0("E", 1:22)])
colnames(Gi) <- paste0("G", 1:22)
d <- data.frame(y = bank$overall, Gi); d <- d[complete.cases(d), ]
fit <- lm(y ~ ., data = d)
ct <- coeftest(fit, vcov. = vcovHC(fit, type = "HC3"))
R <- cor(d)
e <- eigen(R[-1, -1], symmetric = TRUE)
lam <- e$vectors %*% diag(sqrt(e$values)) %*% t(e$vectors)
rw <- as.vector((lam^2) %*% (solve(lam, R[-1, 1])^2))
out$drivers_gap_item <- list(n = nrow(d), coef = unname(coef(fit)[-1]), se = unname(ct[-1, 2]),
  p = unname(ct[-1, 4]), r2 = summary(fit)$r.squared, raw_weight = rw,
  kappa = kappa(R[-1, -1], exact = TRUE),
  max_vif = max(diag(solve(R[-1, -1]))),
  wald_f = unname(waldtest(fit, vcov = vcovHC(fit, type = "HC3"), test = "F")$F[2]))

# importance-performance, derived importance of the 22 gap items: cor(G[ok, ], y[ok]),
# listwise over the outcome and all 22 items; performance = colMeans(G, na.rm = TRUE)
okr <- complete.cases(cbind(Gi, bank$overall))
out$ipa_gap_item <- list(n = sum(okr), r = unname(as.vector(cor(Gi[okr, ], bank$overall[okr]))),
                         performance = unname(colMeans(Gi, na.rm = TRUE)))

# ---- power, one-sided: power.t.test(strict = TRUE)
pt_ <- function(...) power.t.test(..., strict = TRUE, tol = 1e-12)
out$power <- list(
  two_one_power = pt_(n = 50, delta = 0.4, sd = 1, type = "two.sample", alternative = "one.sided")$power,
  two_one_n = pt_(power = 0.9, delta = 0.3, sd = 1, type = "two.sample", alternative = "one.sided")$n,
  paired_one_delta = pt_(n = 60, power = 0.8, sd = 1, type = "paired", alternative = "one.sided")$delta,
  two_one_delta = pt_(n = 60, power = 0.8, sd = 1, type = "two.sample", alternative = "one.sided",
                      sig.level = 0.01)$delta
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           "tests/reference/inference_perspectives.json")
