# Reference survey-weighted answer shares for servqual.likert_distribution
# (tests/test_plotting.py::test_likert_distribution_weighted_matches_r).
# Run from the repository root:  Rscript tests/reference/make_distribution_weighted.R
# Input: the bundled retail_bank example with the weight w_i = 0.5 + (i mod 7) / 4
# of respondent row i (1-based), computed identically in the test.
library(survey)
d <- read.csv("src/servqual/datasets/data/retail_bank.csv")
d$w <- 0.5 + (seq_len(nrow(d)) %% 7) / 4
out <- NULL
for (j in 1:22) {
  x <- d[[paste0("P", j)]]
  ok <- !is.na(x)
  share <- prop.table(xtabs(d$w[ok] ~ factor(x[ok], levels = 1:7)))   # weighted shares
  des <- svydesign(ids = ~1, weights = ~w, data = data.frame(f = factor(x[ok], levels = 1:7),
                                                              x = x[ok], w = d$w[ok]))
  sv <- coef(svymean(~f, des))                                        # the same via survey
  row <- data.frame(item = j, mean = coef(svymean(~x, des)), t(as.vector(share)),
                    t(as.vector(sv)))
  names(row)[3:9] <- paste0("share_", 1:7)
  names(row)[10:16] <- paste0("svy_share_", 1:7)
  out <- rbind(out, row)
}
write.csv(out, "tests/reference/distribution_retail_weighted.csv", row.names = FALSE)
