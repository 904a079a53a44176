# Reference values for servqual.operations (tests/test_operations*.py).
# Run from the project root:  Rscript tests/reference/make_operations.R
# Reads the bundled synthetic records (src/servqual/datasets/data/operations_*.csv) and the
# retail_bank / value examples; writes tests/reference/operations_reference.json.
# Base R only (stats) + jsonlite.

library(jsonlite)
data_dir <- "src/servqual/datasets/data"
out <- list()

ht <- function(h) list(estimate = unname(h$estimate), conf_int = unname(as.numeric(h$conf.int)),
                       p_value = h$p.value,
                       statistic = if (is.null(h$statistic)) NULL else unname(h$statistic))

# ---- exact Poisson comparison of two rates: poisson.test(c(x1, x2), c(t1, t2))
pcases <- list(
  list(x = c(30, 45), t = c(1000, 1100), alt = "two.sided", conf = 0.95),
  list(x = c(12, 27), t = c(850, 910), alt = "less", conf = 0.95),
  list(x = c(40, 22), t = c(3000, 2800), alt = "greater", conf = 0.90),
  list(x = c(0, 9), t = c(500, 600), alt = "two.sided", conf = 0.95),
  list(x = c(7, 7), t = c(1, 1), alt = "two.sided", conf = 0.99)
)
out$poisson <- lapply(pcases, function(k) {
  h <- poisson.test(k$x, k$t, alternative = k$alt, conf.level = k$conf)
  c(list(x = k$x, t = k$t, alternative = k$alt, conf = k$conf), ht(h))
})

# ---- exact binomial test: binom.test(x, n, p)
bcases <- list(
  list(x = 172, n = 200, p = 0.9, alt = "two.sided", conf = 0.95),
  list(x = 3, n = 25, p = 0.2, alt = "less", conf = 0.95),
  list(x = 48, n = 60, p = 0.7, alt = "greater", conf = 0.9),
  list(x = 0, n = 15, p = 0.1, alt = "two.sided", conf = 0.95),
  list(x = 15, n = 15, p = 0.8, alt = "two.sided", conf = 0.95)
)
out$binom <- lapply(bcases, function(k) {
  h <- binom.test(k$x, k$n, k$p, alternative = k$alt, conf.level = k$conf)
  c(list(x = k$x, n = k$n, p = k$p, alternative = k$alt, conf = k$conf), ht(h))
})

# ---- two proportions: prop.test(c(x1, x2), c(n1, n2)) and fisher.test(2x2)
tcases <- list(
  list(x = c(172, 150), n = c(200, 190), alt = "two.sided", conf = 0.95, correct = TRUE),
  list(x = c(172, 150), n = c(200, 190), alt = "two.sided", conf = 0.95, correct = FALSE),
  list(x = c(15, 25), n = c(40, 45), alt = "less", conf = 0.95, correct = TRUE),
  list(x = c(30, 20), n = c(50, 52), alt = "greater", conf = 0.90, correct = TRUE),
  list(x = c(9, 10), n = c(10, 10), alt = "two.sided", conf = 0.95, correct = TRUE)
)
out$prop <- lapply(tcases, function(k) {
  h <- suppressWarnings(prop.test(k$x, k$n, alternative = k$alt, conf.level = k$conf,
                                  correct = k$correct))
  f <- fisher.test(matrix(c(k$x[1], k$n[1] - k$x[1], k$x[2], k$n[2] - k$x[2]), 2, byrow = TRUE),
                   alternative = k$alt, conf.level = k$conf)
  c(list(x = k$x, n = k$n, alternative = k$alt, conf = k$conf, correct = k$correct), ht(h),
    list(fisher = ht(f)))
})

# ---- KPI series and control charts from the counts records
counts <- read.csv(file.path(data_dir, "operations_counts.csv"))
north <- counts[counts$store == "north" & counts$type == "complaint", ]
north <- north[order(north$month), ]
x <- north$count; n <- north$orders
base <- 1:12
ubar <- sum(x[base]) / sum(n[base])
out$u_chart <- list(count = x, n = n, centre = ubar,
                    lcl = pmax(0, ubar - 3 * sqrt(ubar / n)), ucl = ubar + 3 * sqrt(ubar / n),
                    z = (x / n - ubar) / sqrt(ubar / n))
out$u_chart_rate_ci <- lapply(seq_along(x), function(i) as.numeric(poisson.test(x[i], n[i])$conf.int))
cbar <- mean(x)
out$c_chart <- list(count = x, centre = cbar, lcl = max(0, cbar - 3 * sqrt(cbar)),
                    ucl = cbar + 3 * sqrt(cbar), z = (x - cbar) / sqrt(cbar))

# totals over stores: before/after the change in 2024-01 and month over month
comp <- counts[counts$type == "complaint", ]
tot <- aggregate(cbind(count, orders) ~ month, data = comp, FUN = sum)
tot <- tot[order(tot$month), ]
after <- tot$month >= "2024-01-01"
ba <- poisson.test(c(sum(tot$count[after]), sum(tot$count[!after])),
                   c(sum(tot$orders[after]), sum(tot$orders[!after])))
out$before_after <- c(list(x_after = sum(tot$count[after]), x_before = sum(tot$count[!after]),
                           t_after = sum(tot$orders[after]), t_before = sum(tot$orders[!after])),
                      ht(ba))
mom <- lapply(2:nrow(tot), function(i)
  poisson.test(c(tot$count[i], tot$count[i - 1]), c(tot$orders[i], tot$orders[i - 1])))
out$month_over_month <- list(
  rate_ratio = sapply(mom, function(h) unname(h$estimate)),
  ci_low = sapply(mom, function(h) h$conf.int[1]), ci_high = sapply(mom, function(h) h$conf.int[2]),
  p_unc = sapply(mom, function(h) h$p.value),
  p_holm = p.adjust(sapply(mom, function(h) h$p.value), "holm"))

# ---- conformance: complaint answered within 7 days
cases <- read.csv(file.path(data_dir, "operations_cases.csv"))
cases$met <- as.integer(cases$response_days <= 7)
cases$month <- substr(cases$received, 1, 7)
st <- sort(unique(cases$store))
out$conformance_store <- lapply(st, function(s) {
  m <- sum(cases$met[cases$store == s]); k <- sum(cases$store == s)
  list(store = s, met = m, n = k, exact = as.numeric(binom.test(m, k)$conf.int),
       wilson = as.numeric(prop.test(m, k, correct = FALSE)$conf.int),
       p_target = binom.test(m, k, 0.9)$p.value)
})
months <- sort(unique(cases$month))
met_m <- sapply(months, function(m) sum(cases$met[cases$month == m]))
n_m <- sapply(months, function(m) sum(cases$month == m))
pbar <- sum(met_m[1:12]) / sum(n_m[1:12])
out$p_chart <- list(met = unname(met_m), n = unname(n_m), centre = pbar,
                    lcl = unname(pmax(0, pbar - 3 * sqrt(pbar * (1 - pbar) / n_m))),
                    ucl = unname(pmin(1, pbar + 3 * sqrt(pbar * (1 - pbar) / n_m))))

# ---- ratings, CSAT, NPS, CES, WTP from the feedback records
fb <- read.csv(file.path(data_dir, "operations_feedback.csv"))
fb$quarter <- paste0(substr(fb$date, 1, 4), "Q", (as.integer(substr(fb$date, 6, 7)) - 1) %/% 3 + 1)
qs <- sort(unique(fb$quarter))
summ <- function(x, top, bottom) {
  tt <- t.test(x)
  list(n = length(x), mean = mean(x), sd = sd(x), ci = as.numeric(tt$conf.int),
       top = mean(x >= top), top_ci = as.numeric(prop.test(sum(x >= top), length(x), correct = FALSE)$conf.int),
       bottom = mean(x <= bottom),
       bottom_ci = as.numeric(prop.test(sum(x <= bottom), length(x), correct = FALSE)$conf.int),
       counts = as.numeric(table(factor(x, levels = 1:5))))
}
out$stars_quarter <- lapply(qs, function(q) summ(fb$stars[fb$quarter == q], 5, 1))
fb$qnum <- match(fb$quarter, qs) - 1
fit <- lm(stars ~ qnum, data = fb)
out$stars_trend <- list(slope = unname(coef(fit)[2]), ci = unname(confint(fit)[2, ]),
                        p = summary(fit)$coefficients[2, 4])
out$csat_store <- lapply(sort(unique(fb$store)), function(s) summ(fb$csat[fb$store == s], 4, 1))
ces_t <- t.test(fb$effort)
out$ces <- list(mean = mean(fb$effort), ci = as.numeric(ces_t$conf.int),
                top = mean(fb$effort >= 5),
                top_ci = as.numeric(prop.test(sum(fb$effort >= 5), nrow(fb), correct = FALSE)$conf.int))

nps_row <- function(x) {
  pp <- mean(x >= 9); pdd <- mean(x <= 6); n <- length(x)
  se <- sqrt((pp + pdd - (pp - pdd)^2) / n)
  list(n = n, promoters = pp, detractors = pdd, nps = 100 * (pp - pdd), se = 100 * se,
       ci = 100 * (pp - pdd + c(-1, 1) * qnorm(0.975) * se))
}
out$nps_quarter <- lapply(qs, function(q) nps_row(fb$recommend[fb$quarter == q]))
out$nps_all <- nps_row(fb$recommend)
before <- fb$date < "2024-01-01"
a <- nps_row(fb$recommend[before]); b <- nps_row(fb$recommend[!before])
d <- b$nps - a$nps; se <- sqrt(a$se^2 + b$se^2)
out$nps_change <- list(diff = d, ci = d + c(-1, 1) * qnorm(0.975) * se, z = d / se,
                       p = 2 * pnorm(-abs(d / se)))
w <- t.test(fb$csat[!before], fb$csat[before])  # Welch
out$csat_change <- c(list(diff = mean(fb$csat[!before]) - mean(fb$csat[before])), ht(w))
out$csat_topbox_change <- lapply(sort(unique(fb$store)), function(s) {
  x2 <- fb$csat[!before & fb$store == s]; x1 <- fb$csat[before & fb$store == s]
  ht(prop.test(c(sum(x2 >= 4), sum(x1 >= 4)), c(length(x2), length(x1))))
})

will <- fb$pay_more == "yes"
prem_w <- fb$premium[will]
prem_all <- ifelse(will, fb$premium, 0)
out$wtp <- list(n = length(will), willing = sum(will),
                share_ci = as.numeric(prop.test(sum(will), length(will), correct = FALSE)$conf.int),
                premium_willing = mean(prem_w), premium_willing_ci = as.numeric(t.test(prem_w)$conf.int),
                premium_all = mean(prem_all), premium_all_ci = as.numeric(t.test(prem_all)$conf.int))

# ---- gap scores -> outcomes: lm(outcome ~ dimension gaps) on retail_bank; value index on value
bank <- read.csv(file.path(data_dir, "retail_bank.csv"))
dims <- list(tangibles = 1:4, reliability = 5:9, responsiveness = 10:13, assurance = 14:17,
             empathy = 18:22)
g <- sapply(dims, function(j) rowMeans(bank[, paste0("P", j)]) - rowMeans(bank[, paste0("E", j)]))
gd <- data.frame(g, overall = bank$overall, recommend = bank$recommend)
links <- lapply(c("overall", "recommend"), function(o) {
  f <- lm(as.formula(paste(o, "~ tangibles + reliability + responsiveness + assurance + empathy")),
          data = gd)
  s <- summary(f)$coefficients
  list(outcome = o, coef = unname(s[, 1]), se = unname(s[, 2]), t = unname(s[, 3]),
       p = unname(s[, 4]), ci_low = unname(confint(f)[, 1]), ci_high = unname(confint(f)[, 2]),
       r2 = summary(f)$r.squared, n = nobs(f))
})
out$value_links_bank <- links
val <- read.csv(file.path(data_dir, "value.csv"))
idx <- rowMeans(val[, paste0("P", 1:4)]) - rowMeans(val[, paste0("P", 5:7)])
fv <- lm(val$P8 ~ idx)
out$value_index <- list(mean = mean(idx), ci = as.numeric(t.test(idx)$conf.int),
                        val1_coef = unname(coef(fv)), val1_r2 = summary(fv)$r.squared)

write_json(out, "tests/reference/operations_reference.json", digits = NA, auto_unbox = TRUE,
           pretty = TRUE)
