# Reference values for tests/test_summary.py (listwise / complete-case statistics).
# Run from the project root:  Rscript tests/reference/make_summary.R
# Writes tests/reference/summary_reference.json from the bundled retail_bank CSV.
library(jsonlite)

bank <- read.csv("src/servqual/datasets/data/retail_bank.csv")
rating_cols <- c(paste0("E", 1:22), paste0("P", 1:22))
cc <- bank[complete.cases(bank[, rating_cols]), ]          # listwise over all ratings
dims <- list(tangibles = 1:4, reliability = 5:9, responsiveness = 10:13,
             assurance = 14:17, empathy = 18:22)
dimgap <- function(df, idx) rowMeans(df[, paste0("P", idx)]) - rowMeans(df[, paste0("E", idx)])

out <- list(n = nrow(cc), n_dropped = nrow(bank) - nrow(cc))

# dimension gaps, whole sample: t.test(g)
one <- function(g) {
  tt <- t.test(g)
  list(gap = mean(g), sd = sd(g), n = length(g), ci_low = tt$conf.int[1],
       ci_high = tt$conf.int[2], share_meeting = mean(g >= 0))
}
out$dimension <- lapply(dims, function(idx) one(dimgap(cc, idx)))

# dimension gaps by branch
out$by_branch <- list()
for (b in sort(unique(cc$branch))) {
  sub <- cc[cc$branch == b, ]
  out$by_branch[[b]] <- lapply(dims, function(idx) one(dimgap(sub, idx)))
}

# overall gap = mean of the dimension gaps
G <- sapply(dims, function(idx) dimgap(cc, idx))
out$overall <- one(rowMeans(G))

# item paired t-tests: t.test(P, E, paired = TRUE); Cohen's dz = mean(d) / sd(d)
out$paired <- lapply(1:22, function(j) {
  d <- cc[[paste0("P", j)]] - cc[[paste0("E", j)]]
  tt <- t.test(cc[[paste0("P", j)]], cc[[paste0("E", j)]], paired = TRUE)
  list(t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
       dz = mean(d) / sd(d))
})

# covariance and correlation of the perception items: cov(P), cor(P)
P <- as.matrix(cc[, paste0("P", 1:22)])
out$cov_P <- unname(cov(P))
out$cor_P <- unname(cor(P))
E <- as.matrix(cc[, paste0("E", 1:22)])
out$cov_gap <- unname(cov(P - E))

write_json(out, "tests/reference/summary_reference.json", digits = NA, auto_unbox = TRUE,
           pretty = TRUE)
