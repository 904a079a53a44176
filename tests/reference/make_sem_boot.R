# Bootstrap reference for servqual.sem(se="bootstrap") (tests/test_sem.py).
#
# Run from the repository root:  Rscript tests/reference/make_sem_boot.R
# Needs lavaan (0.6-14 used) and jsonlite. Input: sem_hs_data.csv (written by make_sem.R).
# Output: sem_boot_reference.json with, for the Holzinger-Swineford mediation model
# (ind := a*b), lavaan's bootstrap (se = "bootstrap", 2000 draws, set.seed(20261201)):
#   se        parameterEstimates(fit)$se (SD of the draws)
#   perc      parameterEstimates(fit, boot.ci.type = "perc") ci.lower / ci.upper
# The draws are random, so servqual's are compared within Monte-Carlo error.

suppressMessages({
  library(lavaan)
  library(jsonlite)
})
out_dir <- "tests/reference"
hs <- read.csv(file.path(out_dir, "sem_hs_data.csv"))
model <- "
  visual  =~ x1 + x2 + x3
  textual =~ x4 + x5 + x6
  speed   =~ x7 + x8 + x9
  textual ~ a*visual
  speed   ~ b*textual + c*visual
  ind   := a*b
  total := c + a*b
"
set.seed(20261201)
fit <- sem(model, data = hs, se = "bootstrap", bootstrap = 2000)
perc <- parameterEstimates(fit, boot.ci.type = "perc")
res <- list(
  model = model, n_boot = 2000,
  lhs = perc$lhs, op = perc$op, rhs = perc$rhs, est = perc$est, se = perc$se,
  perc_lower = perc$ci.lower, perc_upper = perc$ci.upper
)
writeLines(toJSON(res, digits = NA, auto_unbox = TRUE),
           file.path(out_dir, "sem_boot_reference.json"))
