# trend_reference.R
#   Reference values for krimp's trend statistics (extension/core/trend.c),
#   computed independently in base R (plus jsonlite to read the CBS file).
#   test/unit/test_trend.c hard-codes what this script prints.
#
#   Rscript test/reference/trend_reference.R [path/to/Bevolkingsontwikkeling_gemeente_per_jaar.json]
#
#   OLS:          lm(); r.squared and the slope's standard error from summary.lm().
#   Theil-Sen:    brute force: median of all pairwise slopes over i < j,
#                 intercept median(y - b * x).
#   Sen's 95% CI: the ranks of R package trend's sens.slope() (Gilbert 1987),
#                 rewritten here because trend is not packaged for Debian:
#                 C = qnorm(0.975) * sqrt(Var S), lower = sorted[round((N - C) / 2)],
#                 upper = sorted[round((N + C) / 2 + 1)].
#   Mann-Kendall: S and Var(S) (tie corrected) by their definitions; the
#                 p-value from stats::cor.test(x, y, method = "kendall"):
#                 exact = TRUE (the exact null distribution, R's ckendall)
#                 for untied series of n <= 40, otherwise exact = FALSE,
#                 continuity = TRUE (normal approximation, Z = (S - sgn S) / sqrt(Var S)).
#   x is the number of steps since the first observed value.
suppressMessages(library(jsonlite))

args <- commandArgs(trailingOnly = TRUE)
json <- if (length(args) >= 1) args[1] else
  "/work/shared/data/cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json"

f17 <- function(v) if (is.na(v)) "NAN" else sprintf("%.17g", v)

reference <- function(name, x, y) {
  keep <- !is.na(y)
  x <- x[keep]; y <- y[keep]
  x <- x - x[1]
  n <- length(y)
  N <- n * (n - 1) / 2
  # OLS (for magnitudes around 1e12: fit y - shift, exact in double, and add it back)
  shift <- if (max(abs(y)) > 1e9) round(min(y)) else 0
  fit <- lm(I(y - shift) ~ x)
  sm <- suppressWarnings(summary(fit))
  ols_slope <- unname(coef(fit)[2])
  ols_intercept <- unname(coef(fit)[1]) + shift
  r2 <- sm$r.squared
  se <- if (n >= 3) sm$coefficients[2, 2] else NA
  if (all(y == y[1])) {
    # lm() returns rounding noise for a constant series (slope -6.2e-16,
    # R squared 0.47 for the one below); the exact answer is krimp's
    # convention: slope 0, intercept the value, R squared undefined (0/0),
    # standard error 0.
    cat(sprintf("/* lm() on the constant series: slope %s, r.squared %s (noise) */\n",
                f17(ols_slope), f17(r2)))
    ols_slope <- 0; ols_intercept <- y[1]; r2 <- NA; se <- 0
  }
  # Theil-Sen by brute force
  d <- c()
  s <- 0
  for (i in 1:(n - 1)) for (j in (i + 1):n) {
    d <- c(d, (y[j] - y[i]) / (x[j] - x[i]))
    s <- s + sign(y[j] - y[i])
  }
  ts_slope <- median(d)
  ts_intercept <- median(y - ts_slope * x)
  # Mann-Kendall
  ties <- table(y)
  ties <- ties[ties > 1]
  var_s <- (n * (n - 1) * (2 * n + 5) - sum(ties * (ties - 1) * (2 * ties + 5))) / 18
  tau <- s / N
  exact <- length(ties) == 0 && n <= 40
  p <- if (var_s == 0) NA else if (exact) {
    cor.test(x, y, method = "kendall", exact = TRUE)$p.value
  } else {
    suppressWarnings(cor.test(x, y, method = "kendall", exact = FALSE, continuity = TRUE)$p.value)
  }
  # Sen's interval with trend::sens.slope's ranks
  C <- qnorm(0.975) * sqrt(var_s)
  lo <- round((N - C) / 2)
  up <- round((N + C) / 2 + 1)
  sorted <- sort(d)
  ci_lo <- if (lo >= 1 && up <= N) sorted[lo] else NA
  ci_hi <- if (lo >= 1 && up <= N) sorted[up] else NA
  cat(sprintf("/* %s: n = %d */\n", name, n))
  cat(sprintf("  ols_slope %s\n  ols_intercept %s\n  r_squared %s\n  ols_slope_stderr %s\n",
              f17(ols_slope), f17(ols_intercept), f17(r2), f17(se)))
  cat(sprintf("  ts_slope %s\n  ts_intercept %s\n  ts_ci_low %s\n  ts_ci_high %s\n",
              f17(ts_slope), f17(ts_intercept), f17(ci_lo), f17(ci_hi)))
  cat(sprintf("  mk_s %s\n  mk_var_s %s\n  kendall_tau %s\n  mk_p %s\n  mk_exact %s\n",
              f17(s), f17(var_s), f17(tau), f17(p), if (exact && var_s > 0) "true" else "false"))
}

cat(R.version.string, "\n")

# 1. Delfzijl (GM0010), population on 1 January, 2002-2022 (2021 and 2022 missing:
#    merged into Eemsdelta)
raw <- suppressWarnings(fromJSON(json))$value  # the file starts with a byte-order mark
rows <- do.call(rbind, lapply(raw, function(r)
  data.frame(region = r$RegioS, period = r$Perioden,
             value = if (is.null(r$BevolkingAanHetBeginVanDePeriode_1)) NA
                     else r$BevolkingAanHetBeginVanDePeriode_1)))
dz <- rows[rows$region == "GM0010", ]
dz <- dz[order(dz$period), ]
cat("/* Delfzijl values:", paste(ifelse(is.na(dz$value), "NA", dz$value), collapse = ", "), "*/\n")
reference("delfzijl", seq_along(dz$value) - 1, dz$value)

# 2. ties
reference("ties", 0:9, c(10, 12, 12, 11, 15, 15, 15, 14, 18, 20))
# 3. constant
reference("constant", 0:5, rep(5, 6))
# 4. short, n = 4
reference("short", 0:3, c(3.1, 2.7, 4.9, 5.2))
# 5. missing values (positions 3 and 7)
reference("missing", 0:11, c(100, 98, 97, NA, 95, 96, 93, NA, 90, 91, 88, 87))
# 6. large magnitudes: 1e12 plus a trend of about 3 per step (all exact in double)
reference("large", 0:11, 1e12 + c(0.5, 3, 7.5, 9, 11.5, 16, 18.5, 20, 24.5, 27, 29.5, 33))
# 7. long untied series, n = 45 (normal approximation)
long <- ((1:45) * 37) %% 101 + 0.25 * (1:45)
stopifnot(!any(duplicated(long)))
cat("/* long values:", paste(sprintf("%.17g", long), collapse = ", "), "*/\n")
reference("long", 0:44, long)

# Exact null distribution of S: P(S >= s) for untied series of n values.
# cor.test's statistic T counts concordant pairs: S = 2T - N, and R's
# internal pkendall(q, n) = P(T <= q).
pkendall <- function(q, n) .Call(stats:::C_pKendall, q, n)
upper <- function(s, n) { N <- n * (n - 1) / 2; 1 - pkendall((N + s) / 2 - 1, n) }
for (case in list(c(12, 30), c(4, 6), c(10, 21), c(3, 1), c(40, 200), c(40, 2), c(20, 100)))
  cat(sprintf("P(S >= %d | n = %d) = %s\n", case[2], case[1], f17(upper(case[2], case[1]))))
