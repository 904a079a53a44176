# Reference counts for servqual.likert_distribution (tests/test_plotting.py).
# Run from the repository root:  Rscript tests/reference/make_distribution.R
# Input: the bundled retail_bank example (SERVQUAL-22, no reverse-keyed items).
d <- read.csv("src/servqual/datasets/data/retail_bank.csv")
out <- NULL
for (rating in c("P", "E")) {
  for (j in 1:22) {
    x <- d[[paste0(rating, j)]]
    tab <- table(factor(x, levels = 1:7))          # counts per scale point, NA dropped
    row <- data.frame(rating = rating, item = j, n = sum(!is.na(x)),
                      mean = mean(x, na.rm = TRUE), t(as.vector(tab)))
    names(row)[5:11] <- paste0("count_", 1:7)
    out <- rbind(out, row)
  }
}
write.csv(out, "tests/reference/distribution_retail.csv", row.names = FALSE)
