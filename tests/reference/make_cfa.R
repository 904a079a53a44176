# Reference values for servqual.cfa and servqual.validity (tests/test_cfa.py, tests/test_validity.py).
#
# Run from the repository root:  Rscript tests/reference/make_cfa.R
# Needs lavaan (0.6-14 used) and semTools (0.5-6 used; `apt-get install r-cran-semtools`).
#
# Inputs
#   * lavaan::HolzingerSwineford1939 (exported here to cfa_hs_data.csv, columns x1..x9)
#   * cfa_bank_data.csv: the bundled retail_bank perception ratings after listwise deletion,
#     exported from Python with
#       import servqual as sq
#       sq.load_example("retail_bank", nan_policy="listwise").ratings("P").to_csv(
#           "tests/reference/cfa_bank_data.csv")
#
# Outputs (all under tests/reference/)
#   cfa_<case>_fit.json     fitMeasures(fit, c(...))
#   cfa_<case>_params.csv   parameterEstimates(fit)  (est, se, z, pvalue)
#   cfa_<case>_std.csv      standardizedSolution(fit) (est.std, se, z, pvalue)
#   cfa_<case>_validity.json  CR, AVE, Fornell-Larcker, HTMT (explicit formulas + semTools::htmt)
# cases: hs (std.lv=TRUE), hs_marker (std.lv=FALSE, marker variable), hs_textual (one factor,
#        3 items, df = 0), bank (5-factor SERVQUAL model on the perception items, std.lv=TRUE)

suppressMessages({
  library(lavaan)
  library(semTools)
  library(jsonlite)
})

out_dir <- "tests/reference"
digits <- NA  # full precision in JSON

hs <- HolzingerSwineford1939[, paste0("x", 1:9)]
write.csv(hs, file.path(out_dir, "cfa_hs_data.csv"), row.names = FALSE)
bank <- read.csv(file.path(out_dir, "cfa_bank_data.csv"))
bank$respondent <- NULL

HS.model <- " visual  =~ x1 + x2 + x3
              textual =~ x4 + x5 + x6
              speed   =~ x7 + x8 + x9 "
textual.model <- " textual =~ x4 + x5 + x6 "
bank.model <- "
  tangibles      =~ TAN1 + TAN2 + TAN3 + TAN4
  reliability    =~ REL1 + REL2 + REL3 + REL4 + REL5
  responsiveness =~ RES1 + RES2 + RES3 + RES4
  assurance      =~ ASS1 + ASS2 + ASS3 + ASS4
  empathy        =~ EMP1 + EMP2 + EMP3 + EMP4 + EMP5 "

measures <- c("chisq", "df", "pvalue", "baseline.chisq", "baseline.df", "cfi", "tli",
              "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "rmsea.pvalue", "srmr",
              "aic", "bic", "logl", "unrestricted.logl", "npar", "ntotal", "fmin")

write_fit <- function(fit, case) {
  fm <- fitMeasures(fit, measures)
  write_json(as.list(unclass(fm)), file.path(out_dir, paste0("cfa_", case, "_fit.json")),
             digits = digits, auto_unbox = TRUE, pretty = TRUE)
  pe <- parameterEstimates(fit)[, c("lhs", "op", "rhs", "est", "se", "z", "pvalue")]
  write.csv(pe, file.path(out_dir, paste0("cfa_", case, "_params.csv")), row.names = FALSE)
  ss <- standardizedSolution(fit)[, c("lhs", "op", "rhs", "est.std", "se", "z", "pvalue")]
  write.csv(ss, file.path(out_dir, paste0("cfa_", case, "_std.csv")), row.names = FALSE)
}

# Validity figures from lavaan's standardized solution, with explicit formulas:
#   CR_k  = (sum_i lambda_ik)^2 / ((sum_i lambda_ik)^2 + sum_i theta_ii)   (std.all)
#   AVE_k = mean_i lambda_ik^2                                             (std.all)
#   Fornell-Larcker: sqrt(AVE_k) > max_{l != k} |phi_kl|  (std.all factor correlations)
#   HTMT_kl = mean(|r_ij|, i in k, j in l) /
#             sqrt(mean(|r_ii'|, i < i' in k) * mean(|r_jj'|, j < j' in l))   (Henseler 2015)
#   HTMT2_kl = geometric means in place of arithmetic means            (Roemer et al. 2021)
#   on R = cor(data) (listwise complete data).
validity <- function(fit, data, case) {
  ss <- standardizedSolution(fit)
  load <- ss[ss$op == "=~", ]
  facs <- unique(load$lhs)
  cr <- ave <- setNames(numeric(length(facs)), facs)
  items <- list()
  for (f in facs) {
    l <- load$est.std[load$lhs == f]
    it <- load$rhs[load$lhs == f]
    items[[f]] <- it
    th <- ss$est.std[ss$op == "~~" & ss$lhs %in% it & ss$lhs == ss$rhs]
    cr[f] <- sum(l)^2 / (sum(l)^2 + sum(th))
    ave[f] <- mean(l^2)
  }
  phi <- diag(length(facs))
  dimnames(phi) <- list(facs, facs)
  fc <- ss[ss$op == "~~" & ss$lhs %in% facs & ss$rhs %in% facs & ss$lhs != ss$rhs, ]
  for (r in seq_len(nrow(fc))) {
    phi[fc$lhs[r], fc$rhs[r]] <- phi[fc$rhs[r], fc$lhs[r]] <- fc$est.std[r]
  }
  fl_pass <- setNames(sapply(facs, function(f) {
    if (length(facs) < 2) return(TRUE)
    unname(sqrt(ave[f]) > max(abs(phi[f, setdiff(facs, f)])))
  }), facs)
  R <- abs(cor(data))
  htmt_explicit <- matrix(1, length(facs), length(facs), dimnames = list(facs, facs))
  htmt2_explicit <- htmt_explicit
  mono <- function(f) { m <- R[items[[f]], items[[f]]]; m[lower.tri(m)] }
  for (a in facs) for (b in facs) if (a != b) {
    het <- as.vector(R[items[[a]], items[[b]]])
    htmt_explicit[a, b] <- mean(het) / sqrt(mean(mono(a)) * mean(mono(b)))
    gm <- function(x) exp(mean(log(x)))
    htmt2_explicit[a, b] <- gm(het) / sqrt(gm(mono(a)) * gm(mono(b)))
  }
  model_str <- paste(sapply(facs, function(f) paste(f, "=~", paste(items[[f]], collapse = " + "))),
                     collapse = "\n")
  ht1 <- htmt(model_str, data = data, htmt2 = FALSE)
  ht2 <- htmt(model_str, data = data, htmt2 = TRUE)
  res <- list(
    factors = facs,
    cr = as.list(cr), ave = as.list(ave), sqrt_ave = as.list(sqrt(ave)),
    fornell_larcker_pass = as.list(fl_pass),
    factor_correlations = unname(split(phi, row(phi))),
    htmt_explicit = unname(split(htmt_explicit, row(htmt_explicit))),
    htmt2_explicit = unname(split(htmt2_explicit, row(htmt2_explicit))),
    htmt_semtools = unname(split(unclass(ht1), row(ht1))),
    htmt2_semtools = unname(split(unclass(ht2), row(ht2))),
    htmt_semtools_rownames = rownames(ht1)
  )
  write_json(res, file.path(out_dir, paste0("cfa_", case, "_validity.json")),
             digits = digits, auto_unbox = TRUE, pretty = TRUE)
}

fit_hs <- cfa(HS.model, data = HolzingerSwineford1939, std.lv = TRUE)
write_fit(fit_hs, "hs")
validity(fit_hs, hs, "hs")

fit_hs_marker <- cfa(HS.model, data = HolzingerSwineford1939)   # std.lv = FALSE: marker variable
write_fit(fit_hs_marker, "hs_marker")

fit_textual <- cfa(textual.model, data = HolzingerSwineford1939, std.lv = TRUE)  # df = 0
write_fit(fit_textual, "hs_textual")

fit_bank <- cfa(bank.model, data = bank, std.lv = TRUE)
write_fit(fit_bank, "bank")
validity(fit_bank, bank, "bank")

cat("lavaan", as.character(packageVersion("lavaan")),
    "semTools", as.character(packageVersion("semTools")), "\n")
