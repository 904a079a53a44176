# Reference values for the option combinations checked in tests/test_gaps.py
# (segments + survey weights + missing ratings, empty importance rows, the
# best-competitor reference, the value perspective with missing sacrifice items,
# the zone of tolerance by segment).
# Run from the project root:  Rscript tests/reference/make_gaps_extra.R
# Writes tests/reference/gaps_extra_reference.json.
suppressMessages(library(survey))

bank <- read.csv("src/servqual/datasets/data/retail_bank.csv")
zot  <- read.csv("src/servqual/datasets/data/zone_of_tolerance.csv")
exc  <- read.csv("src/servqual/datasets/data/excellence.csv")
val  <- read.csv("src/servqual/datasets/data/value.csv")
dims <- list(tangibles = 1:4, reliability = 5:9, responsiveness = 10:13,
             assurance = 14:17, empathy = 18:22)
dimscore <- function(df, letter, idx) rowMeans(df[, paste0(letter, idx), drop = FALSE])
out <- list()

# 1. by branch + survey weights w = 1 + respondent %% 3, each dimension on the
#    respondents with the dimension complete (nan_policy = "available"). servqual
#    estimates each segment on its own (a design stratified by the segment), i.e.
#    svyby(~g, ~branch, svydesign(ids = ~1, strata = ~branch, weights = ~w), svymean).
bank$w <- 1 + (bank$respondent %% 3)
byw <- list()
for (d in names(dims)) {
  bank$g <- dimscore(bank, "P", dims[[d]]) - dimscore(bank, "E", dims[[d]])
  bank$meets <- as.numeric(bank$g >= 0)
  sub <- bank[!is.na(bank$g), ]
  des <- svydesign(ids = ~1, strata = ~branch, weights = ~w, data = sub)
  m <- svyby(~g, ~branch, des, svymean)
  s <- svyby(~meets, ~branch, des, svymean)
  byw[[d]] <- list(branch = as.character(m$branch), gap = unname(m$g), se = unname(SE(m)),
                   n = as.numeric(table(sub$branch)[as.character(m$branch)]),
                   share_meeting = unname(s$meets))
}
out$by_branch_survey_weighted <- byw

# 2. importance-weighted overall gap when respondents 1-3 left their importance row
#    empty: rowSums(G * W / 100) is NA for them; t.test on the rest.
G <- sapply(names(dims), function(d) dimscore(bank, "P", dims[[d]]) - dimscore(bank, "E", dims[[d]]))
W <- as.matrix(bank[, paste0("imp_", names(dims))])
W[bank$respondent %in% 1:3, ] <- NA
wov <- rowSums(G * W / 100)
ok <- !is.na(wov)
tt <- t.test(wov[ok])
out$weighted_empty_importance <- c(gap = mean(wov[ok]), sd = sd(wov[ok]), n = sum(ok),
                                   ci_low = tt$conf.int[1], ci_high = tt$conf.int[2])

# 3. excellence: best-competitor reference, dimension gap P - C: t.test(P_dim - C_dim)
exres <- list()
for (d in names(dims)) {
  g <- dimscore(exc, "P", dims[[d]]) - dimscore(exc, "C", dims[[d]])
  tt <- t.test(g)
  exres[[d]] <- c(perception = mean(dimscore(exc, "P", dims[[d]])),
                  reference = mean(dimscore(exc, "C", dims[[d]])), gap = mean(g), sd = sd(g),
                  ci_low = tt$conf.int[1], ci_high = tt$conf.int[2], share_meeting = mean(g >= 0))
}
out$excellence_competitor <- exres

# 4. value: quality (P1-P4) minus sacrifice (P5-P7) with missing cells:
#    P6 missing for respondents 1-5, P2 missing for respondents 6-8, P5 for 9
val[val$respondent %in% 1:5, "P6"] <- NA
val[val$respondent %in% 6:8, "P2"] <- NA
val[val$respondent == 9, "P5"] <- NA
q <- rowMeans(val[, paste0("P", 1:4)]); sac <- rowMeans(val[, paste0("P", 5:7)])
g <- q - sac
ok <- !is.na(g)
tt <- t.test(g[ok])
out$value_missing <- list(dimension = c(perception = mean(q[ok]), reference = mean(sac[ok]),
                                        gap = mean(g[ok]), sd = sd(g[ok]), n = sum(ok),
                                        ci_low = tt$conf.int[1], ci_high = tt$conf.int[2]))
items <- list()
for (j in 1:4) {
  gj <- val[[paste0("P", j)]] - sac
  okj <- !is.na(gj)
  ttj <- t.test(gj[okj])
  items[[j]] <- c(gap = mean(gj[okj]), n = sum(okj), ci_low = ttj$conf.int[1], ci_high = ttj$conf.int[2])
}
out$value_missing$item <- items

# 5. zone of tolerance by branch, dimension level: means and counts per branch
zb <- list()
for (b in sort(unique(zot$branch))) {
  z <- zot[zot$branch == b, ]
  res <- list()
  for (d in names(dims)) {
    p <- dimscore(z, "P", dims[[d]]); a <- dimscore(z, "A", dims[[d]]); de <- dimscore(z, "D", dims[[d]])
    res[[d]] <- c(adequate = mean(a), desired = mean(de), perceived = mean(p),
                  msa = mean(p - a), mss = mean(p - de), n = length(p),
                  below = sum(a <= de & p < a), within = sum(a <= de & p >= a & p <= de),
                  above = sum(a <= de & p > de), inverted = sum(a > de))
  }
  zb[[b]] <- res
}
out$zot_by_branch <- zb

# 6. zone of tolerance with survey weights w = 1 + respondent %% 4, dimension level:
#    svymean of A, D, P, P - A, P - D and of the below/within/above indicators
zot$w <- 1 + (zot$respondent %% 4)
zw <- list()
for (d in names(dims)) {
  z <- data.frame(p = dimscore(zot, "P", dims[[d]]), a = dimscore(zot, "A", dims[[d]]),
                  de = dimscore(zot, "D", dims[[d]]), w = zot$w)
  z$msa <- z$p - z$a; z$mss <- z$p - z$de
  z$below <- as.numeric(z$a <= z$de & z$p < z$a)
  z$within <- as.numeric(z$a <= z$de & z$p >= z$a & z$p <= z$de)
  z$above <- as.numeric(z$a <= z$de & z$p > z$de)
  m <- coef(svymean(~a + de + p + msa + mss + below + within + above,
                    svydesign(ids = ~1, weights = ~w, data = z)))
  zw[[d]] <- c(adequate = unname(m["a"]), desired = unname(m["de"]), perceived = unname(m["p"]),
               msa = unname(m["msa"]), mss = unname(m["mss"]), share_below = unname(m["below"]),
               share_within = unname(m["within"]), share_above = unname(m["above"]))
}
out$zot_survey_weighted <- zw

# 7. conformance with survey weights (5 for store A, 1 for B): share meeting each
#    item's spec with svyciprop(method = "logit")
conf <- read.csv("src/servqual/datasets/data/conformance.csv")
conf$w <- ifelse(conf$store == "A", 5, 1)
spec <- c(6, 6, 6, 5, 6, 6, 5, 6)
for (j in 1:8) conf[[paste0("m", j)]] <- as.numeric(conf[[paste0("P", j)]] >= spec[j])
des <- svydesign(ids = ~1, weights = ~w, data = conf)
cw <- list()
for (j in 1:8) {
  ci <- svyciprop(as.formula(paste0("~m", j)), des, method = "logit")
  cw[[j]] <- c(share = unname(coef(ci)), low = unname(attr(ci, "ci")[1]),
               high = unname(attr(ci, "ci")[2]))
}
out$conformance_survey_weighted <- cw

conv <- function(x) if (is.list(x)) lapply(x, conv) else if (length(x) > 1 && is.null(names(x))) x else as.list(x)
out <- conv(out)
writeLines(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE),
           "tests/reference/gaps_extra_reference.json")
