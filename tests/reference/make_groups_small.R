# Reference figures for tests/test_groups.py (groups of size 0 and 1).
# Run from the project root:  Rscript tests/reference/make_groups_small.R
# Data: tests/reference/inference_small.csv with respondent 1 moved to a group of
# its own ("lonely") and P6 blanked for group "c", so that no member of "c" has a
# care gap (an empty group for that unit). Base R only; prints the figures that
# tests/test_groups.py stores beside the R calls.
d <- read.csv("tests/reference/inference_small.csv")
d$grp[1] <- "lonely"
d$P6[d$grp == "c"] <- NA
d$grp <- factor(d$grp, levels = c("a", "b", "c", "lonely"))
speed <- rowMeans(d[, paste0("P", 1:5)]) - rowMeans(d[, paste0("E", 1:5)])
care <- rowMeans(d[, paste0("P", 6:7)]) - rowMeans(d[, paste0("E", 6:7)])
show <- function(label, x) cat(sprintf("%-28s %s\n", label, paste(sprintf("%.12g", x), collapse = ", ")))

report <- function(name, y, g) {
  ok <- !is.na(y)
  y <- y[ok]; g <- droplevels(g[ok])  # R drops the empty group (no answers)
  fit <- aov(y ~ g)
  tab <- summary(fit)[[1]]
  ssb <- tab[1, "Sum Sq"]; ssw <- tab[2, "Sum Sq"]; msw <- tab[2, "Mean Sq"]; df1 <- tab[1, "Df"]
  show(paste(name, "aov F, df2, p"), c(tab[1, "F value"], tab[2, "Df"], tab[1, "Pr(>F)"]))
  show(paste(name, "eta_sq, omega_sq"), c(ssb / (ssb + ssw), (ssb - df1 * msw) / (ssb + ssw + msw)))
  tk <- TukeyHSD(fit, conf.level = 0.95)$g
  cat(name, "Tukey pairs:", rownames(tk), "\n")
  show(paste(name, "Tukey diff"), tk[, "diff"])
  show(paste(name, "Tukey lwr"), tk[, "lwr"])
  show(paste(name, "Tukey upr"), tk[, "upr"])
  show(paste(name, "Tukey p adj"), tk[, "p adj"])
  kw <- kruskal.test(round(y, 10) ~ g)
  show(paste(name, "kruskal H, df, p"), c(kw$statistic, kw$parameter, kw$p.value))
  cat(name, "oneway.test(var.equal = FALSE):",
      tryCatch(format(oneway.test(y ~ g)$statistic), error = conditionMessage), "\n")
  # Games-Howell, explicit formula (ptukey with k = all groups), pairs with n >= 2
  lev <- levels(g); k <- length(lev)
  for (i in 1:(k - 1)) for (j in (i + 1):k) {
    a <- y[g == lev[i]]; b <- y[g == lev[j]]
    if (length(a) < 2 || length(b) < 2) next
    va <- var(a) / length(a); vb <- var(b) / length(b)
    dfp <- (va + vb)^2 / (va^2 / (length(a) - 1) + vb^2 / (length(b) - 1))
    se <- sqrt((va + vb) / 2); diff <- mean(b) - mean(a)
    show(paste(name, "GH", lev[i], lev[j], "diff, df, p"),
         c(diff, dfp, ptukey(abs(diff) / se, k, dfp, lower.tail = FALSE)))
  }
  show(paste(name, "means"), tapply(y, g, mean))
  show(paste(name, "n"), tapply(y, g, length))
}
report("speed", speed, d$grp)
report("care", care, d$grp)
