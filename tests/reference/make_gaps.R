# Reference values for tests/test_gaps.py.
# Run from the project root:  Rscript tests/reference/make_gaps.R
# Writes tests/reference/gaps_reference.json from the bundled example CSVs.
suppressMessages(library(survey))

bank <- read.csv("src/servqual/datasets/data/retail_bank.csv")
zot  <- read.csv("src/servqual/datasets/data/zone_of_tolerance.csv")
dims <- list(tangibles = 1:4, reliability = 5:9, responsiveness = 10:13,
             assurance = 14:17, empathy = 18:22)
dimscore <- function(df, letter, idx) rowMeans(df[, paste0(letter, idx)])  # NA if any item NA

out <- list()
# item level: t.test(P, E, paired = TRUE) per item (pairs with both answered)
items <- list()
for (j in 1:22) {
  p <- bank[[paste0("P", j)]]; e <- bank[[paste0("E", j)]]
  ok <- !is.na(p) & !is.na(e)
  tt <- t.test(p[ok], e[ok], paired = TRUE)
  items[[j]] <- c(mean_p = mean(p[ok]), mean_e = mean(e[ok]), gap = unname(tt$estimate),
                  sd = sd(p[ok] - e[ok]), n = sum(ok), ci_low = tt$conf.int[1], ci_high = tt$conf.int[2])
}
out$item <- items

# dimension level: dimension score = mean of its items; gap = P_dim - E_dim
dimres <- list()
G <- NULL
for (d in names(dims)) {
  g <- dimscore(bank, "P", dims[[d]]) - dimscore(bank, "E", dims[[d]])
  G <- cbind(G, g)
  ok <- !is.na(g)
  tt <- t.test(g[ok])
  tt90 <- t.test(g[ok], conf.level = 0.90)
  dimres[[d]] <- c(gap = mean(g[ok]), sd = sd(g[ok]), n = sum(ok), ci_low = tt$conf.int[1],
                   ci_high = tt$conf.int[2], ci90_low = tt90$conf.int[1], ci90_high = tt90$conf.int[2],
                   share_meeting = mean(g[ok] >= 0))
}
out$dimension <- dimres

# overall unweighted = mean of the dimension gaps; weighted = sum(w_d/100 * gap_d)
overall <- rowMeans(G)
ok <- !is.na(overall)
tt <- t.test(overall[ok])
out$overall <- c(gap = mean(overall[ok]), sd = sd(overall[ok]), n = sum(ok),
                 ci_low = tt$conf.int[1], ci_high = tt$conf.int[2])
W <- as.matrix(bank[, paste0("imp_", names(dims))]) / 100
wov <- rowSums(G * W)
ok <- !is.na(wov)
tt <- t.test(wov[ok])
out$overall_weighted <- c(gap = mean(wov[ok]), sd = sd(wov[ok]), n = sum(ok),
                          ci_low = tt$conf.int[1], ci_high = tt$conf.int[2])

# by branch, dimension 'reliability'
byb <- list()
g <- dimscore(bank, "P", dims$reliability) - dimscore(bank, "E", dims$reliability)
for (b in sort(unique(bank$branch))) {
  x <- g[bank$branch == b & !is.na(g)]
  tt <- t.test(x)
  byb[[b]] <- c(gap = mean(x), sd = sd(x), n = length(x), ci_low = tt$conf.int[1], ci_high = tt$conf.int[2])
}
out$by_branch_reliability <- byb

# survey weights: w = 1 + (respondent %% 3), svymean of the overall gap
bank$w <- 1 + (bank$respondent %% 3)
bank$overall_gap <- overall
des <- svydesign(ids = ~1, weights = ~w, data = bank[!is.na(bank$overall_gap), ])
m <- svymean(~overall_gap, des)
out$survey_weighted_overall <- c(gap = unname(coef(m)), se = unname(SE(m)))

# three-column: MSA = P - A, MSS = P - D per dimension; zone counts per item
zres <- list()
for (d in names(dims)) {
  p <- dimscore(zot, "P", dims[[d]]); a <- dimscore(zot, "A", dims[[d]]); de <- dimscore(zot, "D", dims[[d]])
  msa <- t.test(p - a); mss <- t.test(p - de)
  zres[[d]] <- c(msa = mean(p - a), msa_low = msa$conf.int[1], msa_high = msa$conf.int[2],
                 mss = mean(p - de), mss_low = mss$conf.int[1], mss_high = mss$conf.int[2],
                 below = sum(a <= de & p < a), within = sum(a <= de & p >= a & p <= de),
                 above = sum(a <= de & p > de), inverted = sum(a > de))
}
out$zot_dimension <- zres
zitems <- list()
for (j in 1:22) {
  p <- zot[[paste0("P", j)]]; a <- zot[[paste0("A", j)]]; de <- zot[[paste0("D", j)]]
  zitems[[j]] <- c(below = sum(a <= de & p < a), within = sum(a <= de & p >= a & p <= de),
                   above = sum(a <= de & p > de), inverted = sum(a > de))
}
out$zot_item <- zitems

conv <- function(x) if (is.list(x)) lapply(x, conv) else as.list(x)
out <- conv(out)
writeLines(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE),
           "tests/reference/gaps_reference.json")
