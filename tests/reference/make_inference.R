# Reference values for tests/test_inference.py and tests/test_power.py.
# Run from the project root:  Rscript tests/reference/make_inference.R
# Reads the bundled retail_bank CSV, writes a small hand-made data set
# (tests/reference/inference_small.csv) and the reference figures
# (tests/reference/inference_reference.json). Base R + the survey package only.
suppressMessages(library(survey))
library(jsonlite)

bank <- read.csv("src/servqual/datasets/data/retail_bank.csv")
dims <- list(tangibles = 1:4, reliability = 5:9, responsiveness = 10:13,
             assurance = 14:17, empathy = 18:22)
dimscore <- function(df, letter, idx) rowMeans(df[, paste0(letter, idx), drop = FALSE])
P <- sapply(dims, function(i) dimscore(bank, "P", i))
E <- sapply(dims, function(i) dimscore(bank, "E", i))
G <- P - E
out <- list()

# ---- noncentral-t interval of Cohen's d_z (Steiger & Fouladi), explicit uniroot
dz_ci <- function(t, n, conf = 0.95, alternative = "two.sided") {
  df <- n - 1; a <- 1 - conf
  solve <- function(prob) uniroot(function(ncp) pt(t, df, ncp) - prob,
                                  c(t - 30, t + 30), tol = 1e-13)$root
  if (alternative == "two.sided") c(solve(1 - a / 2), solve(a / 2)) / sqrt(n)
  else if (alternative == "greater") c(solve(1 - a) / sqrt(n), Inf)
  else c(-Inf, solve(a) / sqrt(n))
}
tt_list <- function(p, e, alternative = "two.sided", conf = 0.95) {
  ok <- !is.na(p) & !is.na(e)
  tt <- t.test(p[ok], e[ok], paired = TRUE, alternative = alternative, conf.level = conf)
  d <- p[ok] - e[ok]
  dzc <- dz_ci(unname(tt$statistic), sum(ok), conf, alternative)
  list(mean_p = mean(p[ok]), mean_e = mean(e[ok]), diff = unname(tt$estimate), sd = sd(d),
       t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
       ci_low = tt$conf.int[1], ci_high = tt$conf.int[2], dz = mean(d) / sd(d),
       dz_low = dzc[1], dz_high = dzc[2], n = sum(ok))
}
wx_list <- function(p, e, alternative = "two.sided", conf = 0.95) {
  ok <- !is.na(p) & !is.na(e)
  # paired = TRUE tests x - y; dimension scores are averages whose float noise (4.2 vs
  # 4.2000000000000002) splits true ties, so the differences are rounded to 10 decimals
  d <- round(p[ok] - e[ok], 10)
  w <- suppressWarnings(wilcox.test(d, alternative = alternative,
                                    conf.int = TRUE, conf.level = conf))
  list(v = unname(w$statistic), p = w$p.value, ci_low = w$conf.int[1],
       ci_high = w$conf.int[2], estimate = unname(w$estimate))
}

# ---- paired t-tests: t.test(P, E, paired = TRUE), items and dimensions
out$t_item <- lapply(1:22, function(j) tt_list(bank[[paste0("P", j)]], bank[[paste0("E", j)]]))
pi <- sapply(out$t_item, function(x) x$p)
out$t_item_p_adjust <- list(holm = p.adjust(pi, "holm"), bonferroni = p.adjust(pi, "bonferroni"),
                            BH = p.adjust(pi, "BH"))
out$t_dim <- lapply(names(dims), function(d) tt_list(P[, d], E[, d]))
out$t_dim_less90 <- lapply(names(dims), function(d) tt_list(P[, d], E[, d], "less", 0.90))
out$t_dim_greater <- lapply(names(dims), function(d) tt_list(P[, d], E[, d], "greater"))
ov <- rowMeans(G)
out$t_overall <- tt_list(rowMeans(P), rowMeans(E))

# ---- Wilcoxon signed-rank: wilcox.test(P, E, paired = TRUE, conf.int = TRUE)
out$w_dim <- lapply(names(dims), function(d) wx_list(P[, d], E[, d]))
out$w_dim_less <- lapply(names(dims), function(d) wx_list(P[, d], E[, d], "less", 0.90))
out$w_item <- lapply(1:22, function(j) wx_list(bank[[paste0("P", j)]], bank[[paste0("E", j)]]))

# ---- design-based paired t with survey weights: survey::svyttest / svymean
wts <- 0.5 + (bank$respondent %% 4) * 0.5
out$weights <- wts
out$t_dim_weighted <- lapply(names(dims), function(d) {
  g <- G[, d]; ok <- !is.na(g)
  des <- svydesign(ids = ~1, weights = ~w, data = data.frame(g = g[ok], w = wts[ok]))
  st <- svyttest(g ~ 0, des)  # t = svymean / SE; svyttest's own df is degf(des) - 1
  m <- svymean(~g, des)
  dfd <- degf(des)              # n - 1, the df servqual uses (as confint(svymean, df = degf))
  q <- qt(0.975, dfd)
  list(diff = unname(coef(m)), se = unname(drop(SE(m))), t = unname(st$statistic),
       df = dfd, p = 2 * pt(-abs(unname(st$statistic)), dfd),
       ci_low = unname(drop(confint(m, df = dfd))[1]), ci_high = unname(drop(confint(m, df = dfd))[2]),
       mean_p = unname(coef(svymean(~p, svydesign(ids = ~1, weights = ~w,
                       data = data.frame(p = P[ok, d], w = wts[ok]))))))
})

# ---- Hotelling's one-sample T^2 (explicit formula) on complete rows
Gc <- G[complete.cases(G), ]
n <- nrow(Gc); k <- ncol(Gc)
dbar <- colMeans(Gc); S <- cov(Gc)
T2 <- n * drop(t(dbar) %*% solve(S) %*% dbar)
Fs <- (n - k) / (k * (n - 1)) * T2
out$hotelling <- list(t2 = T2, f = Fs, df1 = k, df2 = n - k, p = pf(Fs, k, n - k, lower.tail = FALSE),
                      n = n)

# ---- group comparisons on the dimension gaps
group_tests <- function(y, g) {
  ok <- !is.na(y) & !is.na(g); y <- y[ok]; g <- factor(g[ok])
  fit <- aov(y ~ g)
  tab <- summary(fit)[[1]]
  ssb <- tab[1, "Sum Sq"]; ssw <- tab[2, "Sum Sq"]; msw <- tab[2, "Mean Sq"]; df1 <- tab[1, "Df"]
  ow <- oneway.test(y ~ g, var.equal = TRUE)
  wa <- oneway.test(y ~ g, var.equal = FALSE)
  kw <- kruskal.test(round(y, 10) ~ g)  # rounded: averaged scores carry float noise
  tk <- TukeyHSD(fit, conf.level = 0.95)$g
  # Games-Howell, explicit formula with ptukey/qtukey
  lev <- levels(g); kk <- length(lev); gh <- list()
  for (i in 1:(kk - 1)) for (j in (i + 1):kk) {
    a <- y[g == lev[i]]; b <- y[g == lev[j]]
    va <- var(a) / length(a); vb <- var(b) / length(b)
    dfp <- (va + vb)^2 / (va^2 / (length(a) - 1) + vb^2 / (length(b) - 1))
    se <- sqrt((va + vb) / 2); diff <- mean(b) - mean(a)
    q <- abs(diff) / se
    gh[[length(gh) + 1]] <- list(a = lev[i], b = lev[j], diff = diff, df = dfp,
      p = ptukey(q, kk, dfp, lower.tail = FALSE),
      ci_low = diff - qtukey(0.95, kk, dfp) * se, ci_high = diff + qtukey(0.95, kk, dfp) * se)
  }
  list(f = unname(ow$statistic), df2 = unname(ow$parameter[2]), p = ow$p.value,
       aov_f = tab[1, "F value"],
       eta_sq = ssb / (ssb + ssw), omega_sq = (ssb - df1 * msw) / (ssb + ssw + msw),
       welch_f = unname(wa$statistic), welch_df2 = unname(wa$parameter[2]), welch_p = wa$p.value,
       kw_h = unname(kw$statistic), kw_p = kw$p.value, n = length(y),
       tukey_diff = unname(tk[, "diff"]), tukey_low = unname(tk[, "lwr"]),
       tukey_high = unname(tk[, "upr"]), tukey_p = unname(tk[, "p adj"]),
       tukey_pairs = rownames(tk), games_howell = gh)
}
welch_two <- function(y, g) {
  ok <- !is.na(y) & !is.na(g); y <- y[ok]; g <- factor(g[ok])
  tt <- t.test(y ~ g)
  a <- y[g == levels(g)[1]]; b <- y[g == levels(g)[2]]
  sp <- sqrt(((length(a) - 1) * var(a) + (length(b) - 1) * var(b)) / (length(y) - 2))
  d <- (mean(a) - mean(b)) / sp
  dfp <- length(y) - 2
  J <- exp(lgamma(dfp / 2) - lgamma((dfp - 1) / 2)) / sqrt(dfp / 2)
  list(t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
       ci_low = tt$conf.int[1], ci_high = tt$conf.int[2], mean_1 = mean(a), mean_2 = mean(b),
       cohen_d = d, hedges_g = d * J, n_1 = length(a), n_2 = length(b))
}
out$branch_gap <- lapply(names(dims), function(d) group_tests(G[, d], bank$branch))
out$branch_perception_overall <- group_tests(rowMeans(P), bank$branch)
out$channel_gap <- lapply(names(dims), function(d) welch_two(G[, d], bank$channel))

# ---- p.adjust on a fixed vector
pv <- c(0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.0001, 0.049)
out$p_adjust <- list(p = pv)
for (m in c("holm", "bonferroni", "hochberg", "hommel", "BH", "BY"))
  out$p_adjust[[m]] <- p.adjust(pv, m)

# ---- power: power.t.test(strict = TRUE) and power.anova.test
pt_ <- function(...) power.t.test(..., strict = TRUE, tol = 1e-12)
out$power <- list(
  paired_power = pt_(n = 100, delta = 0.3, sd = 1, type = "paired")$power,
  paired_n = pt_(power = 0.8, delta = 0.3, sd = 1, type = "paired")$n,
  paired_delta = pt_(n = 50, power = 0.9, sd = 1, type = "paired")$delta,
  paired_one_power = pt_(n = 40, delta = 0.25, sd = 1, type = "paired",
                         alternative = "one.sided")$power,
  paired_one_n = pt_(power = 0.9, delta = 0.4, sd = 1, sig.level = 0.01, type = "paired",
                     alternative = "one.sided")$n,
  two_power = pt_(n = 64, delta = 0.5, sd = 1, type = "two.sample")$power,
  two_n = pt_(power = 0.8, delta = 0.5, sd = 1, type = "two.sample")$n,
  two_delta = pt_(n = 30, power = 0.8, sd = 1, type = "two.sample")$delta,
  anova_power = power.anova.test(groups = 4, n = 20, between.var = 1, within.var = 6)$power,
  # power.anova.test solves with uniroot's default tol (1e-4): solve its power curve tightly
  anova_n = uniroot(function(n) power.anova.test(groups = 3, n = n, between.var = 1,
                    within.var = 5)$power - 0.8, c(2, 1e4), tol = 1e-12)$root,
  anova_between = uniroot(function(b) power.anova.test(groups = 3, n = 30, between.var = b,
                          within.var = 1)$power - 0.8, c(1e-6, 10), tol = 1e-12)$root
)

# ---- a small hand-made data set: exact Wilcoxon (speed), ties and zeros (care)
# speed = items 1-5 (differences in steps of 0.2, chosen without ties or zeros),
# care = items 6-7 (steps of 0.5, with ties and zeros); 3 groups of 5, 5, 6.
seed <- 1
repeat {
  set.seed(seed)
  nS <- 16
  Es <- matrix(sample(3:7, nS * 7, replace = TRUE), nS)
  Ps <- matrix(sample(1:7, nS * 7, replace = TRUE), nS)
  ds <- rowMeans(Ps[, 1:5]) - rowMeans(Es[, 1:5])
  dc <- rowMeans(Ps[, 6:7]) - rowMeans(Es[, 6:7])
  if (!any(duplicated(round(abs(ds), 8))) && all(ds != 0) && any(dc == 0) &&
      any(duplicated(abs(dc[dc != 0])))) break
  seed <- seed + 1
}
small <- data.frame(Es, Ps)
names(small) <- c(paste0("E", 1:7), paste0("P", 1:7))
small$grp <- rep(c("a", "b", "c"), c(5, 5, 6))
small$w <- rep(c(1, 2, 0.5, 1.5), 4)
write.csv(small, "tests/reference/inference_small.csv", row.names = FALSE)
sp <- rowMeans(small[, paste0("P", 1:5)]); se_ <- rowMeans(small[, paste0("E", 1:5)])
cp <- rowMeans(small[, paste0("P", 6:7)]); ce <- rowMeans(small[, paste0("E", 6:7)])
out$small <- list(
  seed = seed,
  speed_t = tt_list(sp, se_),
  speed_w = wx_list(sp, se_),
  speed_w_less = wx_list(sp, se_, "less", 0.9),
  speed_w_greater = wx_list(sp, se_, "greater"),
  care_t = tt_list(cp, ce),
  care_w = wx_list(cp, ce),
  care_w_greater = wx_list(cp, ce, "greater", 0.9),
  speed_groups = group_tests(sp - se_, small$grp)
)

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           "tests/reference/inference_reference.json")
